// Bundles the CLI for start-up time. `npm run build` runs tsc -b first (type check, declarations, the
// per-file output tests read), then this, which replaces dist/main.js (what bin/tsble.js and
// `node dist/main.js` load) with an esbuild bundle of src/main.ts and every workspace package it uses.
//
// Why (issue 14): unbundled, `tsble info --transport sim` resolved, read and compiled about 200 ES modules
// and 130 CommonJS ones before doing anything, most of a start-up of 3.5x a bare `node -e ""`. Code
// splitting keeps what main.ts imports lazily (each command, the global options and logger) in chunks
// loaded on use, so `tsble --version` and `tsble help` read the entry and its shared chunks only. Native
// addons (serialport, usb) stay outside the bundle: node loads them from node_modules, and only when a
// serial or USB transport is opened.
//
// Then a second bundle for bin/tsble.js, dist/tsble.vm.js, with a V8 code cache beside it (see writeVmBundle).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

// Run in a child node (see writeVmBundle): loads the script as bin/tsble.js does, runs each argv through main,
// and writes what V8 compiled meanwhile.
const MAKE_CACHE = `
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
const { TSBLE_VM_BUNDLE: file, TSBLE_VM_CACHE: cache, TSBLE_VM_RUNS: runs } = process.env;
const script = new Script(readFileSync(file, 'utf8'), { filename: file });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
for (const argv of JSON.parse(runs)) {
  const status = await module.exports.main(argv);
  if (status !== 0) throw new Error('tsble ' + argv.join(' ') + ' ended with status ' + status);
}
writeFileSync(cache, script.createCachedData());
process.exit(0);
`;

const result = await build({
  entryPoints: { main: here('./src/main.ts') },
  outdir: here('./dist'),
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['serialport', 'usb'],
  // Bundled CommonJS packages (pino, commander) call require() for node's built-ins; an ES module has none.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
  // Less to parse on every start; identifiers are kept, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  // Written below, once the whole build has succeeded.
  write: false,
});

// Chunk names carry a content hash, so the previous build's chunks are removed; only now, so that a failed
// build leaves the previous bundle whole.
rmSync(here('./dist/chunks'), { recursive: true, force: true });
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.contents);
}

await writeVmBundle();

/**
 * dist/tsble.vm.js: the same CLI as one CommonJS function expression, which bin/tsble.js compiles with
 * node:vm and the V8 code cache made here, dist/tsble.vm.js.<id>.<node version>-<platform>-<arch>.cache.
 *
 * Why: `tsble info --transport sim` parsed and compiled about 500 KB of chunks on every start (a third of
 * what it added to node's own start-up). Node 22 caches compiled ES modules (module.enableCompileCache); Node
 * 20 has no cache for ES modules, but vm.Script takes V8's `cachedData`. The cache is made by running the
 * bundle once here (`--version`, `help`, `info --transport sim` on the embedded controller, in a temporary
 * directory with a bond file that does not exist, which info only reads), so it holds the code those paths
 * compile. <id> is a hash of the bundle: V8 checks a cache only against its source's length, so a cache
 * from another build must never be found. A node of another version finds no cache and bin/tsble.js imports
 * dist/main.js as before; nothing is written at run time.
 */
async function writeVmBundle() {
  const bundle = here('./dist/tsble.vm.js');
  const vm = await build({
    entryPoints: [here('./src/main.ts')],
    outfile: bundle,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['serialport', 'usb'],
    // serialport and usb are CommonJS: require() them, so the script holds no import() for vm to resolve.
    supported: { 'dynamic-import': false },
    // The one function expression bin/tsble.js calls with (exports, require, module, __filename, __dirname).
    banner: {
      js: "(function (exports, require, module, __filename, __dirname) { 'use strict'; const __bundleUrl = require('node:url').pathToFileURL(__filename).href;",
    },
    footer: { js: '})' },
    define: { 'import.meta.url': '__bundleUrl' },
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    write: false,
  });
  const code = vm.outputFiles[0].text;
  const id = createHash('sha256').update(code).digest('hex').slice(0, 16);
  for (const name of readdirSync(here('./dist'))) {
    if (name.startsWith('tsble.vm.js')) rmSync(here(`./dist/${name}`));
  }
  writeFileSync(bundle, `${code}//# tsble-vm-bundle ${id}\n`);
  const cache = `${bundle}.${id}.${process.version}-${process.platform}-${process.arch}.cache`;
  const cwd = mkdtempSync(join(tmpdir(), 'tsble-build-'));
  try {
    const runs = [
      ['--version'],
      ['help'],
      ['info', '--transport', 'sim', '--bond-store', join(cwd, 'none.json')],
    ];
    const env = {
      ...process.env,
      TSBLE_VM_BUNDLE: bundle,
      TSBLE_VM_CACHE: cache,
      TSBLE_VM_RUNS: JSON.stringify(runs),
    };
    // The V8 flags must be a plain `node`'s, which is when bin/tsble.js uses the cache.
    delete env.NODE_OPTIONS;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', MAKE_CACHE], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`making the code cache of ${bundle} failed: ${child.stderr}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
