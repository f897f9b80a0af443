/** Hostile and invalid behaviour in legacy pairing, against a scripted peer that computes c1/s1 itself. */
import { describe, expect, it } from 'vitest';
import {
  CENTRAL_ADDRESS,
  failedOf,
  features,
  makeCentral,
  makePeripheral,
  PERIPHERAL_ADDRESS,
  Probe,
} from '../../examples/peers.test-support.js';
import { PairingFailedReason as R } from '../constants.js';
import { c1, randomBytes, s1 } from '../crypto/index.js';
import { encodeSmpPdu } from '../pdu/encode.js';
import type { SmpPdu } from '../pdu/types.js';

const ZERO_TK = new Uint8Array(16);
type Req = Extract<SmpPdu, { op: 'pairing-request' }>;

/** c1 with the test's fixed addresses (central random, peripheral public). */
function confirm(tk: Uint8Array, r: Uint8Array, preq: Uint8Array, pres: Uint8Array): Uint8Array {
  return c1(tk, r, preq, pres, 1, CENTRAL_ADDRESS.bytes, 0, PERIPHERAL_ADDRESS.bytes);
}

/** Central IUT vs scripted peripheral, up to the point where the central has sent Mconfirm. */
async function centralAtConfirm() {
  const probe = new Probe(makeCentral({ sc: false }));
  const started = await probe.start();
  const preq = started.find((a) => a.type === 'send')?.pdu ?? new Uint8Array(0);
  const rsp = { op: 'pairing-response' as const, ...features() };
  await probe.send(rsp);
  const pres = encodeSmpPdu(rsp);
  const mconfirm = probe.last('pairing-confirm')?.confirm ?? new Uint8Array(16);
  return { probe, preq, pres, mconfirm };
}

