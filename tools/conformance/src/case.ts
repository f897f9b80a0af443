/**
 * What a conformance case is, and the harness it runs in: a fresh air, a lower tester and an IUT per case,
 * torn down afterwards whatever happened. A case passes when `run` resolves; `verify` failures carry the
 * message the report shows.
 */
import { hexNumber } from '@tsble/base';
import { VirtualAir } from '@tsble/virtual-controller';
import { Iut, type IutOptions } from './iut.js';
import { LowerTester } from './lower-tester/link.js';
import { describeOutcome, type PairOutcome, type PairScript, SmpPeer } from './lower-tester/smp-peer.js';

export interface ConformanceCase {
  /** The SIG test-case ID (SM/CEN/JW/BV-01-C) or a descriptive attack ID (ATTACK/ZERO-LTK). */
  id: string;
  purpose: string;
  /** Needs real time (the 30 s SMP timeout): runs in parallel with the rest, and only when long cases are on. */
  long?: boolean;
  run(t: Harness): Promise<void>;
}

/** A verdict failure: the case ran and the IUT did the wrong thing (or the LT could not make it act). */
export class Verdict extends Error {
  override readonly name = 'Verdict';
}

export function verify(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Verdict(message);
}

/** A promise's outcome without throwing (IUT API calls that may reject). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Waits until `promise` settles or `ms` pass; undefined means it did not settle in time. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<Settled<T> | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const result = await Promise.race([settle(promise), late]);
  clearTimeout(timer);
  return result;
}

/**
 * Runs a case's work within `limitMs`: undefined when it finished, else what the report shows (a verdict's
 * message, a thrown error named as one, or `late` when it ran out of time).
 */
export async function caseOutcome(
  work: Promise<void>,
  limitMs: number,
  late: string,
): Promise<string | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Verdict(late)), limitMs);
  });
  try {
    await Promise.race([work, timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Verdict
      ? error.message
      : `error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The time the IUT's SMP timer and Repeated Attempts back-off see. The host reads `performance.now()` and
 * ticks with `setInterval`; the real clock waits for real, while a test runner that fakes those two (Vitest's
 * fake timers) passes a clock whose `sleep` advances them, so 30 s timeouts take milliseconds.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => performance.now(), sleep };

/** Lets `clock` run until `promise` settles (checked every `stepMs`) or `ms` pass; undefined if it did not settle. */
export async function settleWithin<T>(
  promise: Promise<T>,
  clock: Clock,
  ms: number,
  stepMs = 250,
): Promise<Settled<T> | undefined> {
  let result: Settled<T> | undefined;
  void settle(promise).then((value) => {
    result = value;
  });
  const start = clock.now();
  await Promise.resolve();
  while (result === undefined && clock.now() - start < ms) {
    await clock.sleep(stepMs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return result;
}

export class Harness {
  readonly air = new VirtualAir();

  constructor(readonly clock: Clock = realClock) {}

  readonly notes: string[] = [];
  private readonly cleanups: (() => Promise<void>)[] = [];

  /** A lower tester on this case's air. */
  async lowerTester(name?: string): Promise<LowerTester> {
    const lt = await LowerTester.open(this.air, name);
    this.cleanups.push(() => lt.close());
    return lt;
  }

  /** An IUT on this case's air. */
  async iut(options: IutOptions = {}): Promise<Iut> {
    const iut = await Iut.open(this.air, options);
    this.cleanups.push(() => iut.close());
    return iut;
  }

  /** Runs the LT's scripted pairing on its current link. */
  pair(lt: LowerTester, script: PairScript): Promise<PairOutcome> {
    return new SmpPeer(lt, script).run();
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** A pairing outcome must be of `kind` (and reason, when given). */
  expectOutcome(outcome: PairOutcome, kind: PairOutcome['kind'], reason?: number): void {
    const reasonOk = reason === undefined || (outcome.kind === 'iut-failed' && outcome.reason === reason);
    verify(
      outcome.kind === kind && reasonOk,
      `expected ${kind}${reason !== undefined ? ` ${hexNumber(reason)}` : ''}; ${describeOutcome(outcome)}`,
    );
  }

  async dispose(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
    this.air.close();
  }
}
