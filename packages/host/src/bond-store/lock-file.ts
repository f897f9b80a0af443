/**
 * A lock shared by the processes that use one bond file (a `serve` and a `tsble bonds forget` in the same
 * directory): `<file>.lock`, holding its owner's pid, host and start time.
 *
 * Taking it is one link(2) of a fully written draft onto the lock's name: link fails if the name exists, so
 * exactly one process wins, and nobody ever sees a lock without its owner in it. A lock is stale when its
 * owner (on this host) is dead, or when it is older than `staleMs` (a hung owner, or one on another host of a
 * network file system). A stale lock is removed only by the holder of `<file>.lock.break`, after checking that
 * the lock is still the one judged stale: without that, two processes that both saw the same stale lock could
 * each remove it, and the second would remove the lock the first had just taken.
 */
import { link, lstat, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface LockFileOptions {
  /** How long to wait for the lock. Default 5000 ms. */
  timeoutMs?: number;
  /** A lock held longer than this is stale even if its owner is alive. Default 10000 ms. */
  staleMs?: number;
}

/** The lock could not be taken within the time allowed: someone alive holds it. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
  constructor(
    readonly lockPath: string,
    /** What the lock file says about its holder, if it could be read. */
    readonly owner: LockOwner | undefined,
  ) {
    super(
      `${lockPath} is held by ${owner ? `process ${owner.pid} on ${owner.host} since ${new Date(owner.since).toISOString()}` : 'another process'}`,
    );
  }
}

export interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_STALE_MS = 10_000;
/** A breaker is held for two syscalls; one this old belongs to a process that died holding it. */
const BREAKER_STALE_MS = 2000;
let draftCounter = 0;

/** Runs `task` while holding the lock at `lockPath`; rejects with LockTimeoutError if it cannot be taken. */
export async function withLockFile<T>(
  lockPath: string,
  options: LockFileOptions,
  task: () => Promise<T>,
): Promise<T> {
  const held = await acquire(lockPath, options);
  try {
    return await task();
  } finally {
    await release(lockPath, held);
  }
}

/**
 * Removes the lock if it is stale (its owner is dead): a load cleans up after a process killed while holding
 * it, so nothing is left beside the bond file. Best effort.
 */
export async function removeStaleLock(lockPath: string, options: LockFileOptions = {}): Promise<void> {
  await breakIfStale(lockPath, options.staleMs ?? DEFAULT_STALE_MS).catch(() => false);
}

/** The name of a draft: `.<lock>.<pid>.<n>.tmp`, so a dead process's drafts can be recognised and removed. */
export function lockDraftOwner(name: string, lockPath: string): number | undefined {
  const prefix = `.${basename(lockPath)}.`;
  if (!name.startsWith(prefix) || !name.endsWith('.tmp')) return undefined;
  const match = /^(\d+)\.\d+$/.exec(name.slice(prefix.length, -'.tmp'.length));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

interface Held {
  dev: number;
  ino: number;
}

async function acquire(lockPath: string, options: LockFileOptions): Promise<Held> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const draft = join(dirname(lockPath), `.${basename(lockPath)}.${process.pid}.${draftCounter++}.tmp`);
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: Date.now() };
  await writeFile(draft, `${JSON.stringify(owner)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
      try {
        await link(draft, lockPath);
        const stats = await lstat(lockPath);
        return { dev: stats.dev, ino: stats.ino };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await breakIfStale(lockPath, staleMs)) continue;
      if (Date.now() >= deadline) throw new LockTimeoutError(lockPath, await readOwner(lockPath));
      // Jitter, so that waiters do not retry in step.
      await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
    }
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/** Removes the lock only while it is still ours: after a stale-lock break, it may be someone else's. */
async function release(lockPath: string, held: Held): Promise<void> {
  const stats = await lstat(lockPath).catch(() => undefined);
  if (stats && stats.dev === held.dev && stats.ino === held.ino)
    await unlink(lockPath).catch(() => undefined);
}

/** Resolves true when the lock is gone (removed here or by its owner), false when it is live. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  const judged = await snapshot(lockPath);
  if (judged === undefined) return true;
  if (!isStale(judged, staleMs)) return false;
  const breaker = `${lockPath}.break`;
  const breakerHandle = await open(breaker, 'wx', 0o600).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
    await removeDeadBreaker(breaker);
    return undefined;
  });
  if (breakerHandle === undefined) return false;
  try {
    await breakerHandle.writeFile(`${JSON.stringify({ pid: process.pid, host: hostname() })}\n`);
    await breakerHandle.close();
    // Still the very lock judged stale (same inode and same owner line), not one taken since.
    const now = await snapshot(lockPath);
    if (now === undefined) return true;
    if (now.dev !== judged.dev || now.ino !== judged.ino || now.text !== judged.text) return false;
    await unlink(lockPath);
    return true;
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

interface Snapshot {
  dev: number;
  ino: number;
  /** When the lock was linked into place: link(2) sets the inode's change time. */
  takenAt: number;
  text: string;
  owner: LockOwner | undefined;
}

async function snapshot(lockPath: string): Promise<Snapshot | undefined> {
  try {
    const stats = await lstat(lockPath);
    const text = await readFile(lockPath, 'utf8');
    return { dev: stats.dev, ino: stats.ino, takenAt: stats.ctimeMs, text, owner: parseOwner(text) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(lock: Snapshot, staleMs: number): boolean {
  if (Date.now() - lock.takenAt > staleMs) return true;
  // A pid means nothing on another host: there, only age counts.
  return lock.owner !== undefined && lock.owner.host === hostname() && !processAlive(lock.owner.pid);
}

async function removeDeadBreaker(breaker: string): Promise<void> {
  const stats = await lstat(breaker).catch(() => undefined);
  if (stats === undefined) return;
  const owner = parseOwner(await readFile(breaker, 'utf8').catch(() => ''));
  const dead = owner !== undefined && owner.host === hostname() && !processAlive(owner.pid);
  if (dead || Date.now() - stats.ctimeMs > BREAKER_STALE_MS) await unlink(breaker).catch(() => undefined);
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  return parseOwner(await readFile(lockPath, 'utf8').catch(() => ''));
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    return { pid: value.pid, host: value.host, since: typeof value.since === 'number' ? value.since : 0 };
  } catch {
    return undefined;
  }
}

/** Signal 0 checks for existence only; EPERM means the process exists but belongs to someone else. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}
