/** Policy rules: key size, SC-only, security level, bond downgrade, consent, pairable, Repeated Attempts. */
import { describe, expect, it } from 'vitest';
import { pairInMemory } from '../../examples/in-memory-link.js';
import { failedOf, features, makeCentral, makePeripheral, Probe } from '../../examples/peers.test-support.js';
import { IoCapability, PairingFailedReason as R } from '../constants.js';
import { randomBytes } from '../crypto/index.js';
import type { Bond } from '../keys/types.js';
import { RepeatedAttemptsTracker } from './repeated-attempts.js';

describe('encryption key size', () => {
  it('negotiates the smaller maximum and masks every key to it (SM/*/EKS/BV-*)', async () => {
    for (const sc of [true, false]) {
      const result = await pairInMemory({
        central: makeCentral({ sc, maxKeySize: 7, minKeySize: 7 }),
        peripheral: makePeripheral({ sc, minKeySize: 7 }),
      });
      const keys = result.central.complete?.keys;
      expect(result.central.complete?.keySize).toBe(7);
      expect(result.central.encryptionKey?.subarray(7)).toEqual(new Uint8Array(9));
      expect(result.central.encryptionKey).toEqual(result.peripheral.encryptionKey);
      expect(keys?.peerLtk?.key.subarray(7)).toEqual(new Uint8Array(9));
      expect(keys?.localLtk?.key.subarray(7)).toEqual(new Uint8Array(9));
      expect(keys?.peerLtk).toEqual(result.peripheral.complete?.keys.localLtk);
      expect(result.central.complete?.securityLevel).toBe(2);
    }
  });

  it('SM/CEN/EKS/BI-01-C, SM/PER/EKS/BI-02-C: a maximum below our minimum fails with Encryption Key Size', async () => {
    const central = await pairInMemory({
      central: makeCentral({ minKeySize: 12 }),
      peripheral: makePeripheral({ maxKeySize: 11, minKeySize: 7 }),
    });
    expect(central.central.failed).toMatchObject({ reason: R.encryptionKeySize, byPeer: false });
    const peripheral = await pairInMemory({
      central: makeCentral({ maxKeySize: 11, minKeySize: 7 }),
      peripheral: makePeripheral({ minKeySize: 12 }),
    });
    expect(peripheral.peripheral.failed).toMatchObject({ reason: R.encryptionKeySize, byPeer: false });
  });

  it('a Maximum Encryption Key Size of 6 (below the spec minimum) fails with Encryption Key Size', async () => {
    const probe = new Probe(makePeripheral({ minKeySize: 7 }));
    const actions = await probe.send(Uint8Array.of(0x01, 0x03, 0x00, 0x01, 0x06, 0x00, 0x00));
    expect(probe.last('pairing-failed')?.reason).toBe(R.encryptionKeySize);
    expect(failedOf(actions)).toBeDefined();
  });

  it('security level 4 needs a 16-octet key: minSecurityLevel 4 refuses 15', async () => {
    const result = await pairInMemory({
      central: makeCentral({ io: IoCapability.displayYesNo, mitm: true, minSecurityLevel: 4, minKeySize: 7 }),
      peripheral: makePeripheral({
        io: IoCapability.displayYesNo,
        mitm: true,
        maxKeySize: 15,
        minKeySize: 7,
      }),
    });
    expect(result.central.failed).toMatchObject({ reason: R.authenticationRequirements, byPeer: false });
  });

  it('reaches security level 4 with LE SC, MITM and 16 octets', async () => {
    const result = await pairInMemory({
      central: makeCentral({ io: IoCapability.displayYesNo, mitm: true, minSecurityLevel: 4 }),
      peripheral: makePeripheral({ io: IoCapability.displayYesNo, mitm: true }),
    });
    expect(result.central.complete?.securityLevel).toBe(4);
  });
});

