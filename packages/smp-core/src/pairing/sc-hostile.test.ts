/** Hostile-peer rules for LE Secure Connections: two real sessions, with PDUs tampered in flight. */
import { describe, expect, it } from 'vitest';
import { type LinkOptions, pairInMemory } from '../../examples/in-memory-link.js';
import { makeCentral, makePeripheral } from '../../examples/peers.test-support.js';
import { IoCapability, PairingFailedReason as R, SmpOpcode } from '../constants.js';
import { DEBUG_KEY_PAIR, p256GenerateKeyPair } from '../crypto/index.js';
import { generateScOobData } from './oob.js';

const P_MINUS_ONE_LE = Uint8Array.from([
  0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
]);

/** Rewrites the first PDU with `opcode` sent by `from`. */
function rewrite(
  from: 'central' | 'peripheral',
  opcode: number,
  change: (pdu: Uint8Array) => Uint8Array | undefined,
): LinkOptions['tamper'] {
  let done = false;
  return (side, pdu) => {
    if (done || side !== from || pdu[0] !== opcode) return pdu;
    done = true;
    return change(pdu.slice());
  };
}

/** Applies an in-place change to a PDU and returns it. */
const edit =
  (change: (pdu: Uint8Array) => void) =>
  (pdu: Uint8Array): Uint8Array => {
    change(pdu);
    return pdu;
  };

const INVALID_KEYS: [string, (pdu: Uint8Array) => Uint8Array][] = [
  ['y = 0', edit((pdu) => pdu.fill(0, 33, 65))],
  ['one bit of y flipped', edit((pdu) => pdu.set([(pdu[40] ?? 0) ^ 0x10], 40))],
  ['the point (0, 0)', edit((pdu) => pdu.fill(0, 1, 65))],
  ['x >= p', edit((pdu) => pdu.fill(0xff, 1, 33))],
  ['x = p - 1 (in range, off the curve)', edit((pdu) => pdu.set(P_MINUS_ONE_LE, 1))],
];

describe('peer public key validation (SM/*/KDU/BI-04-C)', () => {
  for (const from of ['central', 'peripheral'] as const) {
    for (const [name, corrupt] of INVALID_KEYS) {
      it(`${from} sends an invalid key (${name}): DHKey Check Failed, no key handed out`, async () => {
        const result = await pairInMemory({
          central: makeCentral(),
          peripheral: makePeripheral(),
          tamper: rewrite(from, SmpOpcode.pairingPublicKey, corrupt),
        });
        const victim = from === 'central' ? result.peripheral : result.central;
        expect(victim.failed).toMatchObject({ reason: R.dhKeyCheckFailed, byPeer: false });
        expect(
          victim.actions.some(
            (a) => a.type === 'ltk-reply' || a.type === 'start-encryption' || a.type === 'keys',
          ),
        ).toBe(false);
      });
    }
  }

  it('refuses a peer key with our own X coordinate (CVE-2020-26558) with DHKey Check Failed', async () => {
    const peripheralKeys = await p256GenerateKeyPair();
    const reflect = rewrite('central', SmpOpcode.pairingPublicKey, (pdu) => {
      pdu.set(peripheralKeys.publicKey.x, 1);
      pdu.set(peripheralKeys.publicKey.y, 33);
      return pdu;
    });
    const result = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral({ keyPair: peripheralKeys }),
      tamper: reflect,
    });
    expect(result.peripheral.failed).toMatchObject({ reason: R.dhKeyCheckFailed, byPeer: false });
  });

  it('refuses the debug public key unless debug keys are enabled', async () => {
    const result = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral({ keyPair: DEBUG_KEY_PAIR, allowDebugKeys: true }),
    });
    expect(result.central.failed?.reason).toBe(R.authenticationRequirements);
  });

  it('pairs with the debug key when enabled, but never offers the keys for storage', async () => {
    const result = await pairInMemory({
      central: makeCentral({ allowDebugKeys: true }),
      peripheral: makePeripheral({ keyPair: DEBUG_KEY_PAIR, allowDebugKeys: true }),
    });
    expect(result.central.complete).toMatchObject({ debugKey: true, bonded: false });
    expect(result.peripheral.complete).toMatchObject({ debugKey: true, bonded: false });
    expect(result.central.keys ?? result.peripheral.keys).toBeUndefined();
  });
});

