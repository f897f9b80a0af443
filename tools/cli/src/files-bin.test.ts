/**
 * `npx tsble` after `npm ci`: npm links a workspace's bin only when its target exists when npm runs, and makes
 * only that target executable. The target is therefore a committed, executable file (bin/tsble.js), not the
 * build output, which does not exist on a fresh clone and which every rebuild rewrites without the execute bit.
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cliRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const binTarget = join(cliRoot, 'bin', 'tsble.js');
const binLink = join(repoRoot, 'node_modules', '.bin', 'tsble');

describe('the tsble bin', () => {
  it('is a committed file with git mode 100755, the target of package.json "bin"', async () => {
    const { stdout } = await run('git', ['ls-files', '-s', 'tools/cli/bin/tsble.js'], { cwd: repoRoot });
    expect(stdout).toMatch(/^100755 [0-9a-f]{40} 0\ttools\/cli\/bin\/tsble\.js\n$/);
    const manifest = JSON.parse(await readFile(join(cliRoot, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(manifest.bin).toEqual({ tsble: 'bin/tsble.js' });
    expect((await readFile(binTarget, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('is linked by npm as node_modules/.bin/tsble', () => {
    expect(existsSync(binLink)).toBe(true);
    expect(realpathSync(binLink)).toBe(realpathSync(binTarget));
  });

  it('runs as node_modules/.bin/tsble and prints the version, once', async () => {
    const { version } = JSON.parse(await readFile(join(cliRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const { stdout } = await run(binLink, ['--version'], { cwd: repoRoot });
    expect(stdout).toBe(`tsble ${version}\n`);
    const direct = await run(process.execPath, [binTarget, '--version'], { cwd: repoRoot });
    expect(direct.stdout).toBe(`tsble ${version}\n`);
  });

  it('says in one line how to build, with exit status 2, when dist is missing', async () => {
    // A copy of the bin beside no dist/: what a fresh clone looks like before the first build.
    const fresh = await mkdtemp(join(tmpdir(), 'tsble-bin-'));
    try {
      await cp(join(cliRoot, 'bin'), join(fresh, 'tools', 'cli', 'bin'), { recursive: true });
      const copy = join(fresh, 'tools', 'cli', 'bin', 'tsble.js');
      const failed = await run(process.execPath, [copy, '--version']).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stdout).toBe('');
      expect(failed?.stderr).toBe(`tsble is not built yet: run npm run build in ${realpathSync(fresh)}\n`);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
