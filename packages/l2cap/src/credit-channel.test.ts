import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedCid, LeCreditBasedConnectionResult as Result } from './constants.js';
import type { LeCreditChannel } from './credit-channel.js';
import { pair, rawPeer, settle } from './peers.test-support.js';
import type { LinkSecurity } from './security.js';
import type { SignalingCommand } from './signaling-pdu.js';

const SPSM = 0x0080;
const secure = (over: Partial<LinkSecurity>): LinkSecurity => ({
  encrypted: false,
  authenticated: false,
  sc: false,
  keySize: 0,
  ...over,
});

async function openChannel(mtu = 251, serverOptions = {}, clientOptions = {}) {
  const link = pair({}, {}, mtu);
  let server: LeCreditChannel | undefined;
  link.peripheral.listen(SPSM, { onChannel: (c) => (server = c), ...serverOptions });
  const client = await link.central.connect(SPSM, clientOptions);
  return { ...link, client, server: server as LeCreditChannel };
}

describe('LE credit-based channels', () => {
  it('connects with the negotiated MTU, MPS and credits on both sides', async () => {
    const { client, server } = await openChannel(
      27,
      { mtu: 300, mps: 100, initialCredits: 5 },
      { mtu: 400, mps: 60, initialCredits: 7 },
    );
    expect(client.parameters).toMatchObject({
      localMtu: 400,
      localMps: 60,
      remoteMtu: 300,
      remoteMps: 100,
      remoteInitialCredits: 5,
    });
    expect(server.parameters).toMatchObject({
      localMtu: 300,
      remoteMtu: 400,
      remoteMps: 60,
      remoteInitialCredits: 7,
    });
    expect(client.parameters.remoteCid).toBe(server.parameters.localCid);
    expect(server.parameters.remoteCid).toBe(client.parameters.localCid);
  });

  it('transfers 1 MB in both directions with credits flowing back, bytes intact', async () => {
    const { client, server } = await openChannel(
      251,
      { mtu: 4096, mps: 247, initialCredits: 8 },
      { mtu: 4096, mps: 247, initialCredits: 8 },
    );
    const total = 1 << 20;
    const data = Uint8Array.from({ length: total }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    const received: Uint8Array[] = [];
    server.on('sdu', (sdu) => received.push(sdu));
    const sends: Promise<void>[] = [];
    for (let offset = 0; offset < total; offset += 4000)
      sends.push(client.send(data.subarray(offset, offset + 4000)));
    await Promise.all(sends);
    await settle();
    const joined = new Uint8Array(total);
    let at = 0;
    for (const sdu of received) {
      joined.set(sdu, at);
      at += sdu.length;
    }
    expect(at).toBe(total);
    expect(joined.every((v, i) => v === data[i])).toBe(true);
    expect(client.queuedSdus).toBe(0);
    expect(server.rxCredits).toBeGreaterThan(4);

    const back: number[] = [];
    client.on('sdu', (sdu) => back.push(sdu.length));
    await Promise.all([
      server.send(new Uint8Array(4096)),
      server.send(new Uint8Array(0)),
      server.send(new Uint8Array(1)),
    ]);
    await settle();
    expect(back).toEqual([4096, 0, 1]);
  });

  it('waits for credits: with none, nothing is sent until the peer grants some', async () => {
    const peer = rawPeer();
    let channel: LeCreditChannel | undefined;
    peer.l2cap.listen(SPSM, { onChannel: (c) => (channel = c) });
    peer.signal({
      op: 'le-credit-based-connection-request',
      identifier: 1,
      spsm: SPSM,
      sourceCid: 0x60,
      mtu: 100,
      mps: 23,
      initialCredits: 0,
    });
    await settle();
    const sent = (channel as LeCreditChannel).send(new Uint8Array(30));
    await settle();
    expect(peer.received.filter((f) => f.cid === 0x60)).toHaveLength(0);
    peer.signal({ op: 'flow-control-credit-indication', identifier: 2, cid: 0x60, credits: 1 });
    await settle();
    expect(peer.received.filter((f) => f.cid === 0x60).map((f) => f.payload.length)).toEqual([23]);
    peer.signal({ op: 'flow-control-credit-indication', identifier: 3, cid: 0x60, credits: 5 });
    await sent;
    expect(peer.received.filter((f) => f.cid === 0x60).map((f) => f.payload.length)).toEqual([23, 9]);
  });

  it('refuses an SDU larger than the peer MTU with a typed error', async () => {
    const { client } = await openChannel(27, { mtu: 100 });
    await expect(client.send(new Uint8Array(101))).rejects.toMatchObject({ code: 'sdu-too-large' });
  });

  it('answers SPSM not supported and unacceptable/invalid parameters with their result codes', async () => {
    const { central, peripheral } = pair();
    await expect(central.connect(0x81)).rejects.toMatchObject({
      code: 'connection-refused',
      result: Result.spsmNotSupported,
    });
    peripheral.listen(SPSM, { onChannel: () => {} });
    const peer = rawPeer();
    peer.l2cap.listen(SPSM, { onChannel: () => {} });
    const req = {
      op: 'le-credit-based-connection-request' as const,
      spsm: SPSM,
      mtu: 100,
      mps: 50,
      initialCredits: 1,
    };
    peer.signal({ ...req, identifier: 1, sourceCid: 0x20 });
    peer.signal({ ...req, identifier: 2, sourceCid: 0x41, mtu: 22 });
    peer.signal({ ...req, identifier: 3, sourceCid: 0x42 });
    peer.signal({ ...req, identifier: 4, sourceCid: 0x42 });
    await settle();
    expect(peer.signals().map((s) => (s as { result: number }).result)).toEqual([
      Result.invalidSourceCid,
      Result.unacceptableParameters,
      Result.success,
      Result.sourceCidAlreadyAllocated,
    ]);
  });

  it('answers each security shortfall with the right result code, and accepts once the link is good enough', async () => {
    let link = secure({});
    const cases: [object, LinkSecurity, number][] = [
      [{ encrypted: true }, secure({}), Result.insufficientEncryption],
      [{ authenticated: true }, secure({ encrypted: true, keySize: 16 }), Result.insufficientAuthentication],
      [
        { sc: true },
        secure({ encrypted: true, authenticated: true, keySize: 16 }),
        Result.insufficientAuthentication,
      ],
      [
        { encrypted: true, minKeySize: 16 },
        secure({ encrypted: true, keySize: 7 }),
        Result.insufficientEncryptionKeySize,
      ],
      [{ encrypted: true, minKeySize: 16 }, secure({ encrypted: true, keySize: 16 }), Result.success],
    ];
    for (const [security, current, expected] of cases) {
      link = current;
      const { central, peripheral } = pair({}, { security: () => link });
      peripheral.listen(SPSM, { security, onChannel: () => {} });
      const outcome = await central.connect(SPSM).then(
        () => Result.success,
        (e: { result: number }) => e.result,
      );
      expect(outcome).toBe(expected);
    }
    const { central, peripheral } = pair();
    peripheral.listen(SPSM, { authorize: () => false, onChannel: () => {} });
    await expect(central.connect(SPSM)).rejects.toMatchObject({ result: Result.insufficientAuthorization });
  });

  it('a success answer with forbidden parameters is refused and the peer asked to close its end', async () => {
    const peer = rawPeer({ role: 'central' });
    const opening = peer.l2cap.connect(SPSM);
    await settle();
    const request = peer.signals()[0] as SignalingCommand;
    peer.signal({
      op: 'le-credit-based-connection-response',
      identifier: request.identifier,
      destinationCid: 0x45,
      mtu: 10,
      mps: 23,
      initialCredits: 1,
      result: 0,
    });
    await expect(opening).rejects.toMatchObject({ code: 'invalid-parameters' });
    await settle();
    expect(peer.signals().at(-1)).toMatchObject({ op: 'disconnection-request', destinationCid: 0x45 });
    expect(() => peer.l2cap.listen(0x100, { onChannel: () => {} })).toThrow(/SPSM/);
  });

  it('either side closes the channel with a Disconnection Request/Response', async () => {
    const { client, server } = await openChannel();
    const closes: string[] = [];
    server.on('close', (r) => closes.push(`server:${r}`));
    client.on('close', (r) => closes.push(`client:${r}`));
    await client.close();
    await settle();
    expect(closes.sort()).toEqual(['client:local', 'server:remote']);
    await expect(client.send(new Uint8Array(1))).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('link loss closes channels and fails queued SDUs', async () => {
    const { central, client } = await openChannel(27, { initialCredits: 1 });
    const first = client.send(new Uint8Array(2000));
    const second = client.send(new Uint8Array(10));
    central.close();
    await expect(second).rejects.toMatchObject({ code: 'disconnected' });
    await expect(first).rejects.toMatchObject({ code: 'disconnected' });
    expect(client.state).toBe('closed');
  });
});

describe('LE credit-based channel protocol violations disconnect the channel', () => {
  async function serverChannel(options = {}) {
    const peer = rawPeer();
    let channel: LeCreditChannel | undefined;
    peer.l2cap.listen(SPSM, {
      mtu: 100,
      mps: 30,
      initialCredits: 2,
      onChannel: (c) => (channel = c),
      ...options,
    });
    peer.signal({
      op: 'le-credit-based-connection-request',
      identifier: 1,
      spsm: SPSM,
      sourceCid: 0x70,
      mtu: 100,
      mps: 30,
      initialCredits: 65000,
    });
    await settle();
    const ch = channel as LeCreditChannel;
    const closes: string[] = [];
    ch.on('close', (r) => closes.push(r));
    const sdus: number[] = [];
    ch.on('sdu', (s) => sdus.push(s.length));
    const disconnects = (): SignalingCommand[] =>
      peer.signals().filter((s) => s.op === 'disconnection-request');
    return { peer, ch, closes, sdus, disconnects, cid: ch.parameters.localCid };
  }

  it('an SDU Length above our MTU', async () => {
    const t = await serverChannel();
    t.peer.inject(t.cid, Uint8Array.of(101, 0, 1, 2));
    await settle();
    expect(t.closes).toEqual(['protocol-violation']);
    expect(t.disconnects()).toMatchObject([{ destinationCid: 0x70, sourceCid: t.cid }]);
  });

  it('a K-frame above our MPS', async () => {
    const t = await serverChannel();
    t.peer.inject(t.cid, new Uint8Array(31));
    await settle();
    expect(t.closes).toEqual(['protocol-violation']);
  });

  it('a K-frame when the peer has no credits left', async () => {
    const t = await serverChannel({ initialCredits: 1, autoCredits: false });
    t.peer.inject(t.cid, Uint8Array.of(50, 0, 1));
    await settle();
    expect(t.ch.rxCredits).toBe(0);
    t.ch.grantCredits(1);
    t.peer.inject(t.cid, Uint8Array.of(2));
    await settle();
    expect(t.closes).toEqual([]);
    t.peer.inject(t.cid, Uint8Array.of(3));
    await settle();
    expect(t.closes).toEqual(['protocol-violation']);
  });

  it('K-frames carrying more than the SDU Length', async () => {
    const t = await serverChannel();
    t.peer.inject(t.cid, Uint8Array.of(3, 0, 1, 2, 3, 4));
    await settle();
    expect(t.closes).toEqual(['protocol-violation']);
  });

  it('a credit indication overflowing 65535', async () => {
    const t = await serverChannel();
    t.peer.signal({ op: 'flow-control-credit-indication', identifier: 2, cid: 0x70, credits: 600 });
    await settle();
    expect(t.closes).toEqual(['protocol-violation']);
  });

  it('well-formed K-frames reassemble and return credits', async () => {
    const t = await serverChannel({ initialCredits: 2 });
    t.peer.inject(t.cid, Uint8Array.of(40, 0, ...new Array(28).fill(1)));
    t.peer.inject(t.cid, new Uint8Array(12));
    await settle();
    expect(t.sdus).toEqual([40]);
    expect(t.closes).toEqual([]);
    expect(t.peer.signals().filter((s) => s.op === 'flow-control-credit-indication')).toMatchObject([
      { cid: t.cid, credits: 1 },
      { credits: 1 },
    ]);
    expect(t.peer.received.filter((f) => f.cid === FixedCid.leSignaling).length).toBeGreaterThan(0);
  });
});

describe('hostile signaling and K-frames', () => {
  it('random commands and K-frames never throw; the channel layer keeps answering', async () => {
    const code = fc.constantFrom(0x01, 0x06, 0x07, 0x12, 0x13, 0x14, 0x15, 0x16, 0x99);
    const frame = fc.oneof(
      fc
        .tuple(code, fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 14 }))
        .map(([c, id, body]) => ({
          cid: 5,
          payload: Uint8Array.of(c, id, body.length, 0, ...body),
        })),
      fc.record({ cid: fc.integer({ min: 0x40, max: 0x44 }), payload: fc.uint8Array({ maxLength: 40 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { maxLength: 25 }), async (frames) => {
        const peer = rawPeer({ role: 'central' });
        peer.l2cap.listen(SPSM, { mtu: 64, mps: 30, initialCredits: 3, onChannel: () => {} });
        peer.signal({
          op: 'le-credit-based-connection-request',
          identifier: 1,
          spsm: SPSM,
          sourceCid: 0x70,
          mtu: 64,
          mps: 30,
          initialCredits: 3,
        });
        for (const f of frames) peer.inject(f.cid, f.payload);
        await settle();
        const before = peer.signals().length;
        peer.signal({ op: 'disconnection-request', identifier: 200, destinationCid: 0x7f, sourceCid: 0x7f });
        await settle();
        expect(peer.signals().length).toBe(before + 1);
      }),
      { numRuns: 300 },
    );
  });
});
