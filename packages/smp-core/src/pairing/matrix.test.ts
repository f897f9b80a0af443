/**
 * The back-to-back matrix: 5x5 IO capabilities x {LE SC, legacy} x {MITM none, central, peripheral, both}
 * x {OOB none, central only, peripheral only, both}, each pairing checked against Core 6.0 Vol 3 Part H 2.3.5.1 Tables
 * 2.6-2.8, written out here independently of association-model.ts.
 */
import type { Address } from '@tsble/base';
import { beforeAll, describe, expect, it } from 'vitest';
import { pairInMemory } from '../../examples/in-memory-link.js';
import type { IoCapability } from '../constants.js';
import { generateRpa, randomBytes } from '../crypto/index.js';
import { generateScOobData } from './oob.js';
import { PairingSession } from './session.js';
import type { LocalScOobData, PairingConfig } from './types.js';

const IO = ['DisplayOnly', 'DisplayYesNo', 'KeyboardOnly', 'NoInputNoOutput', 'KeyboardDisplay'] as const;

// Table 2.8, rows = responder, columns = initiator (order as IO above). JW Just Works, NC Numeric
// Comparison, PR passkey (responder displays), PI passkey (initiator displays), PB both type.
// "a/b" = LE SC / legacy.
const TABLE_2_8 = `
DisplayOnly      JW  JW     PR  JW  PR
DisplayYesNo     JW  NC/JW  PR  JW  NC/PR
KeyboardOnly     PI  PI     PB  JW  PI
NoInputNoOutput  JW  JW     JW  JW  JW
KeyboardDisplay  PI  NC/PI  PR  JW  NC/PI`;

const CODES: Record<string, string> = {
  JW: 'just-works',
  NC: 'numeric-comparison',
  PR: 'passkey-entry',
  PI: 'passkey-entry',
  PB: 'passkey-entry',
};

function table28(initiator: number, responder: number, sc: boolean): { method: string; code: string } {
  const row = TABLE_2_8.trim().split('\n')[responder]?.trim().split(/\s+/).slice(1) ?? [];
  const cell = row[initiator] ?? '?';
  const [scCode, legacyCode] = cell.includes('/') ? cell.split('/') : [cell, cell];
  const code = (sc ? scCode : legacyCode) ?? '?';
  return { method: CODES[code] ?? '?', code };
}

const centralIdentity = {
  irk: randomBytes(16),
  address: { bytes: Uint8Array.of(1, 2, 3, 4, 5, 0xc1), type: 'random' as const },
};
const peripheralAddress: Address = {
  bytes: Uint8Array.of(0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0),
  type: 'public',
};
// As real devices do: the peripheral's identity is the public address it advertises from; the central
// connects from a resolvable private address made with the IRK it distributes.
const peripheralIdentity = { irk: randomBytes(16), address: peripheralAddress };
const centralAddress: Address = { bytes: generateRpa(centralIdentity.irk), type: 'random' };

type Oob = 'none' | 'central' | 'peripheral' | 'both';
type Mitm = 'none' | 'central' | 'peripheral' | 'both';
let centralOob: LocalScOobData;
let peripheralOob: LocalScOobData;
const tk = randomBytes(16);

function oobConfigs(oob: Oob): [PairingConfig['oob'], PairingConfig['oob']] {
  const fromPeripheral = { random: peripheralOob.random, confirm: peripheralOob.confirm };
  const fromCentral = { random: centralOob.random, confirm: centralOob.confirm };
  if (oob === 'none') return [{}, {}];
  if (oob === 'central') return [{ tk, peerSc: fromPeripheral }, { localSc: peripheralOob }];
  if (oob === 'peripheral') return [{ localSc: centralOob }, { tk, peerSc: fromCentral }];
  return [
    { tk, peerSc: fromPeripheral, localSc: centralOob },
    { tk, peerSc: fromCentral, localSc: peripheralOob },
  ];
}

describe('back-to-back pairing matrix (Tables 2.6-2.8)', () => {
  beforeAll(async () => {
    centralOob = await generateScOobData();
    peripheralOob = await generateScOobData();
  });

  for (const sc of [true, false]) {
    for (const oob of ['none', 'central', 'peripheral', 'both'] as const) {
      for (const mitm of ['none', 'central', 'peripheral', 'both'] as const) {
        it(`${sc ? 'LE SC' : 'legacy'}, OOB ${oob}, MITM ${mitm}: all 25 IO pairs`, async () => {
          for (let ic = 0; ic < 5; ic++) {
            for (let rc = 0; rc < 5; rc++) await checkOne(sc, oob, mitm, ic, rc);
          }
        });
      }
    }
  }
});

