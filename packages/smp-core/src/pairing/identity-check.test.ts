/**
 * The bond-takeover defence (identity-check.ts), back to back in memory: a peer's claimed identity must fit
 * the link it pairs over, and a pairing replaces the bond held for that identity only when at least as strong
 * and as `bondReplacement` allows. Every refusal stores nothing.
 */
import type { Address } from '@tsble/base';
import { describe, expect, it } from 'vitest';
import { pairInMemory, type UserScript } from '../../examples/in-memory-link.js';
import { PairingFailedReason as R } from '../constants.js';
import { generateRpa, randomBytes } from '../crypto/index.js';
import type { Bond } from '../keys/types.js';
import { PairingSession } from './session.js';
import type { BondReplacementPolicy, PairingConfig } from './types.js';

const PERIPHERAL: Address = { bytes: Uint8Array.of(0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0), type: 'public' };
/** The real device A: a static random identity address. */
const A: Address = { bytes: Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0xc6), type: 'random' };
const ATTACKER: Address = { bytes: Uint8Array.of(0x99, 0x88, 0x77, 0x66, 0x55, 0xc4), type: 'random' };
const A_IRK = randomBytes(16);

const ALL = { encKey: true, idKey: true, signKey: false, linkKey: false };

/** A bond held for A, as the host's store would give it. */
function bondOfA(strength: { sc: boolean; authenticated: boolean; keySize?: number }, irk = A_IRK): Bond {
  const ltk = { key: randomBytes(16), ediv: 0, rand: new Uint8Array(8) };
  return {
    peerAddress: A,
    peerIdentityAddress: A,
    peerIrk: irk,
    peerLtk: ltk,
    localLtk: ltk,
    keySize: strength.keySize ?? 16,
    authenticated: strength.authenticated,
    sc: strength.sc,
    linkKey: false,
    ct2: false,
  };
}

interface Attempt {
  /** The address the central (the peer under test) connects from. */
  link: Address;
  /** What the central distributes as its identity. */
  claim: { irk: Uint8Array; address: Address };
  /** What the peripheral (the device checking) already holds, by identity. */
  held?: Bond;
  sc?: boolean;
  policy?: BondReplacementPolicy;
  allowIdentityMismatch?: boolean;
  user?: UserScript;
  /** Swap roles: the checking device is the central, the claiming one the peripheral. */
  checkerIsCentral?: boolean;
}

/** One pairing in which the claiming side distributes `claim`; returns what the checking side reported. */
async function attempt(a: Attempt) {
  const sc = a.sc ?? true;
  const checker: Partial<PairingConfig> = {
    sc,
    distribute: { local: ALL, remote: ALL },
    ...(a.policy ? { bondReplacement: a.policy } : {}),
    ...(a.allowIdentityMismatch ? { allowIdentityMismatch: true } : {}),
  };
  const claimer: Partial<PairingConfig> = { sc, distribute: { local: ALL, remote: ALL }, identity: a.claim };
  const bondFor = (identity: Address) =>
    a.held && identity.type === A.type && identity.bytes.every((b, i) => b === A.bytes[i])
      ? a.held
      : undefined;
  const central = new PairingSession({
    role: 'central',
    localAddress: a.checkerIsCentral ? PERIPHERAL : a.link,
    peerAddress: a.checkerIsCentral ? a.link : PERIPHERAL,
    config: a.checkerIsCentral ? checker : claimer,
    ...(a.checkerIsCentral ? { bondFor } : {}),
  });
  const peripheral = new PairingSession({
    role: 'peripheral',
    localAddress: a.checkerIsCentral ? a.link : PERIPHERAL,
    peerAddress: a.checkerIsCentral ? PERIPHERAL : a.link,
    config: a.checkerIsCentral ? claimer : checker,
    ...(a.checkerIsCentral ? {} : { bondFor }),
  });
  const result = await pairInMemory({
    central,
    peripheral,
    ...(a.user ? (a.checkerIsCentral ? { centralUser: a.user } : { peripheralUser: a.user }) : {}),
  });
  return a.checkerIsCentral ? result.central : result.peripheral;
}

