import { FixedCid, ManualTimers } from '@tsble/l2cap';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAttPdu, encodeAttPdu, opOf } from './att-pdu.js';
import { PROTECTED_UUIDS, protectedService } from './protected-service.test-support.js';
import { gattStack, settle } from './stack.test-support.js';

describe('ATT bearer', () => {
  it('MTU exchange settles on the smaller Rx MTU, within 23..517', async () => {
    const a = gattStack({ localMtu: 517 });
    expect(await a.client.exchangeMtu()).toBe(517);
    const b = gattStack({ localMtu: 9999 });
    expect(await b.client.exchangeMtu()).toBe(517);
    const c = gattStack({ localMtu: 10 });
    expect(await c.client.exchangeMtu()).toBe(23);
  });

  it('keeps one request outstanding: later ones wait their turn and all complete in order', async () => {
    const { client, peripheral } = gattStack({ server: { services: [protectedService()] } });
    const events: string[] = [];
    const channel = peripheral.fixedChannel(FixedCid.att);
    channel.on('pdu', (p) => events.push(`in:${p[1]}`));
    const send = channel.send.bind(channel);
    channel.send = (p: Uint8Array) => {
      events.push('out');
      return send(p);
    };
    const reads = await Promise.all(
      [1, 2, 3, 5].map((h) => client.bearer.request({ op: 'read-request', handle: h })),
    );
    expect(reads).toHaveLength(4);
    expect(events).toEqual(['in:1', 'out', 'in:2', 'out', 'in:3', 'out', 'in:5', 'out']);
  });

  it('a transaction that times out after 30 s kills the bearer for good', async () => {
    const timers = new ManualTimers();
    const { clientBearer, peripheral } = gattStack({ timers });
    // The peer never answers: swallow its ATT channel.
    peripheral.fixedChannel(FixedCid.att).send = () => Promise.resolve();
    const pending = clientBearer.request({ op: 'read-request', handle: 1 });
    const queued = clientBearer.request({ op: 'read-request', handle: 2 });
    await settle();
    timers.advance(29_999);
    expect(clientBearer.isOpen).toBe(true);
    timers.advance(1);
    await expect(pending).rejects.toMatchObject({ kind: 'timeout' });
    await expect(queued).rejects.toMatchObject({ kind: 'timeout' });
    expect(clientBearer.isOpen).toBe(false);
    await expect(clientBearer.request({ op: 'read-request', handle: 1 })).rejects.toMatchObject({
      kind: 'closed',
    });
  });

  it('an indication without confirmation times out the same way', async () => {
    const timers = new ManualTimers();
    const { serverBearer, central } = gattStack({ timers });
    central.fixedChannel(FixedCid.att).send = () => Promise.resolve();
    const indication = serverBearer.indicate(3, Uint8Array.of(1));
    await settle();
    timers.advance(30_000);
    await expect(indication).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('link loss fails outstanding requests with a typed error', async () => {
    const { clientBearer, central, peripheral } = gattStack();
    peripheral.fixedChannel(FixedCid.att).send = () => Promise.resolve();
    const pending = clientBearer.request({ op: 'read-request', handle: 1 });
    central.close();
    await expect(pending).rejects.toMatchObject({ kind: 'closed' });
  });

  it('a malformed or non-advancing answer fails the client procedure with a typed error, never hangs', async () => {
    const { client, serverBearer, peripheral } = gattStack();
    serverBearer.close(); // this test answers by hand
    const channel = peripheral.fixedChannel(FixedCid.att);
    const answers: Uint8Array[] = [
      Uint8Array.of(0x11, 3, 1, 0, 2), // Read By Group Type Response whose entries do not divide evenly
      Uint8Array.of(0x11, 6, 1, 0, 0, 0, 0x00, 0x18), // a group ending before it starts: discovery cannot advance
    ];
    channel.on('pdu', () => {
      const next = answers.shift();
      if (next) void channel.send(next);
    });
    await expect(client.discoverServices()).rejects.toMatchObject({ kind: 'invalid-response' });
    await expect(client.discoverServices()).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('drops unexpected responses and error responses for other requests', async () => {
    const { clientBearer, peripheral } = gattStack({ server: { services: [protectedService()] } });
    const channel = peripheral.fixedChannel(FixedCid.att);
    await channel.send(encodeAttPdu({ op: 'read-response', value: Uint8Array.of(1) }));
    await channel.send(encodeAttPdu({ op: 'error-response', requestOpcode: 0x0a, handle: 1, errorCode: 1 }));
    await settle();
    expect(clientBearer.isOpen).toBe(true);
    expect((await clientBearer.request({ op: 'read-request', handle: 3 })).value.length).toBeGreaterThan(0);
  });
});

describe('hostile ATT input at the server', () => {
  const anyPdu = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 30 }),
    fc
      .tuple(
        fc.constantFrom(
          0x02,
          0x04,
          0x06,
          0x08,
          0x0a,
          0x0c,
          0x0e,
          0x10,
          0x12,
          0x16,
          0x18,
          0x1e,
          0x20,
          0x52,
          0xd2,
        ),
        fc.uint8Array({ maxLength: 24 }),
      )
      .map(([op, rest]) => Uint8Array.of(op, ...rest)),
    fc
      .tuple(
        fc.constantFrom(0x08, 0x10),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(0x2800, 0x2803, 0x2902, 0x2a00),
      )
      .map(([op, s, e, t]) => Uint8Array.of(op, s, 0, e, 0, t & 0xff, t >> 8)),
  );

  /** How many PDUs the server sends back for one received PDU (Core 6.0 Vol 3 Part F 3.3, 3.4.1.1). */
  function expectedAnswers(pdu: Uint8Array): number {
    const op = pdu[0]!;
    const requests = [0x02, 0x04, 0x06, 0x08, 0x0a, 0x0c, 0x0e, 0x10, 0x12, 0x16, 0x18, 0x20];
    if (requests.includes(op)) return 1; // a response or an error response, valid or not
    if (op === 0x1d) return pdu.length >= 3 ? 1 : 0; // a well-formed indication is confirmed
    if ((op & 0x40) !== 0) return 0; // commands are never answered
    return opOf(op) === undefined ? 1 : 0; // unknown: Request Not Supported; known responses: dropped
  }

  it('every PDU gets exactly the answers the spec prescribes, protected values never change, nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyPdu, { maxLength: 20 }), async (pdus) => {
        const { central, client, server } = gattStack({ server: { services: [protectedService()] } });
        const channel = central.fixedChannel(FixedCid.att);
        let answers = 0;
        channel.on('pdu', (p) => {
          expect(decodeAttPdu(p).ok).toBe(true);
          answers += 1;
        });
        let expected = 0;
        for (const p of pdus) {
          expected += expectedAnswers(p);
          await channel.send(p);
          await settle();
          expect(answers).toBe(expected);
        }
        expect(server.getValue(server.characteristic(PROTECTED_UUIDS.encryptedWrite)!)).toEqual(
          new Uint8Array(0),
        );
        expect(server.getValue(server.characteristic(PROTECTED_UUIDS.encrypted)!)).toEqual(
          new TextEncoder().encode('encrypted'),
        );
        const [gap] = await client.discoverServices('1800');
        expect(gap?.startHandle).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});
