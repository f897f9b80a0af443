/**
 * Property tests: random and mutated PDU sequences against both roles. A session never throws or rejects,
 * never hands out or stores a key after failing, and always ends up not pairing (completed, failed or
 * timed out) once the SMP timeout has passed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairInMemory } from '../../examples/in-memory-link.js';
import { makeCentral, makePeripheral } from '../../examples/peers.test-support.js';
import { type IoCapability, SMP_TIMEOUT_MS } from '../constants.js';
import type { PairingSession } from './session.js';
import type { PairingAction } from './types.js';

const KEY_ACTIONS = new Set<PairingAction['type']>([
  'keys',
  'complete',
  'ltk-reply',
  'start-encryption',
  'link-encrypted',
]);

/** No key-bearing action after a failure (the sequences here never start a second pairing that could succeed). */
function noKeysAfterFailure(actions: PairingAction[]): boolean {
  const failedAt = actions.findIndex((a) => a.type === 'failed');
  return failedAt < 0 || actions.slice(failedAt).every((a) => !KEY_ACTIONS.has(a.type));
}

// PDUs: mostly valid opcodes with plausible lengths, sometimes anything at all.
const lengths: Record<number, number> = {
  1: 7,
  2: 7,
  3: 17,
  4: 17,
  5: 2,
  6: 17,
  7: 11,
  8: 17,
  9: 8,
  10: 17,
  11: 2,
  12: 65,
  13: 17,
  14: 2,
};
const plausiblePdu = fc
  .integer({ min: 1, max: 14 })
  .chain((op) =>
    fc
      .uint8Array({ minLength: (lengths[op] ?? 1) - 1, maxLength: (lengths[op] ?? 1) - 1 })
      .map((rest) => Uint8Array.of(op, ...rest)),
  );
const anyPdu = fc.oneof(
  { weight: 4, arbitrary: plausiblePdu },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 70 }) },
);

type Input =
  | { kind: 'pdu'; pdu: Uint8Array }
  | { kind: 'passkey'; value: number | null }
  | { kind: 'numeric'; match: boolean }
  | { kind: 'accept'; yes: boolean }
  | { kind: 'encrypted' }
  | { kind: 'encryption-failed' }
  | { kind: 'keypress'; type: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'start' }
  | { kind: 'security' };

const input: fc.Arbitrary<Input> = fc.oneof(
  { weight: 8, arbitrary: anyPdu.map((pdu) => ({ kind: 'pdu' as const, pdu })) },
  fc
    .option(fc.integer({ min: -5, max: 1_200_000 }), { nil: null })
    .map((value) => ({ kind: 'passkey' as const, value })),
  fc.boolean().map((match) => ({ kind: 'numeric' as const, match })),
  fc.boolean().map((yes) => ({ kind: 'accept' as const, yes })),
  fc.constant({ kind: 'encrypted' as const }),
  fc.constant({ kind: 'encryption-failed' as const }),
  fc.integer({ min: 0, max: 6 }).map((type) => ({ kind: 'keypress' as const, type })),
  fc.integer({ min: 0, max: 40_000 }).map((ms) => ({ kind: 'tick' as const, ms })),
  fc.constant({ kind: 'start' as const }),
  fc.constant({ kind: 'security' as const }),
);

async function feed(session: PairingSession, now: number, i: Input): Promise<PairingAction[]> {
  switch (i.kind) {
    case 'pdu':
      return session.receive(i.pdu, now);
    case 'passkey':
      return session.passkeyEntered(i.value, now);
    case 'numeric':
      return session.numericComparisonAnswered(i.match, now);
    case 'accept':
      return session.acceptPairing(i.yes, now);
    case 'encrypted':
      return session.encryptionChanged(now);
    case 'encryption-failed':
      return session.encryptionFailed(now, 0x06);
    case 'keypress':
      return session.keypress(i.type as 0, now);
    case 'tick':
      return session.tick(now);
    case 'start':
      return session.start(now);
    case 'security':
      return session.requestSecurity(now);
  }
}

const configArb = fc.record({
  sc: fc.boolean(),
  mitm: fc.boolean(),
  keypress: fc.boolean(),
  askToAccept: fc.boolean(),
  io: fc.constantFrom(0, 1, 2, 3, 4).map((n) => n as IoCapability),
});

describe('random PDU sequences', () => {
  for (const role of ['central', 'peripheral'] as const) {
    it(`${role}: never throws, never leaks keys, always ends not pairing`, async () => {
      await fc.assert(
        fc.asyncProperty(configArb, fc.array(input, { maxLength: 40 }), async (config, inputs) => {
          const session = role === 'central' ? makeCentral(config) : makePeripheral(config);
          const all: PairingAction[] = [];
          let now = 0;
          for (const i of inputs) {
            if (i.kind === 'tick') now += i.ms;
            all.push(...(await feed(session, now, i)));
          }
          all.push(...(await session.tick(now + SMP_TIMEOUT_MS)));
          expect(session.pairing).toBe(false);
          // Random bytes never pass a confirm or DHKey check, so no key may ever come out.
          expect(all.filter((a) => KEY_ACTIONS.has(a.type))).toEqual([]);
          expect(noKeysAfterFailure(all)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }
});

type Mutation =
  | { kind: 'keep' }
  | { kind: 'drop' }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; to: number }
  | { kind: 'replace'; pdu: Uint8Array };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'keep' as const }) },
  fc.constant({ kind: 'drop' as const }),
  fc
    .record({ at: fc.nat(80), bit: fc.integer({ min: 0, max: 7 }) })
    .map((m) => ({ kind: 'flip' as const, ...m })),
  fc.nat(70).map((to) => ({ kind: 'truncate' as const, to })),
  plausiblePdu.map((pdu) => ({ kind: 'replace' as const, pdu })),
);

function apply(m: Mutation | undefined, pdu: Uint8Array): Uint8Array | undefined {
  if (!m || m.kind === 'keep') return pdu;
  if (m.kind === 'drop') return undefined;
  if (m.kind === 'truncate') return pdu.slice(0, m.to);
  if (m.kind === 'replace') return m.pdu;
  const out = pdu.slice();
  const at = m.at % out.length;
  out[at] = (out[at] ?? 0) ^ (1 << m.bit);
  return out;
}

describe('mutated real pairings', () => {
  it('both roles: never throw, no keys after failure, equal keys whenever both complete', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb,
        configArb,
        fc.array(mutation, { minLength: 1, maxLength: 40 }),
        async (cConfig, pConfig, plan) => {
          let n = 0;
          const central = makeCentral(cConfig);
          const peripheral = makePeripheral(pConfig);
          const result = await pairInMemory({
            central,
            peripheral,
            sharedPasskey: 4321,
            tamper: (_side, pdu) => apply(plan[n++], pdu),
          });
          for (const [session, record] of [
            [central, result.central],
            [peripheral, result.peripheral],
          ] as const) {
            record.actions.push(...(await session.tick(10 * SMP_TIMEOUT_MS)));
            expect(session.pairing).toBe(false);
            expect(noKeysAfterFailure(record.actions)).toBe(true);
          }
          if (result.central.complete && result.peripheral.complete) {
            expect(result.central.encryptionKey).toEqual(result.peripheral.encryptionKey);
            // Distributed legacy keys travel on the encrypted link, which in reality stops in-flight edits
            // (the MIC); the LE SC LTK is derived, so it must agree whatever happened afterwards.
            if (result.central.complete.sc) {
              expect(result.central.complete.keys.peerLtk).toEqual(result.peripheral.complete.keys.localLtk);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