describe('identity claims (rule 1: the claim must fit the link)', () => {
  it('a peer on its own static address claiming it pairs and bonds under it', async () => {
    const side = await attempt({ link: A, claim: { irk: A_IRK, address: A } });
    expect(side.failed).toBeUndefined();
    expect(side.keys?.bond.peerIdentityAddress).toEqual(A);
    expect(side.keys?.replaces).toBe(false);
  });

  for (const sc of [true, false]) {
    it(`${sc ? 'LE SC' : 'legacy'}: a peer on another static address claiming A fails with Invalid Parameters, nothing stored`, async () => {
      const side = await attempt({ link: ATTACKER, claim: { irk: randomBytes(16), address: A }, sc });
      expect(side.failed?.reason).toBe(R.invalidParameters);
      expect(side.failed?.message).toMatch(/claims the identity C6:55:44:33:22:11\/random/);
      expect(side.keys).toBeUndefined();
      expect(side.complete).toBeUndefined();
    });
  }

  it('allowIdentityMismatch lets a static address claim another identity', async () => {
    const side = await attempt({
      link: ATTACKER,
      claim: { irk: randomBytes(16), address: A },
      allowIdentityMismatch: true,
    });
    expect(side.failed).toBeUndefined();
    expect(side.keys?.bond.peerIdentityAddress).toEqual(A);
  });

  it('a peer on an RPA of the IRK it distributes may claim any identity it has no bond conflict with', async () => {
    const side = await attempt({
      link: { bytes: generateRpa(A_IRK), type: 'random' },
      claim: { irk: A_IRK, address: A },
    });
    expect(side.failed).toBeUndefined();
    expect(side.keys?.bond.peerIdentityAddress).toEqual(A);
  });

  it('a peer on an RPA that its distributed IRK does not resolve fails with Invalid Parameters', async () => {
    const side = await attempt({
      link: { bytes: generateRpa(randomBytes(16)), type: 'random' },
      claim: { irk: A_IRK, address: A },
    });
    expect(side.failed?.reason).toBe(R.invalidParameters);
    expect(side.failed?.message).toMatch(/does not resolve with the IRK it distributed/);
    expect(side.keys).toBeUndefined();
  });

  it('the same checks apply when the checking device is the central', async () => {
    const side = await attempt({
      link: ATTACKER,
      claim: { irk: randomBytes(16), address: A },
      checkerIsCentral: true,
    });
    expect(side.failed?.reason).toBe(R.invalidParameters);
    expect(side.keys).toBeUndefined();
  });
});

