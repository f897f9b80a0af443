/**
 * Processes sharing one bond file (a `serve` while `tsble bonds forget` runs): real child processes, a real
 * file, the real lock. No acknowledged change may be undone by another process writing a stale copy.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateBondFile } from './bond-record.js';
import { FileBondStore } from './file-bond-store.js';

const LTK = {
  ltk: '00112233445566778899aabbccddeeff',
  ediv: 0,
  rand: '0000000000000000',
  keySize: 16,
  authenticated: true,
  sc: true,
};

let build: string;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), 'tsble-shared-build-'));
  buildSync({
    entryPoints: [fileURLToPath(new URL('./shared-file.test-support.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(build, 'shared-file.mjs'),
    logLevel: 'silent',
  });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsble-shared-'));
  return () => rm(dir, { recursive: true, force: true });
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(build, { recursive: true, force: true });
});

interface Acknowledged {
  op: 'put' | 'forget';
  address: string;
  ltk?: string;
}

function fixture(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [join(build, 'shared-file.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** Runs one churning child to its end; resolves with its acknowledged changes, in order. */
function churn(path: string, id: number, count: number, seed: number): Promise<Acknowledged[]> {
  const child = fixture(['churn', path, String(id), String(count), String(seed)]);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`churn ${id} exited ${code}: ${stderr}`));
      resolve(
        stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Acknowledged),
      );
    });
  });
}

