import { createLoopbackAclLinks, FixedCid, L2cap } from '@tsble/l2cap';
import { describe, expect, it } from 'vitest';
import { AttBearer } from './att-bearer.js';
import type { AttPdu } from './att-pdu.js';
import { GattServer } from './gatt-server.js';
import { protectedService } from './protected-service.test-support.js';
import { settle } from './stack.test-support.js';

/** Two bearers over loopback L2CAP, each with its own client-side gate. */
function gatedPair(clientGate: (pdu: AttPdu) => Promise<void> | undefined) {
  const [a, b] = createLoopbackAclLinks(0x40, 27);
  const central = new L2cap(a, { role: 'central' });
  const peripheral = new L2cap(b, { role: 'peripheral' });
  a.attach((pb, d) => central.receiveAcl(pb, d));
  b.attach((pb, d) => peripheral.receiveAcl(pb, d));
  const received: number[] = [];
  peripheral.fixedChannel(FixedCid.att).on('pdu', (pdu) => received.push(pdu[0] ?? -1));
  const client = new AttBearer(central.fixedChannel(FixedCid.att), { beforeClientPdu: clientGate });
  // The server's gate refuses everything: its responses must not pass through it.
  const serverBearer = new AttBearer(peripheral.fixedChannel(FixedCid.att), {
    beforeClientPdu: () => Promise.reject(new Error('server-side traffic is never gated')),
  });
  new GattServer({ services: [protectedService()] }).attach(serverBearer, {
    security: () => ({ encrypted: true, authenticated: true, sc: true, keySize: 16 }),
  });
  return { client, received };
}

describe('ATT bearer client-side gate (beforeClientPdu)', () => {
  it('is awaited before each request and Write Command; a refusal sends nothing and rejects the call', async () => {
    const seen: string[] = [];
    let open = false;
    const { client, received } = gatedPair((pdu) => {
      seen.push(pdu.op);
      return open ? undefined : Promise.reject(new Error('not yet'));
    });
    await expect(client.request({ op: 'read-request', handle: 1 })).rejects.toThrow('not yet');
    await expect(client.send({ op: 'write-command', handle: 1, value: Uint8Array.of(1) })).rejects.toThrow(
      'not yet',
    );
    await settle();
    expect(received).toEqual([]);
    open = true;
    const response = await client.request({ op: 'read-request', handle: 1 });
    expect(response.op).toBe('read-response');
    expect(seen).toEqual(['read-request', 'write-command', 'read-request']);
    expect(received).toEqual([0x0a]); // only the request let through reached the peer
  });
});
