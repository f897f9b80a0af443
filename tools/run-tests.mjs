#!/usr/bin/env node
// `npm test`: builds what the tests need and runs every workspace's tests through turbo, then reads each
// workspace's Vitest JSON report (and those of the host and conformance suites run again on 30 ms connection
// events) and prints one plain summary line, `N passed, N failed`, which CI reads.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['packages', 'tools'].flatMap((dir) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, dir, d.name, 'package.json')))
    .map((d) => join(root, dir, d.name)),
);
for (const ws of workspaces) rmSync(join(ws, '.test-results.json'), { force: true });

const run = spawnSync(
  'npx',
  ['turbo', 'run', 'test', '--continue', '--force', '--concurrency=2', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

// The stack suites again with links on 30 ms connection events, as a dongle's are (the virtual controller's timing
// model; every other run is instant): the host's tests and the conformance cases side by side, then the CLI's
// (its processes and their `tsble sim` children inherit the setting).
const TIMED = [
  ['packages/host', []],
  ['tools/conformance', ['src/conformance.test.ts']],
  ['tools/cli', []],
];
for (const [ws] of TIMED) rmSync(join(root, ws, '.test-results-30ms.json'), { force: true });
const timedRun = ([ws, files]) =>
  new Promise((resolve) => {
    const child = spawn(
      'npx',
      [
        'vitest',
        'run',
        ...files,
        '--reporter=dot',
        '--reporter=json',
        '--outputFile=.test-results-30ms.json',
      ],
      { cwd: join(root, ws), stdio: 'inherit', env: { ...process.env, TSBLE_SIM_INTERVAL_MS: '30' } },
    );
    child.on('close', (code) => resolve(code));
  });
console.log('\nhost, conformance and CLI suites again on 30 ms connection events (TSBLE_SIM_INTERVAL_MS=30)');
const timedCodes = [...(await Promise.all(TIMED.slice(0, 2).map(timedRun))), await timedRun(TIMED[2])];

// Formatting and lint (Biome) are part of the test run: a change that breaks them fails like a failing test.
const lint = spawnSync('npx', ['biome', 'check', '.'], { cwd: root, stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const reports = [
  ...workspaces.map((ws) => join(ws, '.test-results.json')),
  ...TIMED.map(([ws]) => join(root, ws, '.test-results-30ms.json')),
];
for (const file of reports) {
  if (!existsSync(file)) {
    missing.push(file.slice(root.length));
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // A suite that failed to load (syntax error, missing import) counts as a failure even with no test in it.
  failed += report.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
}
if (missing.length > 0) console.log(`no test report from: ${missing.join(', ')}`);
if ((run.status !== 0 || timedCodes.some((code) => code !== 0)) && failed === 0) failed = 1; // a runner itself failed
if (lint.status !== 0) {
  console.log('biome check failed (npm run format fixes formatting)');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
