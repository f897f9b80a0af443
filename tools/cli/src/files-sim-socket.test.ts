/**
 * `tsble sim --listen unix:PATH` and whatever is already at PATH: a user's file is never deleted, a running
 * sim is never taken over, and only the socket a dead sim left behind is replaced. Real processes, real
 * sockets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

const mainJs = new URL('../dist/main.js', import.meta.url).pathname;
const children: ChildProcess[] = [];
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsble-sim-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Sim {
  child: ChildProcess;
  /** Resolves with the exit status (or the signal's name). */
  exited: Promise<number | string>;
  output: () => { stdout: string; stderr: string };
  /** Resolves once the sim printed its ready event; rejects if it exited first. */
  ready: Promise<void>;
}

/** Starts `tsble sim`; `json: false` for people's output, where a refusal is on stderr. */
function sim(socket: string, { json = true } = {}): Sim {
  const format = json ? ['--json'] : [];
  const child = spawn(process.execPath, [mainJs, 'sim', ...format, '--listen', `unix:${socket}`], {
    env: { ...process.env, TSBLE_TRANSPORT: '' },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (/"event":"ready"|listening on/.test(stdout)) resolve();
    });
    exited.then((code) => reject(new Error(`sim exited (${code}) before ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  child.stderr.on('data', (d) => (stderr += d));
  return { child, exited, ready, output: () => ({ stdout, stderr }) };
}

/** Connects to the socket and closes: resolves true if a server accepted, false with ECONNREFUSED/ENOENT. */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = connect(socket, () => {
      client.destroy();
      resolve(true);
    });
    client.on('error', () => resolve(false));
  });
}

describe('tsble sim --listen unix:PATH', { timeout: 30_000 }, () => {
  it('refuses a regular file at PATH with exit 2 and leaves it byte for byte', async () => {
    const path = join(dir, 'notes.txt');
    const bytes = Buffer.from('my notes\n\u0000\u00ff keep me\n', 'latin1');
    await writeFile(path, bytes);
    const s = sim(path, { json: false });
    expect(await s.exited).toBe(2);
    expect(s.output().stderr).toContain(`${path} is a regular file`);
    expect(s.output().stdout).toBe('');
    expect(await readFile(path)).toEqual(bytes);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a directory at PATH with exit 2 and leaves it', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    const s = sim(path, { json: false });
    expect(await s.exited).toBe(2);
    expect(s.output().stderr).toContain(`${path} is a directory`);
    expect(await readFile(join(path, 'inside'), 'utf8')).toBe('x');
  });

  it('refuses a path longer than a unix socket name can be, instead of binding a cut-short one', async () => {
    const path = join(dir, `${'x'.repeat(120)}.sock`);
    const s = sim(path, { json: false });
    expect(await s.exited).toBe(2);
    expect(s.output().stderr).toContain('a unix socket path has at most 107 bytes');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses the socket of a running sim with exit 2; the first sim keeps serving and cleans up', async () => {
    const path = join(dir, 'sim.sock');
    const first = sim(path);
    await first.ready;
    const inode = (await lstat(path)).ino;
    const second = sim(path);
    expect(await second.exited).toBe(2);
    const refusal = JSON.parse(second.output().stdout) as { event: string; code: string; message: string };
    expect(refusal).toMatchObject({ event: 'error', code: 'usage' });
    expect(refusal.message).toContain(`${path} is the socket of a running server`);
    expect((await lstat(path)).ino).toBe(inode);
    expect(await answers(path)).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await expect(lstat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('replaces the stale socket of a SIGKILLed sim', async () => {
    const path = join(dir, 'sim.sock');
    const killed = sim(path);
    await killed.ready;
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect((await lstat(path)).isSocket()).toBe(true);
    expect(await answers(path)).toBe(false);
    const next = sim(path);
    await next.ready;
    expect(await answers(path)).toBe(true);
    expect(next.output().stdout).toContain(`"listen":"unix:${path}"`);
    // No temporary socket is left beside it.
    expect(readdirSync(dir)).toEqual(['sim.sock']);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });

  it('on exit leaves a socket that is no longer its own', async () => {
    const path = join(dir, 'sim.sock');
    const first = sim(path);
    await first.ready;
    // Someone removed our socket and another server took the path: stopping must not remove theirs.
    await rm(path);
    const second = sim(path);
    await second.ready;
    const theirs = (await lstat(path)).ino;
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect((await lstat(path)).ino).toBe(theirs);
    expect(await answers(path)).toBe(true);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
