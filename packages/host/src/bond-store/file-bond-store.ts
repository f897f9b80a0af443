/**
 * The default bond store: one JSON file (`./ble_secrets.json`), mode 0600, written atomically (a temporary
 * file in the same directory, fsync, rename over the old one, fsync of the directory), so a crash or a kill at
 * any instant leaves either the old file or the new one, never a torn one.
 *
 * A file that cannot be parsed is never overwritten: by default the store refuses to write (`blocked`) and
 * says which file is wrong; with `onCorrupt: 'keep-copy'` it renames the bad file to
 * `<file>.corrupt-<timestamp>` and starts empty.
 *
 * Loading also removes the temporary files of writes cut short by a kill (`.<file>.<pid>.<n>.tmp` whose
 * process is gone); a live process's temporary, this one's included, is never touched.
 *
 * Several processes may share the file (a `serve` running while `tsble bonds forget` removes a peer). Every
 * change is a read-modify-write under a cross-process lock (`<file>.lock`, see lock-file.ts): the file is read
 * afresh inside the lock, the change applied to what is on disk now, and the result written before the lock
 * is released, so no process writes back a stale copy over another's change. The synchronous reads (get,
 * list, localIdentity, revision) stat the file first (a few microseconds) and reload it when its inode, size,
 * modification or change time differ from what was last loaded or written; fs.watch would avoid the stat but
 * is asynchronous, so a get() right after another process's change could still miss it.
 *
 * The file holds long-term keys: one that group or others may read or write still loads, but a warning says
 * so (like ssh does for a private key), through `onWarning` (default: process.emitWarning). The store never
 * changes a file's mode itself.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { modeWarning } from './bond-file-mode.js';
import {
  type BondFileContents,
  type BondRecord,
  EMPTY_CONTENTS,
  type LocalIdentity,
  validateBondFile,
} from './bond-record.js';
import { BondStoreError } from './bond-store.js';
import { ContentsBondStore } from './contents-store.js';
import {
  LockTimeoutError,
  lockDraftOwner,
  processAlive,
  removeStaleLock,
  withLockFile,
} from './lock-file.js';

export interface FileBondStoreOptions {
  /** What to do with a file that exists but is not a valid bond file. Default 'fail'. */
  onCorrupt?: 'fail' | 'keep-copy';
  /** Told when a corrupt file was moved aside. */
  onCorruptCopy?: (copy: string, problem: string) => void;
  /**
   * Told about a problem that does not stop the store, such as a file that others may read. Default:
   * `process.emitWarning` with type 'BondStoreWarning'. Every warning is also kept in `warnings`.
   */
  onWarning?: (message: string) => void;
  /** How long a change waits for another process's lock before it rejects with code 'locked'. Default 5000 ms. */
  lockTimeoutMs?: number;
  /** A lock held longer than this is taken as abandoned even if its owner lives. Default 10000 ms. */
  staleLockMs?: number;
}

const FILE_MODE = 0o600;
let temporaryCounter = 0;

/** What identifies one version of the file on disk; `undefined` stands for no file. */
type FileVersion = string | undefined;

export class FileBondStore extends ContentsBondStore {
  readonly location: string;
  /** The lock that every read-modify-write of the file holds: `<file>.lock`. */
  readonly lockPath: string;
  /** The warnings given so far (also passed to `onWarning`). */
  readonly warnings: string[] = [];
  private readonly onCorrupt: 'fail' | 'keep-copy';
  private readonly onCorruptCopy: ((copy: string, problem: string) => void) | undefined;
  private readonly onWarning: (message: string) => void;
  private readonly lockOptions: { timeoutMs?: number; staleMs?: number };
  /** The version of the file the in-memory contents came from; null until loaded. */
  private loadedVersion: FileVersion | null = null;
  /** Changes of this store run one after another, each under the file lock. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(path = 'ble_secrets.json', options: FileBondStoreOptions = {}) {
    super();
    this.location = resolve(path);
    this.lockPath = `${this.location}.lock`;
    this.onCorrupt = options.onCorrupt ?? 'fail';
    this.onCorruptCopy = options.onCorruptCopy;
    this.onWarning =
      options.onWarning ?? ((message) => process.emitWarning(message, { type: 'BondStoreWarning' }));
    this.lockOptions = {
      ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}),
      ...(options.staleLockMs !== undefined ? { staleMs: options.staleLockMs } : {}),
    };
  }

  /** Opens and loads a store: rejects with a BondStoreError naming the file when it is corrupt or unreadable. */
  static async open(path?: string, options?: FileBondStoreOptions): Promise<FileBondStore> {
    const store = new FileBondStore(path, options);
    await store.load();
    return store;
  }