describe('Secure Connections Only mode and MITM policy', () => {
  it('refuses a legacy request with Authentication Requirements', async () => {
    const result = await pairInMemory({
      central: makeCentral({ sc: false }),
      peripheral: makePeripheral({ scOnly: true }),
    });
    expect(result.peripheral.failed).toMatchObject({ reason: R.authenticationRequirements, byPeer: false });
    expect(result.central.failed).toMatchObject({ reason: R.authenticationRequirements, byPeer: true });
  });

  it('refuses Just Works (level 4 needs MITM) and succeeds at level 4 when MITM is possible', async () => {
    const jw = await pairInMemory({ central: makeCentral(), peripheral: makePeripheral({ scOnly: true }) });
    expect(jw.peripheral.failed).toMatchObject({ reason: R.authenticationRequirements, byPeer: false });
    const nc = await pairInMemory({
      central: makeCentral({ io: IoCapability.displayYesNo }),
      peripheral: makePeripheral({ scOnly: true, io: IoCapability.displayYesNo }),
    });
    expect(nc.peripheral.complete?.securityLevel).toBe(4);
  });

  it('refuses a legacy response as central', async () => {
    const result = await pairInMemory({
      central: makeCentral({ scOnly: true }),
      peripheral: makePeripheral({ sc: false }),
    });
    expect(result.central.failed).toMatchObject({ reason: R.authenticationRequirements, byPeer: false });
  });

  it('SM/PER/PKE/BV-05-C: NoInputNoOutput against a MITM-requiring peripheral fails with Authentication Requirements', async () => {
    const result = await pairInMemory({
      central: makeCentral({ sc: false }),
      peripheral: makePeripheral({ sc: false, mitm: true, io: IoCapability.keyboardDisplay }),
    });
    expect(result.peripheral.failed?.reason).toBe(R.authenticationRequirements);
  });
});

describe('the application decides (method confusion defence)', () => {
  it('learns the method and the peer IO capability, and may refuse with Pairing Not Supported', async () => {
    const result = await pairInMemory({
      central: makeCentral({ io: IoCapability.keyboardDisplay, mitm: true }),
      peripheral: makePeripheral({ io: IoCapability.displayYesNo, askToAccept: true }),
      peripheralUser: { accept: false },
    });
    const ask = result.peripheral.actions.find((a) => a.type === 'accept-pairing');
    expect(ask).toMatchObject({
      method: 'numeric-comparison',
      peerIoCapability: IoCapability.keyboardDisplay,
      sc: true,
    });
    expect(result.peripheral.failed?.reason).toBe(R.pairingNotSupported);
    expect(result.central.failed).toMatchObject({ reason: R.pairingNotSupported, byPeer: true });
  });

  it('continues when the application accepts', async () => {
    const result = await pairInMemory({
      central: makeCentral({ askToAccept: true }),
      peripheral: makePeripheral({ askToAccept: true }),
    });
    expect(result.central.complete?.method).toBe('just-works');
    expect(result.peripheral.complete?.method).toBe('just-works');
  });

  it('"compare" and "enter" prompts are distinct actions', async () => {
    const nc = await pairInMemory({
      central: makeCentral({ io: IoCapability.displayYesNo, mitm: true }),
      peripheral: makePeripheral({ io: IoCapability.displayYesNo }),
    });
    expect(nc.central.actions.map((a) => a.type)).toContain('confirm-numeric');
    expect(nc.central.actions.map((a) => a.type)).not.toContain('request-passkey');
    const pk = await pairInMemory({
      central: makeCentral({ io: IoCapability.keyboardOnly, mitm: true }),
      peripheral: makePeripheral({ io: IoCapability.displayYesNo }),
    });
    expect(pk.central.actions.map((a) => a.type)).toContain('request-passkey');
    expect(pk.central.actions.map((a) => a.type)).not.toContain('confirm-numeric');
  });
});