describe('confirm values and DHKey checks are verified before anything depends on them', () => {
  const flip = (index: number) => edit((pdu) => pdu.set([(pdu[index] ?? 0) ^ 1], index));

  it('a wrong Ea: the peripheral fails with DHKey Check Failed and never answers an LTK request', async () => {
    const result = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral(),
      tamper: rewrite('central', SmpOpcode.pairingDhKeyCheck, flip(5)),
    });
    expect(result.peripheral.failed).toMatchObject({ reason: R.dhKeyCheckFailed, byPeer: false });
    expect(result.peripheral.actions.some((a) => a.type === 'ltk-reply')).toBe(false);
  });

  it('a wrong Eb: the central fails with DHKey Check Failed and never starts encryption', async () => {
    const result = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral(),
      tamper: rewrite('peripheral', SmpOpcode.pairingDhKeyCheck, flip(9)),
    });
    expect(result.central.failed).toMatchObject({ reason: R.dhKeyCheckFailed, byPeer: false });
    expect(result.central.actions.some((a) => a.type === 'start-encryption')).toBe(false);
  });

  it('a skipped DHKey check: the central waits (no encryption) until the SMP timeout', async () => {
    const central = makeCentral();
    const result = await pairInMemory({
      central,
      peripheral: makePeripheral(),
      tamper: rewrite('peripheral', SmpOpcode.pairingDhKeyCheck, () => undefined),
    });
    expect(result.central.actions.some((a) => a.type === 'start-encryption')).toBe(false);
    expect(central.state).toBe('sc-wait-dhkey-check');
    const late = await central.tick(60_000);
    expect(late).toContainEqual(expect.objectContaining({ type: 'failed', timedOut: true }));
  });

  it('a wrong Cb (Just Works) fails with Confirm Value Failed', async () => {
    const result = await pairInMemory({
      central: makeCentral(),
      peripheral: makePeripheral(),
      tamper: rewrite('peripheral', SmpOpcode.pairingConfirm, flip(3)),
    });
    expect(result.central.failed).toMatchObject({ reason: R.confirmValueFailed, byPeer: false });
  });

  it('a reflected passkey commitment fails with Confirm Value Failed', async () => {
    let centralConfirm: Uint8Array | undefined;
    const result = await pairInMemory({
      central: makeCentral({ io: IoCapability.keyboardOnly, mitm: true }),
      peripheral: makePeripheral({ io: IoCapability.displayOnly, mitm: true }),
      tamper: (side, pdu) => {
        if (side === 'central' && pdu[0] === SmpOpcode.pairingConfirm) centralConfirm = pdu.slice(1);
        if (side === 'peripheral' && pdu[0] === SmpOpcode.pairingConfirm && centralConfirm)
          return Uint8Array.of(SmpOpcode.pairingConfirm, ...centralConfirm);
        return pdu;
      },
    });
    expect(result.central.failed).toMatchObject({ reason: R.confirmValueFailed, byPeer: false });
  });
});

describe('user answers', () => {
  it('SM/CEN/SCPK/BI-02-C: a wrong passkey fails with Confirm Value Failed', async () => {
    const result = await pairInMemory({
      central: makeCentral({ io: IoCapability.keyboardOnly, mitm: true }),
      peripheral: makePeripheral({ io: IoCapability.displayOnly, mitm: true, passkey: 123456 }),
      centralUser: { passkey: 123457 },
    });
    const local = [result.central.failed, result.peripheral.failed].find((f) => f && !f.byPeer);
    expect(local?.reason).toBe(R.confirmValueFailed);
    expect(result.central.complete ?? result.peripheral.complete).toBeUndefined();
  });

  it('a cancelled passkey entry fails with Passkey Entry Failed', async () => {
    const result = await pairInMemory({
      central: makeCentral({ io: IoCapability.keyboardOnly, mitm: true }),
      peripheral: makePeripheral({ io: IoCapability.displayOnly, mitm: true }),
      centralUser: { passkey: null },
    });
    expect(result.central.failed).toMatchObject({ reason: R.passkeyEntryFailed, byPeer: false });
    expect(result.peripheral.failed).toMatchObject({ reason: R.passkeyEntryFailed, byPeer: true });
  });

  it('numbers that do not match fail with Numeric Comparison Failed', async () => {
    const result = await pairInMemory({
      central: makeCentral({ io: IoCapability.displayYesNo, mitm: true }),
      peripheral: makePeripheral({ io: IoCapability.displayYesNo, mitm: true }),
      peripheralUser: { confirmNumeric: false },
    });
    expect(result.peripheral.failed).toMatchObject({ reason: R.numericComparisonFailed, byPeer: false });
    expect(result.peripheral.actions.some((a) => a.type === 'ltk-reply')).toBe(false);
  });

  it('keypress notifications reach the displaying side only when both offered them', async () => {
    for (const keypress of [true, false]) {
      const result = await pairInMemory({
        central: makeCentral({ io: IoCapability.keyboardOnly, mitm: true, keypress }),
        peripheral: makePeripheral({ io: IoCapability.displayOnly, mitm: true, keypress: true }),
        centralUser: { keypresses: [0, 1, 1, 2, 4] },
      });
      const seen = result.peripheral.actions.filter((a) => a.type === 'peer-keypress').length;
      expect(seen).toBe(keypress ? 5 : 0);
      expect(result.central.complete?.method).toBe('passkey-entry');
    }
  });

  it('SM/CEN/SCPK/BV-05-C, SM/*/SCJW/BV-01-C: fresh passkeys and nonces for every pairing', async () => {
    const passkeys = new Set<number>();
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const result = await pairInMemory({
        central: makeCentral({ io: IoCapability.displayOnly, mitm: true }),
        peripheral: makePeripheral({ io: IoCapability.keyboardOnly, mitm: true }),
      });
      passkeys.add(result.central.displayed ?? -1);
      for (const pdu of result.central.sent)
        if (pdu[0] === SmpOpcode.pairingRandom) nonces.add(Array.from(pdu).join(','));
    }
    expect(passkeys.size).toBe(3);
    expect(nonces.size).toBe(60);
  });
});

describe('LE SC OOB', () => {
  it('SM/CEN/SCOB/BI-04-C: wrong OOB data fails with Confirm Value Failed', async () => {
    const peripheralOob = await generateScOobData();
    const result = await pairInMemory({
      central: makeCentral({
        oob: { peerSc: { random: peripheralOob.random, confirm: new Uint8Array(16).fill(7) } },
      }),
      peripheral: makePeripheral({ oob: { localSc: peripheralOob } }),
    });
    expect(result.central.failed).toMatchObject({ reason: R.confirmValueFailed, byPeer: false });
  });

  it('a peer claiming our OOB data when we have none: OOB Not Available', async () => {
    const peripheralOob = await generateScOobData();
    const result = await pairInMemory({
      central: makeCentral({
        oob: { peerSc: { random: peripheralOob.random, confirm: peripheralOob.confirm } },
      }),
      peripheral: makePeripheral(),
    });
    expect(result.peripheral.failed).toMatchObject({ reason: R.oobNotAvailable, byPeer: false });
  });
});
