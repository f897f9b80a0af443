/**
 * What a fresh `tsble` process loads, as the CLI start-up figures depend on it: the built CLI is one bundle
 * (tools/cli/build.mjs), so a command reads its entry and chunks and nothing from the workspace packages or
 * node_modules, and `--version` reads the entry and its shared chunks, no command's code. Seen from inside the process: an ES module load hook
 * prints every module it loads, NODE_DEBUG=module every CommonJS one.
 */
import { execFile } from 'node:child_process';
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

describe('the built CLI loads its bundle, not the workspace', () => {
  it('tsble --version reads bin/tsble.js, dist/main.js and shared chunks only: no command, no package', async () => {
    const files = (await loadedFiles(['--version'])).map((f) => f.replace(cliRoot, ''));
    expect(files.slice(0, 2)).toEqual(['bin/tsble.js', 'dist/main.js']);
    // esbuild names the chunks of dynamic imports after their module (info-<hash>.js); shared code is chunk-<hash>.js.
    expect(files.slice(2).filter((f) => !/^dist\/chunks\/chunk-\w+\.js$/.test(f))).toEqual([]);
  });

  it('tsble info --transport sim runs the whole stack from tools/cli/dist: no package or node_modules file', async () => {
    const files = await loadedFiles(['info', '--transport', 'sim']);
    expect(files.length).toBeGreaterThan(2);
    expect(files.filter((f) => !f.startsWith(cliRoot))).toEqual([]);
    expect(
      files.filter((f) => f.startsWith(cliRoot) && !/^(bin|dist)\//.test(f.replace(cliRoot, ''))),
    ).toEqual([]);
  });
});