describe('legacy pairing against a scripted peer', () => {
  it('SM/CEN/JW/BV-01-C: completes Just Works and encrypts with the STK s1(0, Srand, Mrand)', async () => {
    const { probe, preq, pres } = await centralAtConfirm();
    const srand = randomBytes(16);
    await probe.send({ op: 'pairing-confirm', confirm: confirm(ZERO_TK, srand, preq, pres) });
    const mrand = probe.last('pairing-random')?.random ?? new Uint8Array(16);
    const actions = await probe.send({ op: 'pairing-random', random: srand });
    expect(actions).toContainEqual(
      expect.objectContaining({ type: 'start-encryption', key: s1(ZERO_TK, srand, mrand), ediv: 0 }),
    );
    const done = await probe.do((s, now) => s.encryptionChanged(now));
    expect(done).toContainEqual(
      expect.objectContaining({ type: 'complete', method: 'just-works', sc: false, authenticated: false }),
    );
  });

  it('SM/CEN/JW/BI-06-C: a reflected Mconfirm fails with Confirm Value Failed', async () => {
    const { probe, mconfirm } = await centralAtConfirm();
    const actions = await probe.send({ op: 'pairing-confirm', confirm: mconfirm });
    expect(failedOf(actions)).toMatchObject({ reason: R.confirmValueFailed, byPeer: false });
    expect(probe.last('pairing-failed')?.reason).toBe(R.confirmValueFailed);
    expect(probe.last('pairing-random')).toBeUndefined();
  });

  it('a reflected Mrand fails with Confirm Value Failed and no STK', async () => {
    const { probe } = await centralAtConfirm();
    await probe.send({ op: 'pairing-confirm', confirm: randomBytes(16) });
    const mrand = probe.last('pairing-random')?.random ?? new Uint8Array(16);
    const actions = await probe.send({ op: 'pairing-random', random: mrand });
    expect(failedOf(actions)?.reason).toBe(R.confirmValueFailed);
    expect(probe.has('start-encryption')).toBe(false);
  });

  it('SM/CEN/JW/BI-01-C: a wrong Sconfirm is detected after Srand (Confirm Value Failed)', async () => {
    const { probe, preq, pres } = await centralAtConfirm();
    const srand = randomBytes(16);
    const wrong = confirm(ZERO_TK, srand, preq, pres);
    wrong[0] = (wrong[0] ?? 0) ^ 1;
    await probe.send({ op: 'pairing-confirm', confirm: wrong });
    const actions = await probe.send({ op: 'pairing-random', random: srand });
    expect(failedOf(actions)?.reason).toBe(R.confirmValueFailed);
    expect(probe.has('start-encryption')).toBe(false);
  });

  it('SM/PER/JW/BI-02-C: a wrong Mconfirm is detected after Mrand, and no LTK is handed out', async () => {
    const probe = new Probe(makePeripheral({ sc: false }));
    await probe.send({ op: 'pairing-request', ...features() });
    await probe.send({ op: 'pairing-confirm', confirm: randomBytes(16) });
    const actions = await probe.send({ op: 'pairing-random', random: randomBytes(16) });
    expect(failedOf(actions)?.reason).toBe(R.confirmValueFailed);
    expect(await probe.do((s, now) => s.ltkRequested(new Uint8Array(8), 0, now))).toEqual([
      { type: 'ltk-negative-reply' },
    ]);
    expect(probe.last('pairing-random')).toBeUndefined();
  });

  it('SM/PER/JW/BI-03-C: RFU bits in the request are ignored, ours are sent as 0, c1 uses the PDU as received', async () => {
    const probe = new Probe(makePeripheral({ sc: false }));
    const preq = Uint8Array.of(0x01, 0x03, 0x00, 0xc1, 0x10, 0xf0, 0xf0);
    await probe.send(preq);
    const rsp = probe.last('pairing-response');
    const pres = encodeSmpPdu(rsp as SmpPdu);
    expect((pres[3] ?? 0) & 0xc0).toBe(0);
    const mrand = randomBytes(16);
    await probe.send({ op: 'pairing-confirm', confirm: confirm(ZERO_TK, mrand, preq, pres) });
    const actions = await probe.send({ op: 'pairing-random', random: mrand });
    const srand = probe.last('pairing-random')?.random ?? new Uint8Array(16);
    expect(actions.some((a) => a.type === 'failed')).toBe(false);
    // An Encryption Change before the session answered the LTK request is not the STK taking effect.
    expect(await probe.do((s, now) => s.encryptionChanged(now))).toEqual([]);
    expect(probe.session.state).toBe('wait-encryption');
    expect(await probe.do((s, now) => s.ltkRequested(new Uint8Array(8), 0, now))).toEqual([
      { type: 'ltk-reply', key: s1(ZERO_TK, srand, mrand) },
    ]);
  });

  it('SM/PER/KDU/BV-01-C: distributes exactly EncKey (Encryption Information, then Central Identification)', async () => {
    const probe = new Probe(makePeripheral({ sc: false }));
    const req: Req = {
      op: 'pairing-request',
      ...features({
        responderKeyDistribution: { encKey: true, idKey: false, signKey: false, linkKey: false },
      }),
    };
    await probe.send(req);
    const pres = encodeSmpPdu(probe.last('pairing-response') as SmpPdu);
    const mrand = randomBytes(16);
    await probe.send({ op: 'pairing-confirm', confirm: confirm(ZERO_TK, mrand, encodeSmpPdu(req), pres) });
    await probe.send({ op: 'pairing-random', random: mrand });
    await probe.do((s, now) => s.ltkRequested(new Uint8Array(8), 0, now));
    const actions = await probe.do((s, now) => s.encryptionChanged(now));
    const keyOps = probe.sent.map((p) => p.op).slice(-2);
    expect(keyOps).toEqual(['encryption-information', 'central-identification']);
    const complete = actions.find((a) => a.type === 'complete');
    const ltk = probe.last('encryption-information')?.ltk;
    expect(complete && complete.type === 'complete' && complete.keys.localLtk?.key).toEqual(ltk);
  });

  it('a key PDU before the link is encrypted fails with Unspecified Reason', async () => {
    const { probe, preq, pres } = await centralAtConfirm();
    const srand = randomBytes(16);
    await probe.send({ op: 'pairing-confirm', confirm: confirm(ZERO_TK, srand, preq, pres) });
    await probe.send({ op: 'pairing-random', random: srand });
    expect(probe.session.state).toBe('wait-encryption');
    const early = await probe.send({ op: 'encryption-information', ltk: randomBytes(16) });
    expect(failedOf(early)?.reason).toBe(R.unspecifiedReason);
    expect(probe.has('keys')).toBe(false);
  });
});

