/**
 * Test helpers shared by the CLI's end-to-end suites: run `tsble` (or any node script) as a child process and
 * read its JSON events; start BlueZ's btvirt under a lock.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const mainJs = new URL('../../dist/main.js', import.meta.url).pathname;
export const children: ChildProcess[] = [];

export type Event = Record<string, unknown> & { event: string };

export interface Running {
  child: ChildProcess;
  events: Event[];
  waitFor(event: string, where?: (e: Event) => boolean): Promise<Event>;
}

export function parseLines(text: string): Event[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Event);
}

/** Starts tsble and collects its JSON events. */
/** Starts any node script that prints JSON event lines (the ble-host peer). */
export function launchScript(
  script: string,
  args: string[],
  options: { stdin?: 'pipe' | 'ignore'; cwd?: string } = {},
): Running {
  return launchWith(script, args, options.stdin ?? 'ignore', options.cwd);
}

export function launch(args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): Running {
  return launchWith(mainJs, [...args, '--json'], stdin, undefined);
}

function launchWith(
  script: string,
  args: string[],
  stdin: 'pipe' | 'ignore',
  cwd: string | undefined,
): Running {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: [stdin, 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
    env: { ...process.env, TSBLE_TRANSPORT: '' },
  });
  children.push(child);
  const events: Event[] = [];
  const waiters: { event: string; where: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  child.stdout?.on('data', (d) => {
    buffer += d;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const event of parseLines(lines.join('\n'))) {
      events.push(event);
      for (const w of [...waiters]) {
        if (w.event === event.event && w.where(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
  });
  return {
    child,
    events,
    waitFor: (event, where = () => true) => {
      const seen = events.find((e) => e.event === event && where(e));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no ${event} event within 20 s; events: ${JSON.stringify(events)}; stderr: ${stderr}`,
              ),
            ),
          20_000,
        );
        waiters.push({
          event,
          where,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

/** Runs tsble to completion: exit status and events. */
export async function run(
  args: string[],
  input?: (running: Running) => void,
): Promise<{ code: number; events: Event[] }> {
  const running = launch(args, input ? 'pipe' : 'ignore');
  input?.(running);
  const code = await new Promise<number>((resolve) => running.child.on('close', (c) => resolve(c ?? -1)));
  return { code, events: running.events };
}

export const event = (events: Event[], name: string) => events.find((e) => e.event === name);

/**
 * btvirt always listens on /tmp/bt-server-le and btvirt.sh replaces whatever instance was there, so two test
 * files using it at once break each other. A directory lock serialises them (other suites should take it too).
 */
const BTVIRT_LOCK = '/tmp/tsble-btvirt.lock';
export async function takeBtvirtLock(): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    try {
      mkdirSync(BTVIRT_LOCK);
      writeFileSync(join(BTVIRT_LOCK, 'pid'), String(process.pid));
      return;
    } catch {
      const owner = Number(readFileSyncSafe(join(BTVIRT_LOCK, 'pid')));
      if (owner && !alive(owner)) rmSync(BTVIRT_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${BTVIRT_LOCK} stayed taken`);
}
export function releaseBtvirtLock(): void {
  rmSync(BTVIRT_LOCK, { recursive: true, force: true });
}
function readFileSyncSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const btvirtScript = new URL('../../../interop/btvirt.sh', import.meta.url).pathname;

/** Starts btvirt (under the lock) and resolves with a function that stops it and releases the lock. */
export async function startBtvirt(): Promise<() => void> {
  await takeBtvirtLock();
  const pid = execFileSync(btvirtScript, ['start'], { encoding: 'utf8' }).trim();
  return () => {
    execFileSync(btvirtScript, ['stop', pid]);
    releaseBtvirtLock();
  };
}

export function btvirtSkipReason(): string | undefined {
  if (!existsSync(btvirtScript)) return `${btvirtScript} not found`;
  try {
    execFileSync('which', ['btvirt'], { stdio: 'ignore' });
  } catch {
    return 'btvirt is not installed';
  }
  return undefined;
}

/**
 * A `tsble sim --listen` socket of its own in a fresh temporary directory, for a test file's processes to share:
 * the directory, and the --transport arguments that reach it. The sim is stopped with the other children.
 */
export async function sharedSim(prefix: string): Promise<{ dir: string; transport: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const socket = join(dir, 'sim.sock');
  await launch(['sim', '--listen', `unix:${socket}`]).waitFor('ready');
  return { dir, transport: ['--transport', `unix:${socket}`] };
}
