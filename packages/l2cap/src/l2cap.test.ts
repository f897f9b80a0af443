import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedCid } from './constants.js';
import { pair, rawPeer, settle } from './peers.test-support.js';
import type { SignalingCommand } from './signaling-pdu.js';
import { ManualTimers } from './timers.js';

describe('L2cap fixed channels', () => {
  it('carries PDUs of every size across 27-octet fragments both ways', async () => {
    const { central, peripheral } = pair();
    const got: Uint8Array[] = [];
    peripheral.fixedChannel(FixedCid.att).on('pdu', (p) => got.push(p));
    const sizes = [0, 1, 22, 23, 24, 100, 517, 4000];
    for (const n of sizes)
      await central.fixedChannel(FixedCid.att).send(Uint8Array.from({ length: n }, (_, i) => i & 0xff));
    await settle();
    expect(got.map((p) => p.length)).toEqual(sizes);
    expect(got[6]?.[200]).toBe(200);
  });

  it('keeps PDUs of different channels whole when sent back to back', async () => {
    const { central, peripheral } = pair();
    const order: string[] = [];
    peripheral.fixedChannel(FixedCid.att).on('pdu', (p) => order.push(`att${p.length}`));
    peripheral.fixedChannel(FixedCid.smp).on('pdu', (p) => order.push(`smp${p.length}`));
    void central.fixedChannel(FixedCid.att).send(new Uint8Array(100));
    void central.fixedChannel(FixedCid.smp).send(new Uint8Array(65));
    void central.fixedChannel(FixedCid.att).send(new Uint8Array(3));
    await settle();
    expect(order).toEqual(['att100', 'smp65', 'att3']);
  });

  it('drops a PDU for an unknown CID and keeps working', async () => {
    const peer = rawPeer();
    const got: number[] = [];
    peer.l2cap.fixedChannel(FixedCid.att).on('pdu', (p) => got.push(p.length));
    peer.inject(0x0033, new Uint8Array(10));
    peer.inject(0x0077, new Uint8Array(10));
    peer.inject(FixedCid.att, new Uint8Array(5));
    await settle();
    expect(got).toEqual([5]);
    expect(peer.received).toEqual([]);
  });

  it('survives a continuation without start, a length disagreeing with the data, and a too-large PDU', async () => {
    const peer = rawPeer({ maxPduLength: 600 });
    const got: number[] = [];
    peer.l2cap.fixedChannel(FixedCid.att).on('pdu', (p) => got.push(p.length));
    peer.sendRaw(1, new Uint8Array([1, 2, 3]));
    peer.sendRaw(0, new Uint8Array([2, 0, 4, 0, 9, 9, 9, 9]));
    peer.sendRaw(0, new Uint8Array([0xff, 0xff, 4, 0, 1]));
    peer.sendRaw(1, new Uint8Array(20));
    peer.inject(FixedCid.att, new Uint8Array(7));
    await settle();
    expect(got).toEqual([7]);
  });

  it('a listener that throws does not break delivery', async () => {
    const { central, peripheral } = pair();
    const got: number[] = [];
    peripheral.fixedChannel(FixedCid.att).on('pdu', () => {
      throw new Error('app bug');
    });
    peripheral.fixedChannel(FixedCid.att).on('pdu', (p) => got.push(p.length));
    await central.fixedChannel(FixedCid.att).send(new Uint8Array(4));
    await central.fixedChannel(FixedCid.att).send(new Uint8Array(5));
    await settle();
    expect(got).toEqual([4, 5]);
  });

  it('random fragments never throw, and a good PDU still arrives afterwards', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ pb: fc.integer({ min: 0, max: 3 }), data: fc.uint8Array({ maxLength: 27 }) }), {
          maxLength: 30,
        }),
        async (fragments) => {
          const peer = rawPeer();
          const got: number[] = [];
          peer.l2cap.fixedChannel(FixedCid.att).on('pdu', (p) => got.push(p.length));
          peer.l2cap.listen(0x80, { onChannel: () => {} });
          for (const f of fragments) peer.l2cap.receiveAcl(f.pb, f.data);
          peer.inject(FixedCid.att, new Uint8Array(9));
          await settle();
          expect(got.at(-1)).toBe(9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sending after close fails with a typed error', async () => {
    const { central } = pair();
    central.close();
    await expect(central.fixedChannel(FixedCid.att).send(new Uint8Array(1))).rejects.toMatchObject({
      code: 'disconnected',
    });
  });
});

