/**
 * `npm run bench` (node tools/bench/dist/main.js): runs every suite compiled into dist/suites/ and prints a
 * table of medians, or with `--json` one JSON object per line. See cli.ts for the options.
 */
import { fileURLToPath } from 'node:url';
import { runBench } from './cli.js';
import { exposeGc } from './gc.js';

// Memory figures are taken after a full collection: make `gc` available to every suite.
exposeGc();

process.exitCode = await runBench(
  process.argv.slice(2),
  fileURLToPath(new URL('./suites/', import.meta.url)),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
);
