/**
 * Bond takeover: a second device pairs and claims the identity of a bonded one in key distribution, to replace
 * its keys (and lock it out) and then pose as it. The real device A is a static random address that pairs
 * first with LE Secure Connections and distributes its IRK and identity; the attacker then pairs from another
 * address, from an RPA of its own IRK, or from A's own address, weaker or as strong, in both roles. After each
 * attempt the bond file is read back from disk: A's record must be byte for byte what it was, none of the
 * attacker's keys may be in it, and A must still encrypt from its bond. The re-pairing policy the defence
 * leaves open (the same identity, as strong, from its own address) is the last case.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BondReplacementPolicy, type Connection, FileBondStore, formatAddress } from '@tsble/host';
import { generateRpa, randomBytes, SMP_CID, SmpOpcode } from '@tsble/smp-core';
import type { ConformanceCase } from '../case.js';
import { type Harness, verify, within } from '../case.js';
import type { Iut } from '../iut.js';
import type { LowerTester } from '../lower-tester/link.js';
import { AUTH, hex, KEYS } from '../lower-tester/smp-frames.js';
import { features, type PairScript } from '../lower-tester/smp-peer.js';
import {
  describeReport,
  iutFailed,
  iutPaired,
  type PairingRun,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

/** A's identity: a static random address (two most significant bits 0b11), on-air order. */
const A = Uint8Array.of(0x21, 0x43, 0x65, 0x87, 0xa9, 0xc5);
const A_TEXT = formatAddress({ bytes: A, type: 'random' });
const SC = AUTH.bonding | AUTH.sc;
/**
 * The reported attacker: legacy Just Works, bonding, the attacker distributes IdKey (as initiator against an
 * IUT peripheral: `01 03 00 01 10 02 01`) and the IUT its EncKey.
 */
function legacyAttack(role: Role) {
  // Against an IUT central the attacker is the responder: its own IdKey is in the responder's field.
  const respKeys = role === 'peripheral' ? KEYS.enc : KEYS.enc | KEYS.id;
  return features({ io: 0x03, authReq: AUTH.bonding, initKeys: KEYS.id, respKeys });
}
const SC_ATTACK = features({ authReq: SC, initKeys: KEYS.id, respKeys: KEYS.id });
const ZERO8 = new Uint8Array(8);

type Role = 'central' | 'peripheral';

interface Bonded {
  t: Harness;
  role: Role;
  iut: Iut;
  file: string;
  real: LowerTester;
  /** A's LTK (LE SC: the key the link was encrypted with). */
  ltk: Uint8Array;
  /** A's record in the file, as text, after its own pairing. */
  record: string;
}

/**
 * A's keys as the file holds them (the record's other fields, CCCD state and timestamps, change as GATT
 * state is saved and are not what an attack is after).
 */
function recordIn(file: string): string | undefined {
  const contents = JSON.parse(readFileSync(file, 'utf8')) as {
    bonds: Record<string, Record<string, unknown>>;
  };
  const record = contents.bonds[A_TEXT];
  if (record === undefined) return undefined;
  const { address, peerLtk, localLtk, peerIrk, peerCsrk, localCsrk } = record;
  return JSON.stringify({ address, peerLtk, localLtk, peerIrk, peerCsrk, localCsrk });
}

/** IUT `role` on this air with a bond file of its own; `lt` connects to it or is connected to. */
async function link(iut: Iut, lt: LowerTester, role: Role): Promise<Connection> {
  return role === 'peripheral' ? iut.acceptFrom(lt) : iut.connectTo(lt);
}

function pair(t: Harness, role: Role, iut: Iut, lt: LowerTester, connection: Connection, script: PairScript) {
  const linked = { lt, iut, connection };
  return role === 'peripheral' ? pairAsPeripheral(t, linked, script) : pairAsCentral(t, linked, script);
}

/** A pairs with the IUT (LE SC Just Works, bonding, both identities) and disconnects. */
async function bondRealDevice(t: Harness, role: Role, policy?: BondReplacementPolicy): Promise<Bonded> {
  const file = join(mkdtempSync(join(tmpdir(), 'tsble-takeover-')), 'bonds.json');
  const real = await t.lowerTester('real-device-A');
  await real.useRandomAddress(A);
  const iut = await t.iut({
    bondStore: new FileBondStore(file),
    ...(policy ? { pairing: { bondReplacement: policy } } : {}),
  });
  const connection = await link(iut, real, role);
  const run = await pair(t, role, iut, real, connection, {
    features: SC_ATTACK,
    ltKeys: { irk: randomBytes(16), identity: { type: 1, address: A } },
  });
  verify(
    run.outcome.kind === 'complete' && iutPaired(run.report),
    `A's own pairing: ${run.outcome.kind}; ${describeReport(run.report)}`,
  );
  const ltk = run.outcome.state.key;
  const record = recordIn(file) ?? '';
  verify(ltk && record.includes(hex(ltk)), `A's bond was not stored under ${A_TEXT}`);
  await real.disconnect();
  return { t, role, iut, file, real, ltk, record };
}