describe('legacy key distribution order', () => {
  async function centralEncrypted(responderKeys: { encKey: boolean; idKey: boolean; signKey: boolean }) {
    const probe = new Probe(makeCentral({ sc: false }));
    const preq = (await probe.start()).find((a) => a.type === 'send')?.pdu ?? new Uint8Array(0);
    const rsp = {
      op: 'pairing-response' as const,
      ...features({ responderKeyDistribution: { ...responderKeys, linkKey: false } }),
    };
    await probe.send(rsp);
    const srand = randomBytes(16);
    await probe.send({ op: 'pairing-confirm', confirm: confirm(ZERO_TK, srand, preq, encodeSmpPdu(rsp)) });
    await probe.send({ op: 'pairing-random', random: srand });
    await probe.do((s, now) => s.encryptionChanged(now));
    return probe;
  }

  it('a key PDU out of the spec order fails with Unspecified Reason and stores nothing', async () => {
    const probe = await centralEncrypted({ encKey: true, idKey: true, signKey: false });
    const actions = await probe.send({ op: 'identity-information', irk: randomBytes(16) });
    expect(failedOf(actions)?.reason).toBe(R.unspecifiedReason);
    expect(probe.has('keys')).toBe(false);
  });

  it('a key that was not negotiated fails with Unspecified Reason', async () => {
    const probe = await centralEncrypted({ encKey: true, idKey: false, signKey: false });
    await probe.send({ op: 'encryption-information', ltk: randomBytes(16) });
    const actions = await probe.send({ op: 'signing-information', csrk: randomBytes(16) });
    expect(failedOf(actions)?.reason).toBe(R.unspecifiedReason);
    expect(probe.has('complete')).toBe(false);
  });

  it('accepts the negotiated keys in order and reports them', async () => {
    const probe = await centralEncrypted({ encKey: true, idKey: true, signKey: true });
    const ltk = randomBytes(16);
    const irk = randomBytes(16);
    const csrk = randomBytes(16);
    await probe.send({ op: 'encryption-information', ltk });
    await probe.send({
      op: 'central-identification',
      ediv: 0xbeef,
      rand: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    });
    await probe.send({ op: 'identity-information', irk });
    await probe.send({
      op: 'identity-address-information',
      addressType: PERIPHERAL_ADDRESS.type,
      address: PERIPHERAL_ADDRESS.bytes,
    });
    const actions = await probe.send({ op: 'signing-information', csrk });
    const complete = actions.find((a) => a.type === 'complete');
    expect(complete?.type === 'complete' && complete.keys).toMatchObject({
      peerLtk: { key: ltk, ediv: 0xbeef },
      peerIrk: irk,
      peerCsrk: csrk,
    });
  });

  it('refuses a random identity address that is not static (Invalid Parameters)', async () => {
    const probe = await centralEncrypted({ encKey: false, idKey: true, signKey: false });
    await probe.send({ op: 'identity-information', irk: randomBytes(16) });
    const actions = await probe.send({
      op: 'identity-address-information',
      addressType: 'random',
      address: Uint8Array.of(1, 2, 3, 4, 5, 0x40),
    });
    expect(failedOf(actions)?.reason).toBe(R.invalidParameters);
  });

  it('ATTACK/ZERO-LTK: an all-zero LTK from the peer fails with Invalid Parameters and is never reported', async () => {
    const probe = await centralEncrypted({ encKey: true, idKey: false, signKey: false });
    const actions = await probe.send({ op: 'encryption-information', ltk: new Uint8Array(16) });
    expect(failedOf(actions)?.reason).toBe(R.invalidParameters);
    expect(probe.last('pairing-failed')?.reason).toBe(R.invalidParameters);
    await probe.send({ op: 'central-identification', ediv: 0, rand: new Uint8Array(8) });
    expect(probe.has('keys')).toBe(false);
    expect(probe.has('complete')).toBe(false);
  });

  it('an all-zero CSRK from the peer fails with Invalid Parameters', async () => {
    const probe = await centralEncrypted({ encKey: false, idKey: false, signKey: true });
    const actions = await probe.send({ op: 'signing-information', csrk: new Uint8Array(16) });
    expect(failedOf(actions)?.reason).toBe(R.invalidParameters);
    expect(probe.has('keys')).toBe(false);
  });

  it('an all-zero IRK (a peer without privacy) completes the pairing but is not kept', async () => {
    const probe = await centralEncrypted({ encKey: false, idKey: true, signKey: false });
    await probe.send({ op: 'identity-information', irk: new Uint8Array(16) });
    const identity = PERIPHERAL_ADDRESS.bytes;
    const actions = await probe.send({
      op: 'identity-address-information',
      addressType: 'public',
      address: identity,
    });
    const complete = actions.find((a) => a.type === 'complete');
    expect(complete?.type === 'complete' && complete.keys.peerIrk).toBeUndefined();
    expect(complete?.type === 'complete' && complete.keys.peerIdentityAddress).toEqual({
      bytes: identity,
      type: 'public',
    });
  });

  it('SM/PER/KDU/BI-02-C: Key Rejected after distribution is reported as a peer failure', async () => {
    const probe = await centralEncrypted({ encKey: false, idKey: false, signKey: false });
    expect(probe.has('complete')).toBe(true);
    const actions = await probe.send({ op: 'pairing-failed', reason: R.keyRejected });
    expect(failedOf(actions)).toMatchObject({ reason: R.keyRejected, byPeer: true });
  });
});

