#!/usr/bin/env node
// `npm test`: builds what the tests need and runs every workspace's tests through turbo, then reads each
// workspace's Vitest JSON report and prints one plain summary line, `N passed, N failed`, which CI reads.
import { spawnSync } from 'node:child_process';
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

// Formatting and lint (Biome) are part of the test run: a change that breaks them fails like a failing test.
const lint = spawnSync('npx', ['biome', 'check', '.'], { cwd: root, stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const ws of workspaces) {
  const file = join(ws, '.test-results.json');
  if (!existsSync(file)) {
    missing.push(ws.slice(root.length));
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
if (run.status !== 0 && failed === 0) failed = 1; // the build or a runner itself failed
if (lint.status !== 0) {
  console.log('biome check failed (npm run format fixes formatting)');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
