/**
 * The hostile-controller suite in CI: every case against tsble's host over a real unix socket (each bounded by
 * its own limit; the slow ones wait on real 4-6 s controller deadlines, so the cases run side by side), and a
 * short seeded randomized run (the long one is `npm run conformance -- --hostile-fuzz --seconds N`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArguments } from './cli.js';
import { HOSTILE_CASES, runHostileCase, runHostileFuzz } from './hostile-controller/index.js';

describe('hostile controller', () => {
  it('has at least 50 cases, each with a unique ID, an expected outcome and a reason', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(HOSTILE_CASES.map((c) => c.id)).size).toBe(HOSTILE_CASES.length);
    for (const c of HOSTILE_CASES) {
      expect(c.id).toMatch(/^HOSTILE\/[A-Z-]+\/[A-Z0-9-]+$/);
      expect(c.why.length).toBeGreaterThan(10);
    }
  });

  it.concurrent.each(HOSTILE_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const result = await runHostileCase(c);
    expect(result.message ?? 'PASS').toBe('PASS');
  });

  it.concurrent('survives a seeded randomized run of framed random packets (seed 20261206, 4 s)', async () => {
    const stats = await runHostileFuzz({ seed: 20261206, seconds: 4 });
    expect(stats.invented).toEqual([]);
    expect(stats.errors).toEqual([]);
    expect(stats.injected).toBeGreaterThan(1000);
    expect(stats.attFailures).toBeLessThanOrEqual(Math.max(1, stats.attChecks / 10));
    expect(stats.heapEndMb - stats.heapStartMb).toBeLessThan(64);
  });

  it.concurrent('SIGINT during a start-up the controller never answers ends the process at once, socket closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsble-sigint-'));
    const path = join(dir, 'silent.sock');
    let socket: Socket | undefined;
    const hostClosed = new Promise<number>((resolve) => {
      const server = createServer((s) => {
        socket = s;
        // Read and drop what the host writes (its Reset): a paused socket would never see the end.
        s.resume();
        s.on('close', () => resolve(performance.now()));
      });
      server.listen(path);
      server.unref();
    });
    // What the CLI does: SIGINT aborts the signal start-up runs under; nothing else ends the process.
    const script = `
      import { Host, MemoryBondStore } from '@tsble/host';
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      console.log('opening');
      try {
        await Host.open('unix:${path}', { bondStore: new MemoryBondStore(), signal: stop.signal });
        console.log('opened');
      } catch (error) {
        console.log(JSON.stringify({ name: error.name, code: error.code }));
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.on('exit', (code) => resolve({ code, at: performance.now() })),
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 250 && (!out.includes('opening') || socket === undefined); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(out).toContain('opening');
    expect(socket).toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    const signalled = performance.now();
    child.kill('SIGINT');
    const { code: exitCode, at: exited } = await exit;
    rmSync(dir, { recursive: true, force: true });
    expect(JSON.parse(out.split('\n')[1] ?? '{}')).toEqual({ name: 'AbortError', code: 'aborted' });
    expect(exitCode).toBe(0);
    // Reset alone waits 1.5 s, twice: the process ends long before any start-up deadline would.
    expect(exited - signalled).toBeLessThan(1000);
    expect((await hostClosed) - signalled).toBeLessThan(1000);
  });

  it.concurrent('runs from the command line: npm run conformance -- --hostile --filter ID', async () => {
    expect(parseArguments(['--hostile', '--filter', 'RESET'])).toMatchObject({
      mode: 'hostile',
      filter: ['RESET'],
    });
    expect(parseArguments(['--hostile-fuzz', '--seconds', '9', '--seed', '3'])).toMatchObject({
      mode: 'hostile-fuzz',
      seconds: 9,
      seed: 3,
    });
    const main = join(import.meta.dirname, '..', 'dist', 'main.js');
    const child = spawn(
      process.execPath,
      [main, '--hostile', '--filter', 'HOSTILE/HANDLE/CONNECTION-HANDLE-FFFF'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toMatch(/HOSTILE\/HANDLE\/CONNECTION-HANDLE-FFFF\s+PASS/);
    expect(out).toMatch(/1 cases: 1 pass, 0 fail/);
    expect(code).toBe(0);
  });
});