/** Every key the attacker's pairing made or received: none may reach the file. */
function attackerKeys(run: PairingRun): string[] {
  const keys: string[] = [];
  const state = run.outcome.state;
  if (state.key) keys.push(hex(state.key));
  for (const pdu of state.iutKeys)
    if (pdu[0] === SmpOpcode.encryptionInformation) keys.push(hex(pdu.subarray(1)));
  for (const value of state.lt.values()) if (value.length === 16) keys.push(hex(value));
  return keys;
}

/** After an attack: A's record unchanged on disk, no attacker key in the file, and A still encrypts. */
async function verifyBondIntact(b: Bonded, run: PairingRun, label: string): Promise<void> {
  const now = recordIn(b.file);
  verify(now === b.record, `${label}: A's bond record changed on disk (${now ?? 'gone'})`);
  const text = readFileSync(b.file, 'utf8');
  const leaked = attackerKeys(run).find((key) => text.includes(key));
  verify(!leaked, `${label}: the attacker's key ${leaked} is in the bond file`);
  await new FileBondStore(b.file).load(); // still a valid bond file
  if (run.lt.connected) await run.lt.disconnect();
  const again = await link(b.iut, b.real, b.role);
  if (b.role === 'peripheral') {
    const told = within(again.next('encrypted'), 2000);
    const result = await b.real.startEncryption(b.ltk, 0, ZERO8);
    await told;
    verify(
      result?.status === 0 && result.enabled,
      `${label}: A could not encrypt from its bond afterwards (0x${result?.status.toString(16)})`,
    );
  } else {
    const encrypting = again.encrypt();
    const request = await b.real.waitLtkRequest(2000);
    verify(request, `${label}: the IUT did not encrypt with A's bond afterwards`);
    await b.real.replyLtk(b.ltk);
    await encrypting;
  }
  verify(again.encrypted, `${label}: the link with A is not encrypted`);
  await b.real.disconnect();
}

interface Attack {
  label: string;
  script: PairScript;
  /** Where the attacker connects from: its own public address, an RPA of its own IRK, or A's address. */
  from: 'other' | 'rpa' | 'same';
  /** The Pairing Failed reasons a correct IUT may send. */
  reasons: number[];
}

async function attack(b: Bonded, a: Attack): Promise<void> {
  const attacker = await b.t.lowerTester(`attacker-${a.from}`);
  const irk = a.script.ltKeys?.irk ?? randomBytes(16);
  if (a.from === 'same') await attacker.useRandomAddress(A);
  if (a.from === 'rpa') await attacker.useRandomAddress(generateRpa(irk));
  const connection = await link(b.iut, attacker, b.role);
  const run = await pair(b.t, b.role, b.iut, attacker, connection, {
    ...a.script,
    ltKeys: { ...a.script.ltKeys, irk, identity: { type: 1, address: A } },
  });
  const o = run.outcome;
  // The initiator's script ends with its last key sent: a responder IUT's Pairing Failed comes after that.
  const late = o.kind === 'complete' ? await attacker.receive(SMP_CID, 1000) : undefined;
  const reason =
    o.kind === 'iut-failed' ? o.reason : late?.[0] === SmpOpcode.pairingFailed ? late[1] : undefined;
  const seen = reason !== undefined ? `Pairing Failed 0x${reason.toString(16)}` : o.kind;
  b.t.note(`${b.role}, ${a.label}: ${seen}`);
  const want = a.reasons.map((r) => `0x${r.toString(16)}`).join(' or ');
  verify(
    reason !== undefined && a.reasons.includes(reason),
    `${b.role}, ${a.label}: want Pairing Failed ${want}; ${seen}; ${describeReport(run.report)}`,
  );
  verify(
    iutFailed(run.report),
    `${b.role}, ${a.label}: the IUT did not report the failure; ${describeReport(run.report)}`,
  );
  await verifyBondIntact(b, run, `${b.role}, ${a.label}`);
}