describe('bond replacement (rule 2)', () => {
  it('a weaker pairing (legacy over SC) never replaces the bond of the identity it proves, whatever the policy', async () => {
    for (const policy of ['proven', 'ask', 'never'] as const) {
      const side = await attempt({
        link: A,
        claim: { irk: A_IRK, address: A },
        held: bondOfA({ sc: true, authenticated: false }),
        sc: false,
        policy,
        user: { replaceBond: true },
      });
      expect(side.failed?.reason, policy).toBe(R.unspecifiedReason);
      expect(side.failed?.message).toMatch(/would replace a stronger bond/);
      expect(side.keys).toBeUndefined();
    }
  });

  it('an unauthenticated pairing never replaces an authenticated bond', async () => {
    const side = await attempt({
      link: A,
      claim: { irk: A_IRK, address: A },
      held: bondOfA({ sc: true, authenticated: true }),
    });
    expect(side.failed?.reason).toBe(R.unspecifiedReason);
    expect(side.keys).toBeUndefined();
  });

  it("'proven' (default): an equal pairing from the identity address replaces the bond (a device that lost its keys)", async () => {
    const side = await attempt({
      link: A,
      claim: { irk: A_IRK, address: A },
      held: bondOfA({ sc: true, authenticated: false }),
    });
    expect(side.failed).toBeUndefined();
    expect(side.keys?.replaces).toBe(true);
  });

  it("'proven': an equal pairing from an RPA the stored IRK resolves replaces the bond", async () => {
    const side = await attempt({
      link: { bytes: generateRpa(A_IRK), type: 'random' },
      claim: { irk: A_IRK, address: A },
      held: bondOfA({ sc: true, authenticated: false }),
    });
    expect(side.failed).toBeUndefined();
    expect(side.keys?.replaces).toBe(true);
  });

  it("'proven': an RPA of a new IRK claiming a bonded identity is refused (another device, or a reset one)", async () => {
    const otherIrk = randomBytes(16);
    const side = await attempt({
      link: { bytes: generateRpa(otherIrk), type: 'random' },
      claim: { irk: otherIrk, address: A },
      held: bondOfA({ sc: true, authenticated: false }),
    });
    expect(side.failed?.reason).toBe(R.unspecifiedReason);
    expect(side.failed?.message).toMatch(/does not prove that identity/);
    expect(side.keys).toBeUndefined();
  });

  it("'never': even an equal pairing from the identity address is refused", async () => {
    const side = await attempt({
      link: A,
      claim: { irk: A_IRK, address: A },
      held: bondOfA({ sc: true, authenticated: false }),
      policy: 'never',
    });
    expect(side.failed?.reason).toBe(R.unspecifiedReason);
    expect(side.keys).toBeUndefined();
  });

  it("'never' with a bond for the link's own address refuses at phase 1: the initiator learns it before completing", async () => {
    const held = bondOfA({ sc: true, authenticated: false });
    const central = new PairingSession({
      role: 'central',
      localAddress: A,
      peerAddress: PERIPHERAL,
      config: { distribute: { local: ALL, remote: ALL }, identity: { irk: A_IRK, address: A } },
    });
    const peripheral = new PairingSession({
      role: 'peripheral',
      localAddress: PERIPHERAL,
      peerAddress: A,
      config: { distribute: { local: ALL, remote: ALL }, bondReplacement: 'never' },
      bond: () => held,
    });
    const result = await pairInMemory({ central, peripheral });
    expect(result.peripheral.failed?.reason).toBe(R.unspecifiedReason);
    expect(result.central.failed).toMatchObject({ reason: R.unspecifiedReason, byPeer: true });
    expect(result.central.complete).toBeUndefined();
    expect(result.central.keys).toBeUndefined();
    expect(result.peripheral.actions.some((a) => a.type === 'ltk-reply' || a.type === 'keys')).toBe(false);
  });

  it("'ask': the application is asked with both strengths; no keeps the old bond, yes replaces it", async () => {
    for (const answer of [false, true]) {
      const side = await attempt({
        link: A,
        claim: { irk: A_IRK, address: A },
        held: bondOfA({ sc: true, authenticated: false }),
        policy: 'ask',
        user: { replaceBond: answer },
      });
      const asked = side.actions.find((x) => x.type === 'confirm-bond-replacement');
      expect(asked).toMatchObject({
        identity: A,
        existing: { sc: true, authenticated: false, keySize: 16 },
        proposed: { sc: true, authenticated: false, keySize: 16 },
        proven: true,
      });
      if (answer) {
        expect(side.failed).toBeUndefined();
        expect(side.keys?.replaces).toBe(true);
      } else {
        expect(side.failed?.reason).toBe(R.unspecifiedReason);
        expect(side.keys).toBeUndefined();
      }
    }
  });

  it('the checking central refuses a peripheral that would replace a stronger bond', async () => {
    const side = await attempt({
      link: A,
      claim: { irk: A_IRK, address: A },
      held: bondOfA({ sc: true, authenticated: true }),
      checkerIsCentral: true,
    });
    expect(side.failed?.reason).toBe(R.unspecifiedReason);
    expect(side.keys).toBeUndefined();
  });
});