describe('LE signaling', () => {
  const params = { intervalMin: 24, intervalMax: 40, latency: 0, timeout: 400 };

  it('a peripheral asks; the central policy hook decides', async () => {
    const seen: unknown[] = [];
    const accept = pair({
      onConnectionParameterUpdateRequest: (p) => {
        seen.push(p);
        return true;
      },
    });
    expect(await accept.peripheral.requestConnectionParameterUpdate(params)).toBe(true);
    expect(seen).toEqual([params]);
    const refuse = pair({ onConnectionParameterUpdateRequest: async () => false });
    expect(await refuse.peripheral.requestConnectionParameterUpdate(params)).toBe(false);
    const noHook = pair();
    expect(await noHook.peripheral.requestConnectionParameterUpdate(params)).toBe(false);
  });

  it('the central rejects out-of-range parameters without asking the hook', async () => {
    let asked = false;
    const { peripheral } = pair({ onConnectionParameterUpdateRequest: () => (asked = true) });
    expect(await peripheral.requestConnectionParameterUpdate({ ...params, timeout: 10 })).toBe(false);
    expect(asked).toBe(false);
  });

  it('a peripheral answers a Connection Parameter Update Request with Command Reject (not understood)', async () => {
    const peer = rawPeer({ role: 'peripheral' });
    peer.signal({ op: 'connection-parameter-update-request', identifier: 9, ...params });
    await settle();
    expect(peer.signals()).toEqual([
      { op: 'command-reject', identifier: 9, reason: 0, data: new Uint8Array(0) },
    ]);
  });

  it('only a peripheral may send the request', async () => {
    const { central } = pair();
    await expect(central.requestConnectionParameterUpdate(params)).rejects.toMatchObject({
      code: 'invalid-parameters',
    });
  });

  it('answers unknown codes and malformed requests with Command Reject, ignores identifier 0 and stray responses', async () => {
    const peer = rawPeer();
    peer.inject(5, new Uint8Array([0x42, 1, 0, 0]));
    peer.inject(5, new Uint8Array([0x06, 2, 2, 0, 0x40, 0]));
    peer.inject(5, new Uint8Array([0x06, 3, 9, 0, 0x40, 0]));
    peer.inject(5, new Uint8Array([0x06, 0, 4, 0, 0x40, 0, 0x40, 0]));
    peer.inject(5, new Uint8Array([0x07, 4, 4, 0, 0x40, 0, 0x40, 0]));
    peer.inject(5, new Uint8Array([0x01, 5, 2, 0, 0, 0]));
    peer.inject(5, new Uint8Array([0x01, 5, 1, 0, 0]));
    await settle();
    expect(peer.signals().map((s) => [s.op, s.identifier, s.op === 'command-reject' && s.reason])).toEqual([
      ['command-reject', 1, 0],
      ['command-reject', 2, 0],
      ['command-reject', 3, 0],
    ]);
  });

  it('rejects a C-frame longer than MTUsig with reason 0x0001 and our MTU', async () => {
    const peer = rawPeer();
    peer.inject(5, Uint8Array.of(0x14, 6, 20, 0, ...new Array(20).fill(0)));
    await settle();
    expect(peer.signals()).toEqual([
      { op: 'command-reject', identifier: 6, reason: 1, data: new Uint8Array([23, 0]) },
    ]);
  });

  it('a Disconnection Request for an unknown channel gets Command Reject "Invalid CID" with both CIDs', async () => {
    const peer = rawPeer();
    peer.signal({ op: 'disconnection-request', identifier: 4, destinationCid: 0x41, sourceCid: 0x55 });
    await settle();
    expect(peer.signals()).toEqual([
      { op: 'command-reject', identifier: 4, reason: 2, data: new Uint8Array([0x41, 0, 0x55, 0]) },
    ]);
  });

  it('a request without answer times out after RTX', async () => {
    const timers = new ManualTimers();
    const peer = rawPeer({ timers, rtxMs: 5000 });
    const result = peer.l2cap.requestConnectionParameterUpdate(params);
    timers.advance(4999);
    await settle();
    timers.advance(1);
    await expect(result).rejects.toMatchObject({ code: 'timeout' });
  });

  it('Command Reject for our request rejects it with the reason', async () => {
    const peer = rawPeer();
    const result = peer.l2cap.requestConnectionParameterUpdate(params);
    await settle();
    const sent = peer.signals()[0] as SignalingCommand;
    peer.signal({ op: 'command-reject', identifier: sent.identifier, reason: 0, data: new Uint8Array(0) });
    await expect(result).rejects.toMatchObject({ code: 'command-rejected', result: 0 });
  });

  it('closing the link fails outstanding requests', async () => {
    const peer = rawPeer();
    const result = peer.l2cap.requestConnectionParameterUpdate(params);
    peer.l2cap.close();
    await expect(result).rejects.toMatchObject({ code: 'disconnected' });
  });
});