const INVALID_PARAMETERS = 0x0a;
const UNSPECIFIED = 0x08;
const AUTH_REQUIREMENTS = 0x03;

export const bondAttackCases: ConformanceCase[] = [
  {
    id: 'ATTACK/BOND-TAKEOVER-OTHER-ADDRESS',
    purpose:
      "Another address pairs (legacy, then LE SC Just Works) and claims a bonded device's identity: refused (0x0A) in key distribution, in both roles; the bond file keeps A's keys and A still encrypts",
    async run(t) {
      for (const role of ['peripheral', 'central'] as const) {
        const bonded = await bondRealDevice(t, role);
        await attack(bonded, {
          label: 'legacy Just Works from another address',
          script: { features: legacyAttack(role) },
          from: 'other',
          reasons: [INVALID_PARAMETERS],
        });
        await attack(bonded, {
          label: 'LE SC Just Works (equal strength) from another address',
          script: { features: SC_ATTACK },
          from: 'other',
          reasons: [INVALID_PARAMETERS],
        });
      }
    },
  },
  {
    id: 'ATTACK/BOND-TAKEOVER-RPA',
    purpose:
      'A peer on an RPA of its own IRK claims a bonded identity at equal strength: the stored IRK does not resolve it, refused (0x08), in both roles',
    async run(t) {
      for (const role of ['peripheral', 'central'] as const) {
        const bonded = await bondRealDevice(t, role);
        await attack(bonded, {
          label: 'LE SC Just Works from an RPA of a new IRK',
          script: { features: SC_ATTACK },
          from: 'rpa',
          reasons: [UNSPECIFIED],
        });
      }
    },
  },
  {
    id: 'ATTACK/BOND-TAKEOVER-SAME-ADDRESS',
    purpose:
      "From A's own address: a weaker (legacy) pairing is refused (0x03 at the request, or 0x08), and with bondReplacement 'never' an equal one too (0x08); both roles",
    async run(t) {
      for (const role of ['peripheral', 'central'] as const) {
        const bonded = await bondRealDevice(t, role);
        await attack(bonded, {
          label: "legacy Just Works from A's address",
          script: { features: legacyAttack(role) },
          from: 'same',
          reasons: [AUTH_REQUIREMENTS, UNSPECIFIED],
        });
        const strict = await bondRealDevice(t, role, 'never');
        await attack(strict, {
          label: "LE SC Just Works from A's address, bondReplacement 'never'",
          script: { features: SC_ATTACK },
          from: 'same',
          reasons: [UNSPECIFIED],
        });
      }
    },
  },
  {
    id: 'ATTACK/BOND-REPAIR-SAME-IDENTITY',
    purpose:
      "The default policy ('proven'): A, having lost its keys, pairs again from its own address at equal strength; the new keys replace the bond, bondReplaced names A, and only the new LTK encrypts",
    async run(t) {
      const bonded = await bondRealDevice(t, 'peripheral');
      const connection = await bonded.iut.acceptFrom(bonded.real);
      const replaced = connection.next('bondReplaced');
      const run = await pairAsPeripheral(
        t,
        { lt: bonded.real, iut: bonded.iut, connection },
        {
          features: SC_ATTACK,
          ltKeys: { irk: randomBytes(16), identity: { type: 1, address: A } },
        },
      );
      verify(
        run.outcome.kind === 'complete',
        `re-pairing: ${run.outcome.kind}; ${describeReport(run.report)}`,
      );
      const [identity] = await replaced;
      verify(identity === A_TEXT, `bondReplaced named ${identity}, not ${A_TEXT}`);
      const fresh = run.outcome.state.key;
      verify(fresh && recordIn(bonded.file)?.includes(hex(fresh)), 'the new LTK is not in the bond file');
      verify(!recordIn(bonded.file)?.includes(hex(bonded.ltk)), 'the old LTK is still in the bond file');
      await bonded.real.disconnect();
      await bonded.iut.acceptFrom(bonded.real);
      const old = await bonded.real.startEncryption(bonded.ltk, 0, ZERO8);
      verify(!(old?.status === 0 && old.enabled), 'the replaced LTK still encrypts');
      if (bonded.real.connected) await bonded.real.disconnect();
      await bonded.iut.acceptFrom(bonded.real);
      const now = await bonded.real.startEncryption(fresh, 0, ZERO8);
      verify(
        now?.status === 0 && now.enabled,
        `the new LTK does not encrypt (0x${now?.status.toString(16)})`,
      );
    },
  },
];
