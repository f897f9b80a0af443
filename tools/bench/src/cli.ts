/**
 * The bench command line, separated from main.ts so tests can run it against any suites directory.
 * `--json`: one JSON object per line on stdout; `--filter SUBSTR`: cases whose "suite/case" contains it
 * (their baselines come along); `--quick`: short runs for smoke tests. Exit status 0, 1 (a suite or case
 * failed), 2 (usage).
 */
import { discoverSuites } from './discover.js';
import { formatFootnotes, formatTable, toJsonLine } from './report.js';
import { type CaseResult, defaultRunOptions, quickRunOptions, runSuite } from './runner.js';

export interface BenchArguments {
  json: boolean;
  quick: boolean;
  filter?: string;
}

export const USAGE = 'usage: bench [--json] [--filter SUBSTR] [--quick]';

/** Parsed arguments, or a message saying what is wrong with them. */
export function parseArguments(argv: readonly string[]): BenchArguments | string {
  const parsed: BenchArguments = { json: false, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '--json') parsed.json = true;
    else if (argument === '--quick') parsed.quick = true;
    else if (argument === '--filter') {
      const value = argv[++i];
      if (value === undefined) return '--filter needs a substring';
      parsed.filter = value;
    } else if (argument.startsWith('--filter=')) parsed.filter = argument.slice('--filter='.length);
    else return `unknown argument: ${argument}`;
  }
  return parsed;
}

export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs the bench command; resolves to the exit status. */
export async function runBench(
  argv: readonly string[],
  suitesDirectory: string,
  out: Output,
): Promise<number> {
  const args = parseArguments(argv);
  if (typeof args === 'string') {
    out.stderr(`${args}\n${USAGE}\n`);
    return 2;
  }
  const options = args.quick ? quickRunOptions : defaultRunOptions;
  const discovered = await discoverSuites(suitesDirectory);
  if (discovered.length === 0) out.stderr(`bench: no suites found in ${suitesDirectory}\n`);
  const results: CaseResult[] = [];
  let failures = 0;
  for (const { file, suite, error } of discovered) {
    if (suite === undefined) {
      failures++;
      out.stderr(`bench: skipped suites/${file}: ${error}\n`);
      continue;
    }
    if (!args.json) out.stderr(`bench: running ${suite.name}...\n`);
    const onResult = args.json ? (result: CaseResult) => out.stdout(`${toJsonLine(result)}\n`) : undefined;
    results.push(...(await runSuite(suite, args.filter, options, onResult ? { onResult } : {})));
  }
  failures += results.filter((r) => r.error !== undefined).length;
  if (!args.json) {
    const footnotes = formatFootnotes(results);
    out.stdout(`${formatTable(results)}\n${footnotes === '' ? '' : `\n${footnotes}\n`}`);
  }
  return failures === 0 ? 0 : 1;
}
