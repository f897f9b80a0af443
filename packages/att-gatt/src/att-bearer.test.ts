import { FixedCid, ManualTimers } from '@tsble/l2cap';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttPdu, decodeAttPdu, encodeAttPdu } from './att-pdu.js';
import { AttErrorCode } from './constants.js';
import { demoService } from './demo-service.js';
import { gattStack, settle } from './test-stack.js';

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
    const { client, peripheral } = gattStack({ server: { services: [demoService()] } });
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

  it('drops unexpected responses and error responses for other requests', async () => {
    const { clientBearer, peripheral } = gattStack({ server: { services: [demoService()] } });
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

  it('every request gets exactly one answer (or none for commands), nothing throws, the server stays usable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyPdu, { maxLength: 20 }), async (pdus) => {
        const { central, client } = gattStack({ server: { services: [demoService()] } });
        const channel = central.fixedChannel(FixedCid.att);
        const answers: AttPdu[] = [];
        channel.on('pdu', (p) => {
          const decoded = decodeAttPdu(p);
          expect('error' in decoded).toBe(false);
          answers.push(decoded as AttPdu);
        });
        let expected = 0;
        for (const p of pdus) {
          const op = p[0]!;
          const isCommand = (op & 0x40) !== 0;
          const isClientSide = [0x1e].includes(op); // a stray confirmation gets no answer
          if (!isCommand && !isClientSide) expected += 1;
          await channel.send(p);
          await settle();
        }
        expect(
          answers.filter((a) => a.op !== 'handle-value-notification' && a.op !== 'handle-value-indication')
            .length,
        ).toBeLessThanOrEqual(expected);
        const [gap] = await client.discoverServices('1800');
        expect(gap?.startHandle).toBe(1);
        expect(
          answers.every((a) => a.op !== 'error-response' || a.errorCode !== AttErrorCode.unlikelyError),
        ).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
