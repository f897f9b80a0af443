/**
 * `npm run bench`: runs every discovered suite and prints a table, or with `--json` one JSON object per
 * line. Options: `--filter SUBSTR` (matches "suite/case"; baselines come along), `--quick` (short runs, for
 * smoke tests). Figures are medians over repeated samples; the machine's other load shows in the spread.
 */
import { fileURLToPath } from 'node:url';
import { discoverSuites } from './discover.js';
import { formatTable, toJsonLine } from './report.js';
import { type CaseResult, defaultRunOptions, quickRunOptions, runSuite } from './runner.js';

interface Arguments {
  json: boolean;
  quick: boolean;
  filter?: string;
}

function parseArguments(argv: string[]): Arguments | string {
  const parsed: Arguments = { json: false, quick: false };
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

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\nusage: bench [--json] [--filter SUBSTR] [--quick]\n`);
    return 2;
  }
  const options = args.quick ? quickRunOptions : defaultRunOptions;
  const suitesDirectory = fileURLToPath(new URL('./suites/', import.meta.url));
  const discovered = await discoverSuites(suitesDirectory);
  const results: CaseResult[] = [];
  let failures = 0;
  for (const { file, suite, error } of discovered) {
    if (suite === undefined) {
      failures++;
      process.stderr.write(`bench: skipped suites/${file}: ${error}\n`);
      continue;
    }
    if (!args.json) process.stderr.write(`bench: running ${suite.name}...\n`);
    const suiteResults = await runSuite(suite, args.filter, options, {
      onResult: (result) => {
        if (args.json) process.stdout.write(`${toJsonLine(result)}\n`);
      },
    });
    results.push(...suiteResults);
  }
  failures += results.filter((r) => r.error !== undefined).length;
  if (!args.json) process.stdout.write(`${formatTable(results)}\n`);
  if (discovered.length === 0) process.stderr.write(`bench: no suites found in ${suitesDirectory}\n`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
