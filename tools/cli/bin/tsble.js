#!/usr/bin/env node
// The `tsble` command as npm links it. npm links a bin only if its target exists when `npm ci` runs and makes
// only that target executable, so the target is this committed file rather than dist/main.js, which a fresh
// clone does not have yet and which every rebuild rewrites without the execute bit.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main.js', import.meta.url);
const repository = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

// Status 2, the contract's "usage" status: the command cannot run as invoked and retrying will not help until
// the user runs something first; 1 would claim that an operation was attempted and failed.
function notBuilt(detail) {
  process.stderr.write(`tsble is not built yet${detail}: run npm run build in ${repository}\n`);
  process.exit(2);
}

if (!existsSync(entry)) notBuilt('');
let cli;
try {
  cli = await import(entry.href);
} catch (error) {
  // dist/main.js is there but a package it imports is not built (a build that stopped half-way).
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  notBuilt(` (${error.message.split('\n')[0]})`);
}
process.exit(await cli.main(process.argv.slice(2)));