describe('legacy OOB (SM/CEN/OOB/BI-01-C, SM/PER/OOB/BI-02-C)', () => {
  it('different TKs on the two sides fail with Confirm Value Failed', async () => {
    const { pairInMemory } = await import('../../examples/in-memory-link.js');
    const result = await pairInMemory({
      central: makeCentral({ sc: false, oob: { tk: randomBytes(16) } }),
      peripheral: makePeripheral({ sc: false, oob: { tk: randomBytes(16) } }),
    });
    const local = [result.central.failed, result.peripheral.failed].find((f) => f && !f.byPeer);
    expect(local?.reason).toBe(R.confirmValueFailed);
    expect(result.central.actions.some((a) => a.type === 'start-encryption')).toBe(false);
  });
});

describe('keypress notifications are sent only by the side that types', () => {
  const authReq = { bonding: true, mitm: true, sc: false, keypress: true, ct2: false };
  for (const [ours, expected] of [
    [0x02, 1],
    [0x00, 0],
  ] as const) {
    it(`peripheral with IO 0x0${ours}: ${expected ? 'sends' : 'sends nothing'}`, async () => {
      const probe = new Probe(makePeripheral({ sc: false, keypress: true, io: ours, mitm: true }));
      // The central is KeyboardDisplay: with a KeyboardOnly peripheral the central displays, else it types.
      await probe.send({ op: 'pairing-request', ...features({ ioCapability: 4, authReq }) });
      const actions = await probe.do((s, now) => s.keypress(1, now));
      expect(actions.filter((a) => a.type === 'send').length).toBe(expected);
    });
  }
});
