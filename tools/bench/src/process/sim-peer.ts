/**
 * A peripheral for fresh-process benchmarks: `tsble sim --listen unix:...` (the virtual controller served to
 * other processes) and `tsble serve` on it, both started once and left running; every process under test
 * connects to the same socket and gets its own controller on the same air, hence a new address each time
 * (so every run is a first pairing for the peer). Both are stopped by stopSimPeer or when the bench process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TSBLE_BIN } from './timed-process.js';

export interface SimPeer {
  /** The socket path to give `--transport unix:` (or to ble-host). */
  socket: string;
  /** The peripheral's address as tsble prints it, `XX:XX:XX:XX:XX:XX/public`. */
  address: string;
  /** A directory for the runs' files (captures, bond stores), removed with the peer. */
  directory: string;
}

const START_LIMIT_MS = 20_000;

let started: Promise<SimPeer> | undefined;
const children: ChildProcess[] = [];
let directory: string | undefined;

/**
 * Stops the peer's processes, waits until they have exited (serve writes its bond file on the way out), then
 * removes its directory.
 */
export async function stopSimPeer(): Promise<void> {
  const stopping = children.splice(0).map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const limit = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(limit);
          resolve();
        });
        child.kill();
      }),
  );
  await Promise.all(stopping);
  removeDirectory();
}

function removeDirectory(): void {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
  started = undefined;
}

// A bench that exits without stopping the peer: nothing may outlive it, and the directory goes (as far as it can
// while a killed process may still be writing into it).
process.once('exit', () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  try {
    removeDirectory();
  } catch {
    // Left in the temporary directory.
  }
});

/** Starts `node tsble.js ...args` with stdout and stderr in `logFile`, not holding this process open. */
function startTsble(args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [TSBLE_BIN, ...args], { stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  children.push(child);
  return child;
}

/** The first JSON line of `file` with `event`, waited for until the limit. */
async function waitForEvent(
  file: string,
  event: string,
  child: ChildProcess,
): Promise<Record<string, unknown>> {
  const deadline = performance.now() + START_LIMIT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(
        `${file}: ended with status ${child.exitCode}: ${readFileSync(file, 'utf8').slice(0, 300)}`,
      );
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.event === event) return parsed;
    }
    await sleep(20);
  }
  throw new Error(`no "${event}" event in ${file} within ${START_LIMIT_MS} ms`);
}

/** The shared peer, started on first use. */
export function simPeer(): Promise<SimPeer> {
  started ??= (async () => {
    const made = mkdtempSync(join(tmpdir(), 'tsble-bench-fresh-'));
    directory = made;
    const socket = join(made, 'sim.sock');
    const simLog = join(made, 'sim.log');
    const sim = startTsble(['sim', '--listen', `unix:${socket}`, '--json'], simLog);
    await waitForEvent(simLog, 'ready', sim);
    const serveLog = join(made, 'serve.log');
    const serve = startTsble(
      [
        'serve',
        '--transport',
        `unix:${socket}`,
        '--bond-store',
        join(directory, 'serve-bonds.json'),
        '--json',
      ],
      serveLog,
    );
    const ready = await waitForEvent(serveLog, 'advertising', serve);
    return { socket, address: String(ready.address), directory: made };
  })();
  return started;
}
