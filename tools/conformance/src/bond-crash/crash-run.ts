/**
 * Bond store crash safety: a child process saving bonds in a loop is SIGKILLed at random moments, `kills`
 * times. After every kill the file must load (no corrupt or half-written file), every record must be whole,
 * and no acknowledged save may be lost: the newest sequence number on disk is the last one the child
 * reported, or the one it was writing when it died.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileBondStore } from '@tsble/host';
import { Random } from '../fuzz/random.js';

export interface CrashRunOptions {
  kills: number;
  seed: number;
  /** Longest time a child saves before it is killed (ms). Default 40. */
  maxLifeMs?: number;
  onProgress?: (done: number) => void;
}

export interface CrashRunResult {
  kills: number;
  seed: number;
  saves: number;
  problems: string[];
  leftoverFiles: number;
  ok: boolean;
}

/** The compiled child beside this module (dist), or the built one when this runs from source (Vitest). */
function childScript(): string {
  const beside = fileURLToPath(new URL('./save-loop.js', import.meta.url));
  return existsSync(beside)
    ? beside
    : fileURLToPath(new URL('../../dist/bond-crash/save-loop.js', import.meta.url));
}
const CHILD = childScript();

interface ChildRun {
  lastAcknowledged: number;
}

function runChild(path: string, start: number, lifeMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path, String(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastAcknowledged = start - 1;
    let buffered = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') timer = setTimeout(() => child.kill('SIGKILL'), lifeMs);
        else if (/^\d+$/.test(line)) lastAcknowledged = Number(line);
      }
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL')
        reject(new Error(`the saving child exited by itself (code ${code}): ${stderr.trim()}`));
      else resolve({ lastAcknowledged });
    });
  });
}

/** The newest sequence number in the store, or -1; problems with any record are pushed to `problems`. */
function newestOnDisk(store: FileBondStore, problems: string[], round: number): number {
  let newest = -1;
  for (const record of store.list()) {
    const seq = record.cccd?.['1'];
    const ltk = record.peerLtk?.ltk;
    if (typeof seq !== 'number' || ltk !== (seq >>> 0).toString(16).padStart(32, '0')) {
      problems.push(`kill ${round}: record ${record.address} is not whole (seq ${String(seq)}, ltk ${ltk})`);
      continue;
    }
    newest = Math.max(newest, seq);
  }
  return newest;
}

export async function runCrashSafety(options: CrashRunOptions): Promise<CrashRunResult> {
  const random = new Random(options.seed);
  const dir = await mkdtemp(join(tmpdir(), 'tsble-bond-crash-'));
  const path = join(dir, 'ble_secrets.json');
  const problems: string[] = [];
  let next = 0;
  let saves = 0;
  try {
    for (let round = 1; round <= options.kills; round++) {
      const { lastAcknowledged } = await runChild(path, next, 1 + random.int(options.maxLifeMs ?? 40));
      let store: FileBondStore;
      try {
        store = await FileBondStore.open(path);
      } catch (error) {
        problems.push(`kill ${round}: the file does not load: ${(error as Error).message}`);
        break;
      }
      const newest = newestOnDisk(store, problems, round);
      if (newest < lastAcknowledged)
        problems.push(
          `kill ${round}: save ${lastAcknowledged} was acknowledged but the file ends at ${newest}`,
        );
      if (newest > lastAcknowledged + 1)
        problems.push(
          `kill ${round}: the file holds save ${newest}, beyond the one in flight (${lastAcknowledged + 1})`,
        );
      saves += Math.max(0, lastAcknowledged - next + 1);
      next = Math.max(newest, lastAcknowledged) + 1;
      options.onProgress?.(round);
    }
    const leftoverFiles = (await readdir(dir)).length - 1;
    return {
      kills: options.kills,
      seed: options.seed,
      saves,
      problems,
      leftoverFiles,
      ok: problems.length === 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
