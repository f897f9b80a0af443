/** Protocol rules: the state table, command errors, the SMP timeout, peer failures, Security Request. */
import { describe, expect, it } from 'vitest';
import { pairInMemory } from '../../examples/in-memory-link.js';
import { failedOf, features, makeCentral, makePeripheral, Probe } from '../../examples/peers.test-support.js';
import { PairingFailedReason as R, SMP_TIMEOUT_MS } from '../constants.js';
import { randomBytes } from '../crypto/index.js';
import type { Bond } from '../keys/types.js';

const SC_AUTH = { bonding: true, mitm: false, sc: true, keypress: false, ct2: false };

describe('command errors', () => {
  it('answers an unknown opcode with Command Not Supported', async () => {
    const probe = new Probe(makePeripheral());
    await probe.send(Uint8Array.of(0x0f, 0x00));
    expect(probe.last('pairing-failed')?.reason).toBe(R.commandNotSupported);
  });

  it('fails a running pairing on a PDU of the wrong length with Invalid Parameters', async () => {
    const probe = new Probe(makeCentral());
    await probe.start();
    const actions = await probe.send(Uint8Array.of(0x02, 0x03, 0x00, 0x01, 0x10, 0x00));
    expect(failedOf(actions)).toMatchObject({ reason: R.invalidParameters, byPeer: false });
  });

  it('answers PDUs only the other role sends with Command Not Supported', async () => {
    const central = new Probe(makeCentral());
    await central.send({ op: 'pairing-request', ...features() });
    expect(central.last('pairing-failed')?.reason).toBe(R.commandNotSupported);
    const peripheral = new Probe(makePeripheral());
    await peripheral.send({ op: 'security-request', authReq: SC_AUTH });
    expect(peripheral.last('pairing-failed')?.reason).toBe(R.commandNotSupported);
    await peripheral.send({ op: 'pairing-response', ...features() });
    expect(
      peripheral.sent
        .filter((p) => p.op === 'pairing-failed')
        .map((p) => p.op === 'pairing-failed' && p.reason),
    ).toEqual([R.commandNotSupported, R.commandNotSupported]);
  });
});

describe('state table: out-of-order and repeated PDUs', () => {
  const outOfOrder: [string, Parameters<Probe['send']>[0]][] = [
    ['Pairing Confirm before the public keys', { op: 'pairing-confirm', confirm: randomBytes(16) }],
    ['Pairing Random', { op: 'pairing-random', random: randomBytes(16) }],
    ['DHKey Check', { op: 'pairing-dhkey-check', check: randomBytes(16) }],
    ['a second Pairing Request', { op: 'pairing-request', ...features() }],
    ['Encryption Information', { op: 'encryption-information', ltk: randomBytes(16) }],
    ['Keypress Notification', { op: 'keypress-notification', notificationType: 0 }],
  ];
  for (const [name, pdu] of outOfOrder) {
    it(`${name} while the peripheral waits for the public key fails with Unspecified Reason`, async () => {
      const probe = new Probe(makePeripheral());
      await probe.send({ op: 'pairing-request', ...features({ authReq: SC_AUTH }) });
      expect(probe.session.state).toBe('sc-wait-public-key');
      const actions = await probe.send(pdu);
      expect(failedOf(actions)).toMatchObject({ reason: R.unspecifiedReason, byPeer: false });
      expect(probe.session.state).toBe('failed');
      expect(probe.has('ltk-reply')).toBe(false);
    });
  }

  it('a repeated Pairing Response fails the pairing', async () => {
    const probe = new Probe(makeCentral({ sc: false }));
    await probe.start();
    await probe.send({ op: 'pairing-response', ...features() });
    const actions = await probe.send({ op: 'pairing-response', ...features() });
    expect(failedOf(actions)?.reason).toBe(R.unspecifiedReason);
  });
});

describe('SMP timeout (SM/CEN/PROT/BV-01-C, SM/PER/PROT/BV-02-C)', () => {
  it('central: fails 30 s after its Pairing Request, then ignores the late response and any new start', async () => {
    const probe = new Probe(makeCentral());
    await probe.start();
    expect(await probe.session.tick(SMP_TIMEOUT_MS - 1)).toEqual([]);
    const timeout = await probe.session.tick(SMP_TIMEOUT_MS);
    expect(timeout).toEqual([expect.objectContaining({ type: 'failed', timedOut: true })]);
    probe.now = SMP_TIMEOUT_MS + 10_000;
    expect(await probe.send({ op: 'pairing-response', ...features() })).toEqual([]);
    expect(await probe.start()).toEqual([]);
    expect(probe.session.state).toBe('timed-out');
  });

  it('peripheral: fails 30 s after its Pairing Response; a late confirm is ignored', async () => {
    const probe = new Probe(makePeripheral({ sc: false }));
    probe.now = 1000;
    await probe.send({ op: 'pairing-request', ...features() });
    probe.now = 1000 + SMP_TIMEOUT_MS + 10_000;
    const late = await probe.send({ op: 'pairing-confirm', confirm: randomBytes(16) });
    expect(late).toEqual([expect.objectContaining({ type: 'failed', timedOut: true })]);
    expect(await probe.send({ op: 'pairing-confirm', confirm: randomBytes(16) })).toEqual([]);
  });

  it('every PDU we send restarts the timer', async () => {
    const probe = new Probe(makeCentral({ sc: false }));
    await probe.start();
    probe.now = 20_000;
    await probe.send({ op: 'pairing-response', ...features() }); // we answer with Mconfirm at t=20 s
    expect(await probe.session.tick(45_000)).toEqual([]);
    expect(failedOf(await probe.session.tick(50_000))?.timedOut).toBe(true);
  });
});

