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
 */
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { type BondFileContents, EMPTY_CONTENTS, validateBondFile } from './bond-record.js';
import { BondStoreError } from './bond-store.js';
import { ContentsBondStore } from './contents-store.js';

export interface FileBondStoreOptions {
  /** What to do with a file that exists but is not a valid bond file. Default 'fail'. */
  onCorrupt?: 'fail' | 'keep-copy';
  /** Told when a corrupt file was moved aside. */
  onCorruptCopy?: (copy: string, problem: string) => void;
}

const FILE_MODE = 0o600;
let temporaryCounter = 0;

export class FileBondStore extends ContentsBondStore {
  readonly location: string;
  private readonly onCorrupt: 'fail' | 'keep-copy';
  private readonly onCorruptCopy: ((copy: string, problem: string) => void) | undefined;

  constructor(path = 'ble_secrets.json', options: FileBondStoreOptions = {}) {
    super();
    this.location = resolve(path);
    this.onCorrupt = options.onCorrupt ?? 'fail';
    this.onCorruptCopy = options.onCorruptCopy;
  }

  /** Opens and loads a store: rejects with a BondStoreError naming the file when it is corrupt or unreadable. */
  static async open(path?: string, options?: FileBondStoreOptions): Promise<FileBondStore> {
    const store = new FileBondStore(path, options);
    await store.load();
    return store;
  }

  /** Loads the file, first removing the temporaries that dead writers left behind. */
  override async load(): Promise<void> {
    await this.removeStaleTemporaries();
    await super.load();
  }

  /** Best effort: a temporary that cannot be listed or removed is left for a later load. */
  private async removeStaleTemporaries(): Promise<void> {
    const directory = dirname(this.location);
    const names = await readdir(directory).catch(() => [] as string[]);
    for (const name of names) {
      const pid = temporaryOwner(name, basename(this.location));
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

/** Signal 0 checks for existence only; EPERM means the process exists but belongs to someone else. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
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
