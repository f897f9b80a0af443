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
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

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
