/**
 * The session owns the link's encryption: it answers LTK requests (from the pairing or the bond), starts
 * encryption from the bond, and believes only an Encryption Change it asked for.
 */
import { describe, expect, it } from 'vitest';
import { pairInMemory } from '../../examples/in-memory-link.js';
import { makeCentral, makePeripheral, PERIPHERAL_ADDRESS } from '../../examples/peers.test-support.js';
import { randomBytes } from '../crypto/index.js';
import type { Bond } from '../keys/types.js';
import type { PairingAction } from './types.js';

const ZERO8 = new Uint8Array(8);
const now = 0;

function bond(keys: Partial<Bond> = {}): Bond {
  const ltk = { key: randomBytes(16), ediv: 0, rand: new Uint8Array(8) };
  return {
    peerAddress: PERIPHERAL_ADDRESS,
    peerLtk: ltk,
    localLtk: ltk,
    keySize: 16,
    authenticated: true,
    sc: true,
    linkKey: false,
    ct2: false,
    ...keys,
  };
}

const types = (actions: PairingAction[]) => actions.map((a) => a.type);

describe('encryption the session did not ask for', () => {
  it('is ignored in both roles, before and after a pairing', async () => {
    for (const session of [makeCentral(), makePeripheral()]) {
      expect(await session.encryptionChanged(now)).toEqual([]);
      expect(await session.encryptionFailed(now, 0x06)).toEqual([]);
    }
    const central = makeCentral();
    const peripheral = makePeripheral();
    const result = await pairInMemory({ central, peripheral });
    expect(result.central.complete && result.peripheral.complete).toBeTruthy();
    expect(await central.encryptionChanged(now)).toEqual([]);
    expect(await peripheral.encryptionChanged(now)).toEqual([]);
  });
});

describe('LTK requests (peripheral)', () => {
  it('are answered from the bond when EDIV and Rand name its key, negatively otherwise', async () => {
    const held = bond({ authenticated: false });
    const peripheral = makePeripheral({}, { bond: () => held });
    expect(await peripheral.ltkRequested(ZERO8, 0, now)).toEqual([
      { type: 'ltk-reply', key: held.localLtk?.key },
    ]);
    const encrypted = await peripheral.encryptionChanged(now);
    expect(encrypted).toEqual([
      {
        type: 'link-encrypted',
        source: 'bond',
        authenticated: false,
        sc: true,
        keySize: 16,
        securityLevel: 2,
      },
    ]);
    expect(await peripheral.ltkRequested(ZERO8, 0x1234, now)).toEqual([{ type: 'ltk-negative-reply' }]);
    expect(await peripheral.encryptionChanged(now)).toEqual([]);
    expect(await makePeripheral().ltkRequested(ZERO8, 0, now)).toEqual([{ type: 'ltk-negative-reply' }]);
  });

  it('read the bond from its owner each time (a forgotten bond answers no)', async () => {
    let held: Bond | undefined = bond();
    const peripheral = makePeripheral({}, { bond: () => held });
    expect(types(await peripheral.ltkRequested(ZERO8, 0, now))).toEqual(['ltk-reply']);
    held = undefined;
    expect(types(await peripheral.ltkRequested(ZERO8, 0, now))).toEqual(['ltk-negative-reply']);
  });
});

describe('encryption from the bond (central)', () => {
  it('starts with the bond key, reports its strength, or the bond lost on failure', async () => {
    const held = bond();
    const central = makeCentral({}, { bond: held });
    const start = await central.encryptFromBond(now);
    expect(start).toEqual([{ type: 'start-encryption', ...held.peerLtk, keySize: 16 }]);
    expect(await central.encryptionChanged(now)).toEqual([
      {
        type: 'link-encrypted',
        source: 'bond',
        authenticated: true,
        sc: true,
        keySize: 16,
        securityLevel: 4,
      },
    ]);
    // Encrypted now: asking again starts nothing (one LE Enable Encryption, not a key refresh).
    expect(await central.encryptFromBond(now)).toEqual([]);
    const lost = makeCentral({}, { bond: held });
    await lost.encryptFromBond(now);
    // A second caller while the first encryption is under way starts nothing either.
    expect(await lost.encryptFromBond(now)).toEqual([]);
    expect(await lost.encryptionFailed(now, 0x06)).toEqual([{ type: 'encryption-failed', status: 0x06 }]);
    expect(await makeCentral().encryptFromBond(now)).toEqual([]);
  });

  it('a pairing reports link-encrypted with the negotiated strength before key distribution', async () => {
    const result = await pairInMemory({ central: makeCentral(), peripheral: makePeripheral() });
    for (const side of [result.central, result.peripheral]) {
      const order = types(side.actions).filter((t) => ['link-encrypted', 'keys', 'complete'].includes(t));
      expect(order).toEqual(['link-encrypted', 'keys', 'complete']);
      expect(side.actions.find((a) => a.type === 'link-encrypted')).toMatchObject({
        source: 'pairing',
        sc: true,
        authenticated: false,
        keySize: 16,
        securityLevel: 2,
      });
    }
  });
});
