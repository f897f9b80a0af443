#!/usr/bin/env node
// The `tsble` command as npm links it. npm links a bin only if its target exists when `npm ci` runs and makes
// only that target executable, so the target is this committed file rather than dist/main.js, which a fresh
// clone does not have yet and which every rebuild rewrites without the execute bit.
//
// CommonJS (bin/package.json), unlike the rest of the package: an ES module entry would start node's ES module
// loader, about 8 ms of every start, which the code-cached bundle below does not need.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const dist = join(__dirname, '..', 'dist');
const entry = join(dist, 'main.js');
const repository = resolve(__dirname, '..', '..', '..');

// Status 2, the contract's "usage" status: the command cannot run as invoked and retrying will not help until
// the user runs something first; 1 would claim that an operation was attempted and failed.
function notBuilt(detail) {
  process.stderr.write(`tsble is not built yet${detail}: run npm run build in ${repository}\n`);
  process.exit(2);
}

/**
 * The CLI from dist/tsble.vm.js compiled with the V8 code cache the build made for this node (see
 * tools/cli/build.mjs: Node 20 has no compile cache for ES modules), or undefined when there is none: another
 * node version, or node flags (NODE_OPTIONS, --import, ...), with which V8 could refuse the cache and which may
 * expect ES modules. Then dist/main.js is imported as usual.
 */
function cachedCli() {
  if (process.execArgv.length > 0 || process.env.NODE_OPTIONS) return undefined;
  const file = join(dist, 'tsble.vm.js');
  let source;
  let cachedData;
  try {
    source = readFileSync(file, 'utf8');
    const marker = '//# tsble-vm-bundle ';
    const id = source.slice(source.lastIndexOf(marker) + marker.length).trim();
    cachedData = readFileSync(`${file}.${id}.${process.version}-${process.platform}-${process.arch}.cache`);
  } catch {
    return undefined;
  }
  const script = new Script(source, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

async function load() {
  if (!existsSync(entry)) notBuilt('');
  const cli = cachedCli();
  if (cli !== undefined) return cli;
  try {
    return await import(pathToFileURL(entry).href);
  } catch (error) {
    // dist/main.js is there but a package it imports is not built (a build that stopped half-way).
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    notBuilt(` (${error.message.split('\n')[0]})`);
  }
}

load()
  .then((cli) => cli.main(process.argv.slice(2)))
  .then((status) => process.exit(status));
