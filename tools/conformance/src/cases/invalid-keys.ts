/**
 * Invalid public keys in LE SC (SM.TS 1.7 Table 4.6: SM/xxx/KDU/BI-01-C and BI-04-C; CVE-2018-5383 and the
 * CVE-2020-26558 reflected-X variant). Each round runs on a fresh IUT so that Repeated Attempts back-off from
 * the previous round does not hide the behaviour under test.
 */
import type { P256PublicKey } from '@tsble/smp-core';
import { type Harness, verify } from '../case.js';
import { AUTH } from '../lower-tester/smp-frames.js';
import { features, type PairOutcome } from '../lower-tester/smp-peer.js';
import {
  describeReport,
  iutPaired,
  linkCentral,
  linkPeripheral,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;

function toBig(onAir: Uint8Array): bigint {
  let value = 0n;
  for (let i = onAir.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(onAir[i]!);
  return value;
}

function fromBig(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

export interface InvalidKeyRound {
  name: string;
  key: (own: P256PublicKey, iut: P256PublicKey | undefined) => P256PublicKey;
  /** The LT's DHKey: zero, or (undefined) computed from its private key and the IUT's key. */
  zeroDhKey: boolean;
  /** Needs the IUT's key first (the LT is the responder). */
  centralOnly?: boolean;
}

export const INVALID_KEY_ROUNDS: InvalidKeyRound[] = [
  { name: 'y = 0, DHKey 0', key: (own) => ({ x: own.x, y: new Uint8Array(32) }), zeroDhKey: true },
  { name: 'y = 0, computed DHKey', key: (own) => ({ x: own.x, y: new Uint8Array(32) }), zeroDhKey: false },
  {
    name: 'one bit of y flipped',
    key: (own) => {
      const y = own.y.slice();
      y[0]! ^= 0x01;
      return { x: own.x, y };
    },
    zeroDhKey: false,
  },
  {
    name: 'point (0, 0), DHKey 0',
    key: () => ({ x: new Uint8Array(32), y: new Uint8Array(32) }),
    zeroDhKey: true,
  },
  {
    name: "the IUT's own X coordinate (the point -Q)",
    key: (_own, iut) => ({ x: iut!.x.slice(), y: fromBig(P - toBig(iut!.y)) }),
    zeroDhKey: true,
    centralOnly: true,
  },
];

/** One round on a fresh IUT in `role`; returns what the LT saw and whether the IUT reported success. */
export async function invalidKeyRound(
  t: Harness,
  role: 'central' | 'peripheral',
  round: InvalidKeyRound,
): Promise<{ outcome: PairOutcome; paired: boolean; report: string }> {
  const script = {
    features: features({ authReq: AUTH.bonding | AUTH.sc }),
    sendPublicKey: round.key,
    ...(round.zeroDhKey ? { dhKey: new Uint8Array(32) } : {}),
  };
  const run =
    role === 'central'
      ? await pairAsCentral(t, await linkCentral(t), script)
      : await pairAsPeripheral(t, await linkPeripheral(t), script);
  return {
    outcome: run.outcome,
    paired: iutPaired(run.report) || run.outcome.kind === 'complete',
    report: describeReport(run.report),
  };
}

/** BI-01: the pairing must never complete after an invalid key (any failure reason). */
export async function neverCompletes(t: Harness, role: 'central' | 'peripheral'): Promise<void> {
  for (const round of INVALID_KEY_ROUNDS.filter((r) => !r.centralOnly)) {
    const result = await invalidKeyRound(t, role, round);
    t.note(
      `${round.name}: ${result.outcome.kind === 'iut-failed' ? `0x${result.outcome.reason.toString(16)} at ${result.outcome.at}` : result.outcome.kind}`,
    );
    verify(!result.paired, `round "${round.name}": the pairing completed (${result.report})`);
  }
}

/** BI-04: Pairing Failed 0x0B DHKey Check Failed, on the invalid key or right after the public-key exchange. */
export async function failsWithDhKeyCheck(
  t: Harness,
  role: 'central' | 'peripheral',
  rounds = INVALID_KEY_ROUNDS,
): Promise<void> {
  for (const round of rounds.filter((r) => role === 'central' || !r.centralOnly)) {
    const result = await invalidKeyRound(t, role, round);
    const o = result.outcome;
    t.note(`${round.name}: ${o.kind === 'iut-failed' ? `0x${o.reason.toString(16)} at ${o.at}` : o.kind}`);
    const early = o.kind === 'iut-failed' && ['public-key', 'confirm', 'random'].includes(o.at);
    verify(
      o.kind === 'iut-failed' && o.reason === 0x0b && early,
      `round "${round.name}": ${o.kind === 'iut-failed' ? `Pairing Failed 0x${o.reason.toString(16)} at ${o.at}` : o.kind}; ${result.report}`,
    );
  }
}