  /**
   * Loads the file, first removing what dead processes left behind (temporaries, a lock), and warns if others
   * may read or write it.
   */
  override async load(): Promise<void> {
    await this.removeStaleTemporaries();
    await removeStaleLock(this.lockPath, this.lockOptions);
    // The version is taken before the read: if the file changes in between, the next get() reloads it.
    const version = versionOf(await stat(this.location).catch(() => undefined));
    await super.load();
    this.loadedVersion = version;
    await this.checkMode();
  }

  override get(address: string): BondRecord | undefined {
    this.reloadIfChanged();
    return super.get(address);
  }

  override list(): BondRecord[] {
    this.reloadIfChanged();
    return super.list();
  }

  override localIdentity(): LocalIdentity | undefined {
    this.reloadIfChanged();
    return super.localIdentity();
  }

  override get revision(): number {
    this.reloadIfChanged();
    return super.revision;
  }

  /**
   * Every change (put, forget, forgetAll, setLocalIdentity) comes here: under the file lock, the base class
   * reads the file afresh, applies the change and writes the result; the version written is noted before the
   * lock is released, when no other process can have changed the file since.
   */
  protected override mutate(
    change: (current: BondFileContents) => BondFileContents | undefined,
  ): Promise<void> {
    const run = this.changes.then(() => this.locked(() => super.mutate(change)));
    this.changes = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every change asked for so far has been written (under the lock), or has failed. */
  override async settled(): Promise<void> {
    await this.changes;
    await super.settled();
  }

  private async locked(task: () => Promise<void>): Promise<void> {
    // The change's own failure (a BondStoreError, or a throwing `update` callback) is passed on as it is; only
    // the lock's failures are said to be the lock's.
    let failed: { error: unknown } | undefined;
    try {
      await withLockFile(this.lockPath, this.lockOptions, async () => {
        try {
          await task();
        } catch (error) {
          failed = { error };
          return;
        }
        this.loadedVersion = versionOf(await stat(this.location).catch(() => undefined));
      });
    } catch (cause) {
      throw cause instanceof LockTimeoutError
        ? new BondStoreError(
            'locked',
            this.location,
            `the bond store ${this.location} is locked: ${cause.message}, for longer than ${(this.lockOptions.timeoutMs ?? 5000) / 1000} s; if that process is stuck, stop it (or remove ${this.lockPath} if no process uses the store)`,
            { cause },
          )
        : new BondStoreError(
            'io',
            this.location,
            `cannot lock the bond store ${this.location} (${this.lockPath}): ${(cause as Error).message}`,
            { cause },
          );
    }
    if (failed) throw failed.error;
  }

  /**
   * Reloads the contents if another process changed the file. A file that cannot be read or parsed now keeps
   * the contents last loaded: the next change reports the problem, as it refuses to write.
   */
  private reloadIfChanged(): void {
    if (this.loadedVersion === null) return;
    let stats: Stats | undefined;
    try {
      stats = statSync(this.location);
    } catch {
      stats = undefined;
    }
    const version = versionOf(stats);
    if (version === this.loadedVersion) return;
    this.loadedVersion = version;
    if (version === undefined) {
      this.contents = EMPTY_CONTENTS;
      return;
    }
    let text: string;
    try {
      text = readFileSync(this.location, 'utf8');
    } catch {
      return;
    }
    const parsed = parseProblem(text);
    if (parsed.ok) this.contents = parsed.value;
  }

  /** Warns, once per mode, when group or others have any access to the file that holds our keys. */
  private async checkMode(): Promise<void> {
    const stats = await stat(this.location).catch(() => undefined);
    if (stats === undefined || !stats.isFile()) return;
    const message = modeWarning(this.location, stats.mode);
    if (message === undefined || this.warnings.includes(message)) return;
    this.warnings.push(message);
    this.onWarning(message);
  }

  /** Best effort: a temporary that cannot be listed or removed is left for a later load. */
  private async removeStaleTemporaries(): Promise<void> {
    const directory = dirname(this.location);
    const names = await readdir(directory).catch(() => [] as string[]);
    for (const name of names) {
      const pid = temporaryOwner(name, basename(this.location)) ?? lockDraftOwner(name, this.lockPath);
      if (pid === undefined || pid === process.pid || processAlive(pid)) continue;
      await unlink(resolve(directory, name)).catch(() => undefined);
    }
  }

  protected async read(): Promise<BondFileContents> {
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_CONTENTS;
      throw new BondStoreError(
        'io',
        this.location,
        `cannot read the bond store ${this.location}: ${(cause as Error).message}`,
        { cause },
      );
    }
    const problem = parseProblem(text);
    if (problem.ok) return problem.value;
    if (this.onCorrupt === 'keep-copy') {
      const copy = `${this.location}.corrupt-${new Date().toISOString().replaceAll(':', '-')}`;
      await this.moveAside(copy);
      this.onCorruptCopy?.(copy, problem.error);
      return EMPTY_CONTENTS;
    }
    throw new BondStoreError(
      'corrupt',
      this.location,
      `the bond store ${this.location} is corrupt (${problem.error}); it was left untouched: move it aside or delete it to start with no bonds`,
    );
  }

