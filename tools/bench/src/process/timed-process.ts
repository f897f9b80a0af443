/**
 * Fresh processes, timed from outside: what a user at a shell waits for. The clock starts before the spawn
 * and stops at the child's exit, so it covers node's own start-up, module loading, the work and the exit.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The installed `tsble` entry (what `npx tsble` runs, without npx's own start-up). */
export const TSBLE_BIN = fileURLToPath(new URL('../../../cli/bin/tsble.js', import.meta.url));

/** The Unix time in milliseconds, with the monotonic clock's resolution. */
export function unixMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface ProcessRun {
  /** Spawn to exit, milliseconds. */
  wallMs: number;
  /** When it was spawned and when it ended, Unix milliseconds (fractional), to place its own stamps. */
  spawnUnixMs: number;
  exitUnixMs: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node ...args` to its end; rejects when it exits with another status than `expectStatus` (default
 * 0), quoting its stderr, so a broken CLI is an error row and not a fast figure.
 */
export function timeNode(
  args: readonly string[],
  options: { cwd?: string; expectStatus?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const spawnUnixMs = unixMs();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const wallMs = performance.now() - start;
      const exitUnixMs = unixMs();
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (status !== (options.expectStatus ?? 0)) {
        const why = signal !== null ? `signal ${signal}` : `status ${status}`;
        reject(new Error(`node ${args.join(' ')} ended with ${why}: ${stderr.trim().slice(0, 300)}`));
        return;
      }
      resolve({ wallMs, spawnUnixMs, exitUnixMs, stdout, stderr });
    });
  });
}
