import { openLinkedPair } from '@tsble/virtual-controller';
import { describe, expect, it } from 'vitest';
import { FixedCid, LeCreditBasedConnectionResult } from './constants.js';
import type { LeCreditChannel } from './credit-channel.js';
import { L2cap } from './l2cap.js';
import type { LinkSecurity } from './security.js';

async function l2capPair(
  security: LinkSecurity = { encrypted: false, authenticated: false, sc: false, keySize: 0 },
) {
  const pair = await openLinkedPair();
  const central = new L2cap(pair.central.aclLink(pair.centralHandle), {
    role: 'central',
    onConnectionParameterUpdateRequest: () => true,
  });
  const peripheral = new L2cap(pair.peripheral.aclLink(pair.peripheralHandle), {
    role: 'peripheral',
    security: () => security,
  });
  pair.central.on('acl', (h, pb, d) => h === pair.centralHandle && central.receiveAcl(pb, d));
  pair.peripheral.on('acl', (h, pb, d) => h === pair.peripheralHandle && peripheral.receiveAcl(pb, d));
  pair.central.on('disconnection', () => central.close());
  pair.peripheral.on('disconnection', () => peripheral.close());
  return { pair, central, peripheral };
}

describe('L2CAP over the virtual controller', () => {
  it('fixed channels carry PDUs larger than the controller buffers', async () => {
    const { pair, central, peripheral } = await l2capPair();
    try {
      const got = new Promise<Uint8Array>((resolve) =>
        peripheral.fixedChannel(FixedCid.smp).on('pdu', resolve),
      );
      const pdu = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
      await central.fixedChannel(FixedCid.smp).send(pdu);
      expect(await got).toEqual(pdu);
    } finally {
      await pair.close();
    }
  });

  it('connection parameter update: the peripheral asks, the central policy accepts', async () => {
    const { pair, peripheral } = await l2capPair();
    try {
      expect(
        await peripheral.requestConnectionParameterUpdate({
          intervalMin: 6,
          intervalMax: 12,
          latency: 0,
          timeout: 100,
        }),
      ).toBe(true);
    } finally {
      await pair.close();
    }
  });

  it('transfers 1 MB over an LE credit-based channel with credits flowing back', async () => {
    const { pair, central, peripheral } = await l2capPair();
    try {
      let server: LeCreditChannel | undefined;
      peripheral.listen(0x0080, { mtu: 2048, mps: 247, initialCredits: 16, onChannel: (c) => (server = c) });
      const client = await central.connect(0x0080, { mtu: 2048, mps: 247, initialCredits: 16 });
      const total = 1 << 20;
      let received = 0;
      let checksum = 0;
      const done = new Promise<void>((resolve) =>
        server!.on('sdu', (sdu) => {
          for (const b of sdu) checksum = (checksum + b) % 65521;
          received += sdu.length;
          if (received === total) resolve();
        }),
      );
      let expected = 0;
      for (let offset = 0; offset < total; offset += 2048) {
        const sdu = Uint8Array.from({ length: 2048 }, (_, i) => (offset + i) % 251);
        for (const b of sdu) expected = (expected + b) % 65521;
        void client.send(sdu);
      }
      await done;
      expect(received).toBe(total);
      expect(checksum).toBe(expected);
      expect(client.queuedSdus).toBe(0);
    } finally {
      await pair.close();
    }
  }, 60_000);

  it('refuses a channel on an SPSM that needs encryption, then accepts it once the link is encrypted', async () => {
    const security: LinkSecurity = { encrypted: false, authenticated: false, sc: false, keySize: 0 };
    const { pair, central, peripheral } = await l2capPair(security);
    try {
      peripheral.listen(0x0081, { security: { encrypted: true }, onChannel: () => {} });
      await expect(central.connect(0x0081)).rejects.toMatchObject({
        result: LeCreditBasedConnectionResult.insufficientEncryption,
      });
      security.encrypted = true;
      security.keySize = 16;
      const channel = await central.connect(0x0081);
      expect(channel.state).toBe('open');
    } finally {
      await pair.close();
    }
  });

  it('disconnection closes every channel and fails pending sends', async () => {
    const { pair, central, peripheral } = await l2capPair();
    peripheral.listen(0x0080, { initialCredits: 1, autoCredits: false, onChannel: () => {} });
    const client = await central.connect(0x0080);
    const closed = new Promise<string>((resolve) => client.on('close', resolve));
    const stuck = client.send(new Uint8Array(2000));
    await pair.central.execute('disconnect', { connectionHandle: pair.centralHandle, reason: 0x13 });
    expect(await closed).toBe('link-closed');
    await expect(stuck).rejects.toMatchObject({ code: 'disconnected' });
    await pair.close();
  });
});