  private async moveAside(copy: string): Promise<void> {
    try {
      await rename(this.location, copy);
    } catch (cause) {
      throw new BondStoreError(
        'io',
        this.location,
        `cannot keep a copy of the corrupt bond store as ${copy}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  protected async write(contents: BondFileContents): Promise<void> {
    const directory = dirname(this.location);
    const temporary = resolve(
      directory,
      `.${basename(this.location)}.${process.pid}.${temporaryCounter++}.tmp`,
    );
    try {
      const file = await open(temporary, 'wx', FILE_MODE);
      try {
        await file.writeFile(`${JSON.stringify(contents, null, 2)}\n`, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.location);
      await syncDirectory(directory);
    } catch (cause) {
      await unlink(temporary).catch(() => undefined);
      throw new BondStoreError(
        'io',
        this.location,
        `cannot write the bond store ${this.location}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}

/** The pid in `.<file>.<pid>.<n>.tmp` (the name `write` gives its temporaries), or undefined for other files. */
function temporaryOwner(name: string, file: string): number | undefined {
  const prefix = `.${file}.`;
  if (!name.startsWith(prefix) || !name.endsWith('.tmp')) return undefined;
  const match = /^(\d+)\.\d+$/.exec(name.slice(prefix.length, -'.tmp'.length));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Inode, size, modification and change time: every write renames a new file into place, so the inode and the
 * change time differ even when the size and a coarse modification time do not.
 */
function versionOf(stats: Stats | undefined): FileVersion {
  return stats === undefined
    ? undefined
    : `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

function parseProblem(text: string): { ok: true; value: BondFileContents } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    return { ok: false, error: `not JSON: ${(cause as Error).message}` };
  }
  return validateBondFile(parsed);
}

/** The rename is only durable once the directory entry is: fsync the directory (not possible on Windows). */
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw cause;
  } finally {
    await handle?.close();
  }
}