describe('SMP timeout while the application decides', () => {
  it('a peripheral waiting for accept-pairing times out 30 s after the Pairing Request', async () => {
    const probe = new Probe(makePeripheral({ askToAccept: true }));
    await probe.send({ op: 'pairing-request', ...features() });
    expect(probe.session.state).toBe('wait-accept');
    expect(failedOf(await probe.session.tick(SMP_TIMEOUT_MS))?.timedOut).toBe(true);
    expect(await probe.do((s, now) => s.acceptPairing(true, now + SMP_TIMEOUT_MS))).toEqual([]);
  });
});

describe("the peer's Pairing Failed (SM/CEN/JW/BV-05-C, SM/CEN/SCJW/BI-01-C)", () => {
  it('aborts and reports each reason; a new pairing can start after each', async () => {
    const probe = new Probe(makeCentral());
    for (const reason of [R.unspecifiedReason, R.pairingNotSupported, R.repeatedAttempts, R.busy, 0x42]) {
      await probe.start();
      const actions = await probe.send({ op: 'pairing-failed', reason });
      expect(failedOf(actions)).toMatchObject({ reason, byPeer: true });
      expect(actions.some((a) => a.type === 'send')).toBe(false);
    }
  });

  it('in phase 2 it drops the pairing without keys', async () => {
    const result = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral(),
      tamper: (side, pdu) =>
        side === 'peripheral' && pdu[0] === 0x03 ? Uint8Array.of(0x05, R.numericComparisonFailed) : pdu,
    });
    expect(result.central.failed).toMatchObject({ reason: R.numericComparisonFailed, byPeer: true });
    expect(result.central.actions.some((a) => a.type === 'keys' || a.type === 'start-encryption')).toBe(
      false,
    );
  });

  it('is ignored when no pairing runs', async () => {
    const probe = new Probe(makePeripheral());
    expect(await probe.send({ op: 'pairing-failed', reason: R.unspecifiedReason })).toEqual([]);
  });
});

describe('Security Request', () => {
  const bond: Bond = {
    peerAddress: { bytes: new Uint8Array(6), type: 'public' },
    keySize: 16,
    authenticated: false,
    sc: true,
    peerLtk: { key: randomBytes(16), ediv: 0, rand: new Uint8Array(8) },
    linkKey: false,
    ct2: false,
  };

  it('SM/PER/PIS/BV-01-C: the peripheral asks, the central pairs with MITM, pairing completes', async () => {
    const { IoCapability } = await import('../constants.js');
    const result = await pairInMemory({
      central: makeCentral({ io: IoCapability.displayYesNo }),
      peripheral: makePeripheral({ io: IoCapability.displayYesNo, mitm: true }),
      initiate: 'security-request',
    });
    expect(result.peripheral.sent[0]?.[0]).toBe(0x0b);
    expect(result.central.complete).toMatchObject({ authenticated: true, method: 'numeric-comparison' });
  });

  it('SM/PER/PIS/BV-02-C: a bonded central encrypts with the stored LTK instead of pairing', async () => {
    const probe = new Probe(makeCentral({}, { bond }));
    const actions = await probe.send({ op: 'security-request', authReq: { ...SC_AUTH, mitm: false } });
    expect(actions).toEqual([
      expect.objectContaining({ type: 'start-encryption', key: bond.peerLtk?.key, keySize: 16 }),
    ]);
  });

  it('pairs again when the bond is weaker than what is asked (MITM requested, bond unauthenticated)', async () => {
    const probe = new Probe(makeCentral({}, { bond }));
    await probe.send({ op: 'security-request', authReq: { ...SC_AUTH, mitm: true } });
    expect(probe.last('pairing-request')?.authReq.mitm).toBe(true);
  });

  it('SM/CEN/PIS/BV-03-C: without keys it pairs, and ignores a second Security Request', async () => {
    const probe = new Probe(makeCentral());
    await probe.send({ op: 'security-request', authReq: SC_AUTH });
    const again = await probe.send({ op: 'security-request', authReq: SC_AUTH });
    expect(probe.sent.map((p) => p.op)).toEqual(['pairing-request']);
    expect(again).toEqual([]);
    expect(probe.has('start-encryption')).toBe(false);
  });

  it('SM/CEN/PIS/BV-02-C alternative: a non-pairable central answers Pairing Not Supported', async () => {
    const probe = new Probe(makeCentral({ pairable: false }));
    await probe.send({ op: 'security-request', authReq: SC_AUTH });
    expect(probe.last('pairing-failed')?.reason).toBe(R.pairingNotSupported);
  });
});

describe('serialised inputs', () => {
  it('concurrent inputs do not interleave (the second waits for the first)', async () => {
    const central = makeCentral();
    const peripheral = makePeripheral();
    const [request] = (await central.start(0)).flatMap((a) => (a.type === 'send' ? [a.pdu] : []));
    const response = (await peripheral.receive(request ?? new Uint8Array(0), 0)).flatMap((a) =>
      a.type === 'send' ? [a.pdu] : [],
    );
    // Feed the response and a duplicate at once: the first is processed fully before the second is judged.
    const [first, second] = await Promise.all(
      response.map((pdu) => central.receive(pdu, 1)).concat(response.map((pdu) => central.receive(pdu, 1))),
    );
    expect(first?.some((a) => a.type === 'send')).toBe(true);
    expect(failedOf(second ?? [])?.reason).toBe(R.unspecifiedReason);
  });
});
