/**
 * How the README test runs a block: one strict tsc run over every TypeScript block, fresh directories, a
 * `tsble` on PATH, processes in their own group (whatever a block leaves in the background stops with it),
 * and the checks of exit status, output and files.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { CodeBlock } from './markdown-blocks.js';

export const repo = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
/** The committed bin entry npm links as `tsble` (it loads tools/cli/dist). */
export const cliBin = join(repo, 'tools/cli/bin/tsble.js');
/** Everything a run makes lives here: the compiled blocks, the sim socket, each block's directory. */
export const work = mkdtempSync(join(tmpdir(), 'tsble-readme-'));
/** Long-running processes started for the blocks (sim, serve), stopped after the file. */
export const children: ChildProcess[] = [];

/** A text replaced in a block before it runs; `count` occurrences must be there (a README edit is noticed). */
export interface Substitution {
  from: string | RegExp;
  to: string;
  why: string;
}

export interface Expectations {
  /** Lines or patterns that must appear on stdout (exit status 0 is always required). */
  stdout: RegExp[];
  /** Patterns that must not appear. */
  notStdout?: RegExp[];
  /** Called with the block's directory after it ran. */
  files?: (dir: string) => void;
}

export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** One strict tsc run (the repository's own compiler options) over every TypeScript block as its own module. */
export function typeCheck(tsBlocks: CodeBlock[]): {
  diagnostics: Map<string, string[]>;
  compiled: Map<string, string>;
} {
  const diagnostics = new Map<string, string[]>();
  const compiled = new Map<string, string>();
  const dir = work;
  mkdirSync(join(dir, 'src'), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(repo, 'tsconfig.base.json'),
      compilerOptions: {
        composite: false,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        incremental: false,
        moduleDetection: 'force',
        types: ['node'],
        rootDir: 'src',
        outDir: 'out',
      },
      include: ['src'],
    }),
  );
  const files = new Map<string, string>();
  for (const block of tsBlocks) {
    const file = `src/${slug(block.name)}.ts`;
    files.set(file, block.name);
    writeFileSync(join(dir, file), block.code);
    diagnostics.set(block.name, []);
  }
  const tsc = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], {
    cwd: dir,
    encoding: 'utf8',
  });
  for (const line of tsc.stdout.split('\n')) {
    const match = /^(src\/[^(]+)\(/.exec(line);
    const name = match && files.get(match[1] ?? '');
    if (name) diagnostics.get(name)?.push(line);
    else if (line.trim() !== '') throw new Error(`tsc: ${line}`);
  }
  for (const [file, name] of files) {
    const js = join(dir, 'out', file.replace(/^src\//, '').replace(/\.ts$/, '.js'));
    if (existsSync(js)) compiled.set(name, js);
  }
  return { diagnostics, compiled };
}

export function substitute(code: string, substitutions: Substitution[]): string {
  let result = code;
  for (const { from, to } of substitutions) {
    const next = typeof from === 'string' ? result.split(from).join(to) : result.replace(from, () => to);
    if (next === result)
      throw new Error(`substitution ${String(from)} found nothing to replace in:\n${code}`);
    result = next;
  }
  return result;
}

/** A fresh directory as a clone's root would look to a command: tools/ (for tools/interop) and nothing else. */
export function shellDirectory(): string {
  const dir = mkdtempSync(join(work, 'sh-'));
  symlinkSync(join(repo, 'tools'), join(dir, 'tools'));
  return dir;
}

/** `tsble` on PATH: the committed bin entry, as npm links it. */
function shimPath(): string {
  const bin = join(work, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    writeFileSync(join(bin, 'tsble'), `#!/bin/sh\nexec "${process.execPath}" "${cliBin}" "$@"\n`);
    chmodSync(join(bin, 'tsble'), 0o755);
  }
  return `${bin}:${process.env.PATH ?? ''}`;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runShell(code: string, dir: string): Promise<Result> {
  writeFileSync(join(dir, 'block.sh'), `set -euo pipefail\n${code}`);
  return runProcess('bash', [join(dir, 'block.sh')], dir, 90_000);
}

export function runProcess(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Result> {
  return new Promise((resolve) => {
    // Its own process group: what a block leaves running in the background is stopped with it.
    const child = spawn(command, args, {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: shimPath(), TSBLE_TRANSPORT: '', TSBLE_BOND_STORE: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      if (child.pid) killGroup(child.pid);
    }, timeoutMs);
    // A block that fails leaves its background processes (serve) holding stdout open: when the block's own
    // process ends, its group goes too, and the result is in once the pipes close.
    let code: number | null = null;
    child.on('exit', (status) => {
      code = status;
      if (child.pid) killGroup(child.pid);
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function check(result: Result, expectations: Expectations, dir: string): void {
  const shown = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, shown).toBe(0);
  for (const pattern of expectations.stdout) expect(result.stdout, shown).toMatch(pattern);
  for (const pattern of expectations.notStdout ?? []) expect(result.stdout, shown).not.toMatch(pattern);
  expectations.files?.(dir);
}

export function start(command: string, args: string[], cwd: string): ChildProcess {
  const child = spawn(command, args, {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TSBLE_TRANSPORT: '', TSBLE_BOND_STORE: '' },
  });
  children.push(child);
  return child;
}

export function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (d: Buffer) => {
      seen += d;
      if (pattern.test(seen)) resolve();
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.on('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited ${code}: ${seen}`)));
  });
}

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export function which(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