describe('no silent bond downgrade (BLURtooth class)', () => {
  const strongBond: Bond = {
    peerAddress: { bytes: new Uint8Array(6), type: 'public' },
    keySize: 16,
    authenticated: true,
    sc: true,
    peerLtk: { key: randomBytes(16), ediv: 0, rand: new Uint8Array(8) },
    linkKey: false,
    ct2: false,
  };

  it('refuses Just Works over an authenticated SC bond with Authentication Requirements', async () => {
    const result = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral({}, { bond: strongBond }),
    });
    expect(result.peripheral.failed).toMatchObject({ reason: R.authenticationRequirements, byPeer: false });
  });

  it('refuses legacy over an SC bond, and a shorter key over a 16-octet bond', async () => {
    const unauthenticated = { ...strongBond, authenticated: false };
    const legacy = await pairInMemory({
      central: makeCentral({ sc: false }, { bond: unauthenticated }),
      peripheral: makePeripheral({ sc: false }),
    });
    expect(legacy.central.failed?.reason).toBe(R.authenticationRequirements);
    const short = await pairInMemory({
      central: makeCentral({ minKeySize: 7 }, { bond: unauthenticated }),
      peripheral: makePeripheral({ maxKeySize: 10, minKeySize: 7 }),
    });
    expect(short.central.failed?.reason).toBe(R.authenticationRequirements);
  });

  it('allows it when the application says so, and allows an equal or stronger pairing', async () => {
    const allowed = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral({ allowBondDowngrade: true }, { bond: strongBond }),
    });
    expect(allowed.peripheral.complete?.bonded).toBe(true);
    const equal = await pairInMemory({
      central: makeCentral({ io: IoCapability.displayYesNo, mitm: true }),
      peripheral: makePeripheral({ io: IoCapability.displayYesNo }, { bond: strongBond }),
    });
    expect(equal.peripheral.complete?.authenticated).toBe(true);
  });
});

describe('pairable: false', () => {
  it('answers a Pairing Request with Pairing Not Supported', async () => {
    const result = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral({ pairable: false }),
    });
    expect(result.central.failed).toMatchObject({ reason: R.pairingNotSupported, byPeer: true });
  });
});

describe('Repeated Attempts (Core 6.0 Vol 3 Part H 2.3.6)', () => {
  it('the peripheral refuses a retry inside the waiting interval, then accepts after it', async () => {
    const tracker = new RepeatedAttemptsTracker({ initialIntervalMs: 1000 });
    const attempts = { tracker, peerKey: 'central' };
    const first = new Probe(makePeripheral({}, { repeatedAttempts: attempts }));
    await first.send({
      op: 'pairing-request',
      ...features({ authReq: { bonding: true, mitm: false, sc: true, keypress: false, ct2: false } }),
    });
    await first.send({ op: 'pairing-public-key', x: new Uint8Array(32), y: new Uint8Array(32) }); // invalid: fails
    expect(first.last('pairing-failed')?.reason).toBe(R.dhKeyCheckFailed);

    const second = new Probe(makePeripheral({}, { repeatedAttempts: attempts }));
    second.now = 500;
    const refused = await second.send({ op: 'pairing-request', ...features() });
    expect(second.last('pairing-failed')?.reason).toBe(R.repeatedAttempts);
    expect(failedOf(refused)?.reason).toBe(R.repeatedAttempts);
    second.now = 1000;
    await second.send({ op: 'pairing-request', ...features() });
    expect(second.last('pairing-response')).toBeDefined();
  });

  it("a central's retry interval never shrinks across consecutive failures, and success resets it", async () => {
    const tracker = new RepeatedAttemptsTracker({ initialIntervalMs: 1000, maxIntervalMs: 8000 });
    const intervals: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      const probe = new Probe(makeCentral({}, { repeatedAttempts: { tracker, peerKey: 'p' } }));
      probe.now = now;
      const early = await probe.start();
      if (i > 0) {
        expect(failedOf(early)?.reason).toBe(R.repeatedAttempts);
        expect(early.some((a) => a.type === 'send')).toBe(false);
        probe.now = now = tracker.nextAttemptAt('p');
        await probe.start();
      }
      await probe.send({ op: 'pairing-failed', reason: R.unspecifiedReason });
      intervals.push(tracker.intervalFor('p'));
    }
    expect(intervals).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    tracker.recordSuccess('p');
    expect(tracker.mayAttempt('p', now)).toBe(true);
  });

  it('a Security Request inside the interval is answered with Repeated Attempts', async () => {
    const tracker = new RepeatedAttemptsTracker();
    tracker.recordFailure('p', 0);
    const probe = new Probe(makeCentral({}, { repeatedAttempts: { tracker, peerKey: 'p' } }));
    await probe.send({
      op: 'security-request',
      authReq: { bonding: true, mitm: false, sc: true, keypress: false, ct2: false },
    });
    expect(probe.sent.map((p) => p.op)).toEqual(['pairing-failed']);
    expect(probe.last('pairing-failed')?.reason).toBe(R.repeatedAttempts);
  });
});
