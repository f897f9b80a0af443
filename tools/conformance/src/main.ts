/** `node tools/conformance/dist/main.js`: runs the suite (or the randomized / crash-safety runs) and reports. */
import { writeFile } from 'node:fs/promises';
import { runCrashSafety } from './bond-crash/crash-run.js';
import { ALL_CASES } from './cases/index.js';
import { type CliOptions, parseArguments, USAGE, UsageError } from './cli.js';
import { runFuzz } from './fuzz/fuzz.js';
import {
  HOSTILE_CASES,
  runHostileCases,
  runHostileFuzz,
  selectHostileCases,
} from './hostile-controller/index.js';
import { buildReport, formatHeader, formatRow, formatSummary } from './report.js';
import { type CaseResult, runCases, selectCases } from './runner.js';

const color = process.stdout.isTTY === true;

async function runSuite(options: CliOptions): Promise<number> {
  const selected = selectCases(ALL_CASES, options);
  if (selected.length === 0) {
    process.stderr.write(`no case matches ${options.filter.join(', ')}\n`);
    return 2;
  }
  const long = selected.filter((c) => c.long).length;
  process.stdout.write(
    `tsble conformance: ${selected.length} cases${long ? ` (${long} long ones run in real time alongside the rest)` : ''}\n\n${formatHeader()}\n`,
  );
  const started = new Date();
  const t0 = performance.now();
  const results = await runCases(selected, {
    onResult: (r) => process.stdout.write(`${formatRow(r, color)}\n`),
  });
  const report = buildReport(results, started, performance.now() - t0);
  process.stdout.write(`\n${formatSummary(report)}\n`);
  if (report.totals.fail)
    process.stdout.write(
      `failed: ${results
        .filter((r) => r.verdict === 'FAIL')
        .map((r) => r.id)
        .join(', ')}\n`,
    );
  if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.totals.fail ? 1 : 0;
}

async function fuzz(options: CliOptions): Promise<number> {
  process.stdout.write(
    `randomized run: seed ${options.seed}, ${options.seconds} s (replay with --fuzz --seed ${options.seed} --seconds ${options.seconds})\n`,
  );
  const stats = await runFuzz({
    seed: options.seed,
    seconds: options.seconds,
    onProgress: (s) =>
      process.stdout.write(
        `  ${s.iterations} steps, ${s.pairings.completed + s.pairings.failed} pairings, ${s.reconnects} links, ${s.unhandled.length} unhandled\n`,
      ),
  });
  process.stdout.write(`${JSON.stringify(stats, null, 2)}\n${stats.ok ? 'PASS' : 'FAIL'}\n`);
  if (options.json) await writeFile(options.json, `${JSON.stringify(stats, null, 2)}\n`);
  return stats.ok ? 0 : 1;
}

async function bondCrash(options: CliOptions): Promise<number> {
  process.stdout.write(`bond store crash safety: ${options.kills} SIGKILLs, seed ${options.seed}\n`);
  const result = await runCrashSafety({
    kills: options.kills,
    seed: options.seed,
    onProgress: (n) => n % 50 === 0 && process.stdout.write(`  ${n} kills\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n${result.ok ? 'PASS' : 'FAIL'}\n`);
  if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return result.ok ? 0 : 1;
}

async function hostile(options: CliOptions): Promise<number> {
  const selected = selectHostileCases(HOSTILE_CASES, options.filter);
  if (selected.length === 0) {
    process.stderr.write(`no hostile-controller case matches ${options.filter.join(', ')}\n`);
    return 2;
  }
  process.stdout.write(
    `tsble hostile-controller suite: ${selected.length} cases, each against a misbehaving controller on a unix socket\n\n`,
  );
  const started = new Date();
  const t0 = performance.now();
  const results = await runHostileCases(selected, {
    onResult: (r) => process.stdout.write(`${formatHostileRow(r)}\n`),
  });
  const report = buildReport(results, started, performance.now() - t0);
  process.stdout.write(`\n${formatSummary(report)}\n`);
  if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.totals.fail ? 1 : 0;
}

/** One line per case: the IDs are longer than the SIG ones, and the purpose says the expected outcome. */
function formatHostileRow(result: CaseResult): string {
  const verdict = color
    ? `\u001b[${result.verdict === 'PASS' ? 32 : 31}m${result.verdict}\u001b[0m`
    : result.verdict;
  const time = result.ms >= 1000 ? `${(result.ms / 1000).toFixed(1)} s` : `${result.ms} ms`;
  const line = `${result.id.padEnd(62)} ${verdict} ${time.padStart(8)}  ${result.purpose}`;
  return result.message ? `${line}\n${' '.repeat(63)}↳ ${result.message}` : line;
}

async function hostileFuzz(options: CliOptions): Promise<number> {
  process.stdout.write(
    `hostile-controller randomized run: seed ${options.seed}, ${options.seconds} s (replay with --hostile-fuzz --seed ${options.seed} --seconds ${options.seconds})\n`,
  );
  const stats = await runHostileFuzz({
    seed: options.seed,
    seconds: options.seconds,
    onProgress: (s) =>
      process.stdout.write(
        `  ${s.injected} packets, ${s.attChecks} ATT checks (${s.attFailures} unanswered), ${s.invented.length} invented\n`,
      ),
  });
  process.stdout.write(`${JSON.stringify(stats, null, 2)}\n${stats.ok ? 'PASS' : 'FAIL'}\n`);
  if (options.json) await writeFile(options.json, `${JSON.stringify(stats, null, 2)}\n`);
  return stats.ok ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  switch (options.mode) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'list':
      for (const c of selectCases(ALL_CASES, options))
        process.stdout.write(`${c.id.padEnd(38)} ${c.long ? '[long] ' : ''}${c.purpose}\n`);
      return 0;
    case 'fuzz':
      return fuzz(options);
    case 'bond-crash':
      return bondCrash(options);
    case 'hostile':
      return hostile(options);
    case 'hostile-fuzz':
      return hostileFuzz(options);
    default:
      return runSuite(options);
  }
}

process.exitCode = await main(process.argv.slice(2));
