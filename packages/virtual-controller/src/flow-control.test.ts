import { encodeH4, Hci } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';
import { openLinkedPair } from './linked-pair.js';

const fail = (message: string) => {
  throw new Error(message);
};

describe('flow control against a strict controller', () => {
  it('sends 10,000 ACL packets through three 27-octet buffers without an overrun', async () => {
    // Instant links whatever TSBLE_SIM_INTERVAL_MS says: this checks credits, not timing (at 30 ms a
    // connection event it would take minutes).
    const pair = await openLinkedPair({
      air: new VirtualAir({ timing: undefined }),
      controller: { strict: true, onViolation: fail },
    });
    expect(pair.central.leAclDataPacketLength).toBe(27);
    expect(pair.central.leAclDataPacketCount).toBe(3);
    let received = 0;
    let octets = 0;
    pair.peripheral.on('acl', (_h, _pb, data) => {
      received++;
      octets += data.length;
    });
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) {
      sends.push(
        pair.central.sendAcl(
          pair.centralHandle,
          i % 2 === 0 ? 0x00 : 0x01,
          new Uint8Array(27).fill(i & 0xff),
        ),
      );
    }
    await Promise.all(sends);
    while (received < 10_000) await new Promise((r) => setTimeout(r, 5));
    expect(octets).toBe(270_000);
    expect(pair.centralTransport.controller.violations).toEqual([]);
    await new Promise((r) => setTimeout(r, 10));
    expect(pair.central.aclCredits).toBe(3);
    await pair.close();
  }, 60_000);

  it('notices a host that overruns its buffers (the check the load test relies on)', async () => {
    const pair = await openLinkedPair({ controller: { strict: true } });
    const controller = pair.centralTransport.controller;
    const packet = encodeH4({
      type: 'acl',
      handle: pair.centralHandle,
      packetBoundary: 0,
      broadcast: 0,
      data: new Uint8Array(27),
    });
    // Bypass the Hci layer's flow control: four packets into three buffers.
    await pair.centralTransport.writeRaw(Uint8Array.from([...packet, ...packet, ...packet, ...packet]));
    expect(controller.violations).toHaveLength(1);
    expect(controller.violations[0]).toMatch(/buffers full/);
    await pair.close();
  });

  it('notices a host that sends a command without a credit', async () => {
    const air = new VirtualAir();
    const transport = air.createController({ strict: true });
    const reset = encodeH4({ type: 'command', opcode: 0x0c03, params: new Uint8Array(0) });
    await transport.writeRaw(Uint8Array.from([...reset, ...reset]));
    expect(transport.controller.violations[0]).toMatch(/without a Num_HCI_Command_Packets credit/);
    air.close();
  });

  it('returns a connection’s buffers when it disconnects', async () => {
    const pair = await openLinkedPair({ controller: { strict: true, onViolation: fail } });
    // Fill the buffers, then drop the link before the completions come back.
    const sends = [0, 1, 2, 3, 4].map(() =>
      pair.central.sendAcl(pair.centralHandle, 0, new Uint8Array(10)).catch((e: Error) => e),
    );
    const gone = pair.central.next('disconnection');
    await pair.central.execute('disconnect', { connectionHandle: pair.centralHandle, reason: 0x13 });
    expect((await gone)[0].reason).toBe(0x16);
    const results = await Promise.all(sends);
    expect(
      results
        .filter((r) => r instanceof Error)
        .every((e) => (e as { code?: string }).code === 'acl-disconnected'),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(pair.central.aclCredits).toBe(3);
    await expect(pair.central.sendAcl(pair.centralHandle, 0, new Uint8Array(1))).rejects.toMatchObject({
      code: 'acl-disconnected',
    });
    await pair.close();
  });

  it('rejects an ACL payload longer than the controller buffers', async () => {
    const pair = await openLinkedPair({ controller: { strict: true } });
    await expect(pair.central.sendAcl(pair.centralHandle, 0, new Uint8Array(28))).rejects.toMatchObject({
      code: 'acl-too-long',
    });
    await pair.close();
  });

  it('keeps many commands in order with one credit', async () => {
    const air = new VirtualAir();
    const hci = await Hci.open(air.createController({ strict: true, onViolation: fail }));
    const results = await Promise.all(Array.from({ length: 50 }, () => hci.execute('leRand', {})));
    expect(new Set(results.map((r) => Buffer.from(r.randomNumber).toString('hex'))).size).toBe(50);
    await hci.close();
    air.close();
  });
});