describe('FileBondStore shared by processes', () => {
  it('loses no acknowledged put or forget when two processes change one file', {
    timeout: 120_000,
  }, async () => {
    const path = join(dir, 'ble_secrets.json');
    const [a, b] = await Promise.all([churn(path, 1, 200, 7), churn(path, 2, 200, 11)]);
    expect(a).toHaveLength(200);
    expect(b).toHaveLength(200);
    // Each process changes only its own peers, so the last change it acknowledged for a peer is the truth.
    const expected = new Map<string, string | undefined>();
    for (const change of [...a, ...b]) expected.set(change.address, change.ltk);
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(validateBondFile(onDisk).ok).toBe(true);
    const wrong: string[] = [];
    for (const [address, ltk] of expected) {
      const stored = onDisk.bonds[address]?.peerLtk?.ltk as string | undefined;
      if (stored !== ltk)
        wrong.push(`${address}: acknowledged ${ltk ?? 'forgotten'}, file has ${stored ?? 'nothing'}`);
    }
    expect(wrong).toEqual([]);
    expect(Object.keys(onDisk.bonds).sort()).toEqual(
      [...expected]
        .filter(([, ltk]) => ltk)
        .map(([address]) => address)
        .sort(),
    );
    // The lock and the lock drafts are gone.
    expect((await readdir(dir)).sort()).toEqual(['ble_secrets.json']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('a forget by another process is not undone by this one writing later', async () => {
    const path = join(dir, 'ble_secrets.json');
    const serve = await FileBondStore.open(path);
    await serve.put({ address: 'F0:F1:F2:F3:F4:F5/random', peerLtk: LTK });
    const bondsForget = await FileBondStore.open(path);
    expect(await bondsForget.forget('F0:F1:F2:F3:F4:F5/random')).toBe(true);
    // serve's synchronous view follows the file...
    expect(serve.get('F0:F1:F2:F3:F4:F5/random')).toBeUndefined();
    // ...and its next write starts from the file, not from what it had loaded.
    await serve.put({ address: 'AA:BB:CC:DD:EE:FF/public', peerLtk: LTK });
    expect((await FileBondStore.open(path)).list().map((r) => r.address)).toEqual([
      'AA:BB:CC:DD:EE:FF/public',
    ]);
  });

  it('loses no SignCounter step when three processes advance one record', { timeout: 60_000 }, async () => {
    const path = join(dir, 'ble_secrets.json');
    const peer = 'F0:F1:F2:F3:F4:F5/random';
    const csrk = { csrk: 'cc'.repeat(16), signCounter: 5, authenticated: false };
    await (await FileBondStore.open(path)).put({ address: peer, peerLtk: LTK, localCsrk: csrk });
    // They start on the lock of a process that died holding it: all of them find it stale at once.
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeFile(
      `${path}.lock`,
      `${JSON.stringify({ pid: dead.pid, host: hostname(), since: Date.now() })}\n`,
    );
    const run = () =>
      new Promise<void>((resolve, reject) => {
        const child = fixture(['count', path, peer, '100']);
        let stderr = '';
        child.stderr?.on('data', (d) => (stderr += d));
        child.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`count exited ${code}: ${stderr}`)),
        );
      });
    await Promise.all([run(), run(), run()]);
    expect((await FileBondStore.open(path)).get(peer)?.localCsrk?.signCounter).toBe(305);
    expect(await readdir(dir)).toEqual(['ble_secrets.json']);
  });

  it('an update never brings back a bond another process forgot', async () => {
    const path = join(dir, 'ble_secrets.json');
    const peer = 'F0:F1:F2:F3:F4:F5/random';
    const serve = await FileBondStore.open(path);
    await serve.put({ address: peer, peerLtk: LTK, cccd: { '12': 1 } });
    await (await FileBondStore.open(path)).forget(peer);
    expect(await serve.update(peer, (current) => ({ ...current, cccd: { '12': 2 } }))).toBeUndefined();
    expect((await FileBondStore.open(path)).list()).toEqual([]);
  });

  it('passes on what a failing update threw, and releases the lock', async () => {
    const path = join(dir, 'ble_secrets.json');
    const store = await FileBondStore.open(path);
    await store.put({ address: 'F0:F1:F2:F3:F4:F5/random', peerLtk: LTK });
    const bug = new RangeError('a bug in the change');
    await expect(
      store.update('F0:F1:F2:F3:F4:F5/random', () => {
        throw bug;
      }),
    ).rejects.toBe(bug);
    expect(await readdir(dir)).toEqual(['ble_secrets.json']);
    await store.forget('F0:F1:F2:F3:F4:F5/random');
  });

  it('takes over the lock of a process SIGKILLed while holding it', async () => {
    const path = join(dir, 'ble_secrets.json');
    const holder = fixture(['hold', path]);
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    const store = await FileBondStore.open(path, { lockTimeoutMs: 300 });
    // Alive and holding: a change waits, then gives up without writing.
    await expect(store.put({ address: 'F0:F1:F2:F3:F4:F5/random', peerLtk: LTK })).rejects.toMatchObject({
      name: 'BondStoreError',
      code: 'locked',
      message: expect.stringContaining(`process ${holder.pid}`),
    });
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect((await readdir(dir)).sort()).toEqual(['ble_secrets.json.lock']);
    const started = Date.now();
    await store.put({ address: 'F0:F1:F2:F3:F4:F5/random', peerLtk: LTK });
    expect(Date.now() - started).toBeLessThan(300);
    expect((await FileBondStore.open(path)).get('F0:F1:F2:F3:F4:F5/random')).toBeDefined();
    expect((await readdir(dir)).sort()).toEqual(['ble_secrets.json']);
  });

  it('takes over a lock older than the stale bound even if its owner lives', async () => {
    const path = join(dir, 'ble_secrets.json');
    // This very process "holds" it: alive, on this host, but for longer than staleLockMs.
    await writeFile(`${path}.lock`, `${JSON.stringify({ pid: process.pid, host: hostname(), since: 0 })}\n`);
    const store = await FileBondStore.open(path, { lockTimeoutMs: 2000, staleLockMs: 200 });
    await store.put({ address: 'F0:F1:F2:F3:F4:F5/random', peerLtk: LTK });
    expect((await readdir(dir)).sort()).toEqual(['ble_secrets.json']);
  });

  it('a load removes the lock of a dead process', async () => {
    const path = join(dir, 'ble_secrets.json');
    const exited = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => exited.once('exit', resolve));
    await writeFile(
      `${path}.lock`,
      `${JSON.stringify({ pid: exited.pid, host: hostname(), since: Date.now() })}\n`,
    );
    await FileBondStore.open(path);
    expect(await readdir(dir)).toEqual([]);
  });
});
