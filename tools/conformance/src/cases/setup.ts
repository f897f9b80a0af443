/**
 * Set-ups most cases share: an IUT and an LT connected in the roles a case names, and one pairing run from
 * both ends at once (the IUT through its public API, the LT from its script), with what each side saw.
 */
import { hexNumber } from '@tsble/base';
import type { Connection, PairingError, PairingResult, PairOptions } from '@tsble/host';
import { type Clock, type Harness, type Settled, settle, within } from '../case.js';
import type { Iut, IutOptions } from '../iut.js';
import type { LowerTester } from '../lower-tester/link.js';
import type { PairOutcome, PairScript } from '../lower-tester/smp-peer.js';

export interface Linked {
  lt: LowerTester;
  iut: Iut;
  connection: Connection;
}

/** IUT central ("CEN" cases): the LT advertises and the IUT connects. */
export async function linkCentral(t: Harness, options: IutOptions = {}): Promise<Linked> {
  const lt = await t.lowerTester();
  const iut = await t.iut(options);
  return { lt, iut, connection: await iut.connectTo(lt) };
}

/** IUT peripheral ("PER" cases): the IUT advertises and the LT connects. */
export async function linkPeripheral(t: Harness, options: IutOptions = {}): Promise<Linked> {
  const lt = await t.lowerTester();
  const iut = await t.iut(options);
  return { lt, iut, connection: await iut.acceptFrom(lt) };
}

/** What the IUT reported for one pairing: its result, its PairingError, or nothing in time. */
export type IutReport = { paired: PairingResult } | { failed: PairingError } | { silent: true };

export function describeReport(report: IutReport): string {
  if ('paired' in report)
    return `the IUT reported success (${report.paired.method}, sc ${report.paired.sc}, key size ${report.paired.keySize})`;
  if ('failed' in report)
    return `the IUT reported failure ${hexNumber(report.failed.reason)} (${report.failed.message})`;
  return 'the IUT reported nothing';
}

/** The next pairing report of a connection, however long it takes. */
export function reportPromise(connection: Connection): Promise<IutReport> {
  const paired = connection.next('paired').then(([result]) => ({ paired: result }) as IutReport);
  const failed = connection.next('pairingFailed').then(([error]) => ({ failed: error }) as IutReport);
  return Promise.race([paired, failed]);
}

/** The next pairing report of a connection (peripheral side, where nobody called pair()). */
export async function nextReport(connection: Connection, ms = 3000): Promise<IutReport> {
  const outcome = await within(reportPromise(connection), ms);
  return outcome?.ok ? outcome.value : { silent: true };
}

function reportOf(settled: Settled<PairingResult> | undefined): IutReport {
  if (!settled) return { silent: true };
  if (settled.ok) return { paired: settled.value };
  return { failed: settled.error as PairingError };
}

export interface PairingRun extends Linked {
  outcome: PairOutcome;
  report: IutReport;
}

/** IUT central: `connection.pair(options)` against the LT's scripted responder. */
export async function pairAsCentral(
  t: Harness,
  linked: Linked,
  script: PairScript,
  options: PairOptions = {},
  ms = 4000,
): Promise<PairingRun> {
  const iutSide = settle(linked.connection.pair(options));
  const outcome = await t.pair(linked.lt, script);
  const report = reportOf(
    await within(
      iutSide.then((s) => (s.ok ? Promise.resolve(s.value) : Promise.reject(s.error))),
      ms,
    ),
  );
  return { ...linked, outcome, report };
}

/** IUT peripheral: the LT's scripted initiator pairs with the IUT, which answers from its host options. */
export async function pairAsPeripheral(
  t: Harness,
  linked: Linked,
  script: PairScript,
  ms = 4000,
): Promise<PairingRun> {
  const iutSide = nextReport(linked.connection, ms);
  const outcome = await t.pair(linked.lt, script);
  return { ...linked, outcome, report: await iutSide };
}

export function iutPaired(report: IutReport): report is { paired: PairingResult } {
  return 'paired' in report;
}

export function iutFailed(report: IutReport): report is { failed: PairingError } {
  return 'failed' in report;
}

/**
 * IUT central: one `pair()` that reaches the air. The IUT backs off after failures (Repeated Attempts,
 * Vol 3 Part H 2.3.6) and refuses to start early with its own 0x09; this retries until a Pairing Request
 * goes out, and returns how long the IUT made it wait.
 */
export async function pairWhenAllowed(
  linked: Linked,
  clock: Clock,
  options: PairOptions = {},
  limitMs = 40_000,
): Promise<{ pairing: Promise<Settled<PairingResult>>; request: Uint8Array; waitedMs: number }> {
  const started = clock.now();
  for (;;) {
    const pairing = settle(linked.connection.pair(options));
    const early = await within(pairing, 20);
    const error = early?.ok && !early.value.ok ? (early.value.error as PairingError) : undefined;
    if (error) {
      const refusedForNow = error.reason === 0x09 && !error.byPeer;
      if (!refusedForNow || clock.now() - started > limitMs)
        throw new Error(`the IUT refused to pair: ${String(error)}`);
      await clock.sleep(250);
      continue;
    }
    const request = await linked.lt.receive(0x0006, 1000);
    if (!request) throw new Error('the IUT sent no Pairing Request');
    return { pairing, request, waitedMs: clock.now() - started };
  }
}

/** IUT peripheral: the LT's Pairing Request, repeated while the IUT answers Repeated Attempts (0x09). */
export async function requestWhenAllowed(
  linked: Linked,
  clock: Clock,
  preq: Uint8Array,
  limitMs = 40_000,
): Promise<{ reply: Uint8Array | undefined; waitedMs: number }> {
  const started = clock.now();
  for (;;) {
    await linked.lt.sendFrame(0x0006, preq);
    const reply = await linked.lt.receive(0x0006, 2000);
    if (!(reply?.[0] === 0x05 && reply[1] === 0x09) || clock.now() - started > limitMs)
      return { reply, waitedMs: clock.now() - started };
    await clock.sleep(500);
  }
}