async function checkOne(sc: boolean, oob: Oob, mitm: Mitm, ic: number, rc: number): Promise<void> {
  const label = `${sc ? 'SC' : 'legacy'} oob=${oob} mitm=${mitm} initiator=${IO[ic]} responder=${IO[rc]}`;
  const [cOob, pOob] = oobConfigs(oob);
  const common = { sc, distribute: { local: ALL, remote: ALL } };
  const central = new PairingSession({
    role: 'central',
    localAddress: centralAddress,
    peerAddress: peripheralAddress,
    config: {
      ...common,
      io: ic as IoCapability,
      mitm: mitm === 'central' || mitm === 'both',
      oob: cOob,
      identity: centralIdentity,
    },
  });
  const peripheral = new PairingSession({
    role: 'peripheral',
    localAddress: peripheralAddress,
    peerAddress: centralAddress,
    config: {
      ...common,
      io: rc as IoCapability,
      mitm: mitm === 'peripheral' || mitm === 'both',
      oob: pOob,
      identity: peripheralIdentity,
    },
  });
  const result = await pairInMemory({ central, peripheral, sharedPasskey: 314159 });

  // Table 2.6 (legacy: OOB only if both have it) and 2.7 (LE SC: OOB if either has it).
  const oobUsed = sc ? oob !== 'none' : oob === 'both';
  const expected = oobUsed ? 'oob' : mitm === 'none' ? 'just-works' : table28(ic, rc, sc).method;
  if (expected === 'just-works' && mitm !== 'none') {
    // The side that requires MITM refuses with Authentication Requirements; the responder checks first.
    const refuser = mitm === 'central' ? result.central : result.peripheral;
    const other = mitm === 'central' ? result.peripheral : result.central;
    expect(refuser.failed, label).toMatchObject({ reason: 0x03, byPeer: false });
    expect(other.failed, label).toMatchObject({ reason: 0x03, byPeer: true });
    expect(result.central.complete ?? result.peripheral.complete, label).toBeUndefined();
    return;
  }
  const c = result.central.complete;
  const p = result.peripheral.complete;
  expect(result.central.failed ?? result.peripheral.failed, label).toBeUndefined();
  expect(c?.method, label).toBe(expected);
  expect(p?.method, label).toBe(expected);
  expect(c?.sc, label).toBe(sc);
  expect(c?.authenticated, label).toBe(expected !== 'just-works');
  expect(p?.authenticated, label).toBe(expected !== 'just-works');
  expect(c?.keySize, label).toBe(16);
  expect(c?.securityLevel, label).toBe(expected === 'just-works' ? 2 : sc ? 4 : 3);
  expect(c?.bonded && p?.bonded, label).toBe(true);
  expect(result.central.encryptionKey, label).toEqual(result.peripheral.encryptionKey);
  if (expected === 'numeric-comparison')
    expect(result.central.numeric, label).toBe(result.peripheral.numeric);
  // Keys: each side's copy of the other's keys equals what the other distributed.
  const ck = c?.keys;
  const pk = p?.keys;
  expect(ck?.peerLtk, label).toEqual(pk?.localLtk);
  expect(pk?.peerLtk, label).toEqual(ck?.localLtk);
  expect(ck?.peerLtk?.key.length, label).toBe(16);
  expect(ck?.peerIrk, label).toEqual(peripheralIdentity.irk);
  expect(pk?.peerIrk, label).toEqual(centralIdentity.irk);
  expect(ck?.peerIdentityAddress, label).toEqual(peripheralIdentity.address);
  expect(ck?.peerCsrk, label).toEqual(pk?.localCsrk);
  expect(pk?.peerCsrk, label).toEqual(ck?.localCsrk);
  if (sc) expect(ck?.peerLtk?.ediv, label).toBe(0);
  else expect(ck?.peerLtk?.key, label).not.toEqual(pk?.peerLtk?.key);
}

const ALL = { encKey: true, idKey: true, signKey: true, linkKey: false };
