/**
 * What a fresh `tsble` process loads, as the CLI start-up figures depend on it. A plain `node bin/tsble.js`
 * compiles dist/tsble.vm.js, the whole CLI in one script, with the V8 code cache the build made for this node
 * (tools/cli/build.mjs). With node flags (here --import, for the load hook) it imports the ES module bundle
 * instead, dist/main.js and its chunks: a command reads its entry and chunks and nothing from the workspace
 * packages or node_modules, and `--version` reads the entry and its shared chunks, no command's code. Seen
 * from inside the process: an ES module load hook prints every module it loads, NODE_DEBUG=module every
 * CommonJS one.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TSBLE_BIN } from './timed-process.js';

const run = promisify(execFile);
const cliRoot = fileURLToPath(new URL('../../../cli/', import.meta.url));

const hooks = `export async function load(url, context, next) {
  process.stderr.write('ESM ' + url + '\\n');
  return next(url, context);
}`;
const registerHooks = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;

/** The files (not node: built-ins) a `tsble ...args` process loads, ES modules and CommonJS alike. */
async function loadedFiles(args: string[]): Promise<string[]> {
  const { stderr } = await run(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(registerHooks)}`, TSBLE_BIN, ...args],
    { env: { ...process.env, NODE_DEBUG: 'module' } },
  );
  const esm = [...stderr.matchAll(/^ESM (file:\S+)$/gm)].map((m) => fileURLToPath(m[1]!));
  // NODE_DEBUG=module: `MODULE 123: load "/path/file.js" for module "..."`
  const commonJs = [...stderr.matchAll(/load "(\/[^"]+)" for module/g)].map((m) => m[1]!);
  return [...new Set([...esm, ...commonJs])];
}

/** NODE_DEBUG=module's CommonJS loads, relative to tools/cli/, of a plain `tsble ...args` (no node flags). */
async function plainCommonJsLoads(args: string[]): Promise<string[]> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_DEBUG: 'module' };
  delete env.NODE_OPTIONS;
  const { stderr } = await run(process.execPath, [TSBLE_BIN, ...args], { env });
  return [...stderr.matchAll(/load "(\/[^"]+)" for module/g)].map((m) => m[1]!.replace(cliRoot, ''));
}

// Run by a plain node: whether V8 takes the build's code cache for dist/tsble.vm.js, as bin/tsble.js finds it.
const CACHE_ACCEPTED = `
const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
const file = process.argv[1];
const source = readFileSync(file, 'utf8');
const marker = '//# tsble-vm-bundle ';
const id = source.slice(source.lastIndexOf(marker) + marker.length).trim();
const cachedData = readFileSync(file + '.' + id + '.' + process.version + '-' + process.platform + '-' + process.arch + '.cache');
process.stdout.write(String(!new Script(source, { filename: file, cachedData }).cachedDataRejected));
`;

describe('the built CLI loads its bundle, not the workspace', () => {
  it('a plain tsble runs the code-cached script: V8 takes the cache, and no other file is loaded', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    const accepted = await run(
      process.execPath,
      ['-e', CACHE_ACCEPTED, join(cliRoot, 'dist', 'tsble.vm.js')],
      {
        env,
      },
    );
    expect(accepted.stdout).toBe('true');
    // The script is read by bin/tsble.js, not loaded as a module: bin/tsble.js is the only module file.
    expect(await plainCommonJsLoads(['--version'])).toEqual(['bin/tsble.js']);
    expect(await plainCommonJsLoads(['info', '--transport', 'sim'])).toEqual(['bin/tsble.js']);
  });

  it('with node flags, tsble --version reads bin/tsble.js, dist/main.js and shared chunks only: no command, no package', async () => {
    const files = (await loadedFiles(['--version'])).map((f) => f.replace(cliRoot, ''));
    expect(files.slice(0, 2)).toEqual(['bin/tsble.js', 'dist/main.js']);
    // esbuild names the chunks of dynamic imports after their module (info-<hash>.js); shared code is chunk-<hash>.js.
    expect(files.slice(2).filter((f) => !/^dist\/chunks\/chunk-\w+\.js$/.test(f))).toEqual([]);
  });

  it('with node flags, tsble info --transport sim runs the whole stack from tools/cli/dist: no package or node_modules file', async () => {
    const files = await loadedFiles(['info', '--transport', 'sim']);
    expect(files.length).toBeGreaterThan(2);
    expect(files.filter((f) => !f.startsWith(cliRoot))).toEqual([]);
    expect(
      files.filter((f) => f.startsWith(cliRoot) && !/^(bin|dist)\//.test(f.replace(cliRoot, ''))),
    ).toEqual([]);
  });
});
