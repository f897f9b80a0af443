import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateBondFile } from './bond-record.js';
import { BondStoreError } from './bond-store.js';
import { FileBondStore } from './file-bond-store.js';
import { MemoryBondStore } from './memory-bond-store.js';

const LTK = {
  ltk: '00112233445566778899aabbccddeeff',
  ediv: 0,
  rand: '0000000000000000',
  keySize: 16,
  authenticated: true,
  sc: true,
};
const PEER = 'F0:F1:F2:F3:F4:F5/random';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsble-bonds-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileBondStore', () => {
  it('starts empty without a file and saves one entry per peer with mode 0600', async () => {
    const path = join(dir, 'ble_secrets.json');
    const store = await FileBondStore.open(path);
    expect(store.list()).toEqual([]);
    await store.put({
      address: PEER,
      peerLtk: LTK,
      localLtk: LTK,
      peerIrk: 'aa'.repeat(16),
      cccd: { '12': 1 },
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const reopened = await FileBondStore.open(path);
    expect(reopened.get(PEER)?.peerLtk).toEqual(LTK);
    expect(reopened.get(PEER)?.cccd).toEqual({ '12': 1 });
    expect(validateBondFile(JSON.parse(await readFile(path, 'utf8'))).ok).toBe(true);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the local identity beside the bonds and across forgetAll', async () => {
    const path = join(dir, 'bonds.json');
    const store = await FileBondStore.open(path);
    await store.setLocalIdentity({ irk: '11'.repeat(16), staticAddress: 'C1:22:33:44:55:66/random' });
    await store.put({ address: PEER, peerLtk: LTK });
    await store.put({ address: 'AA:BB:CC:DD:EE:FF/public', peerLtk: LTK });
    expect(await store.forget(PEER)).toBe(true);
    expect(await store.forget(PEER)).toBe(false);
    expect(await store.forgetAll()).toBe(1);
    const reopened = await FileBondStore.open(path);
    expect(reopened.list()).toEqual([]);
    expect(reopened.localIdentity()?.irk).toBe('11'.repeat(16));
  });

  it('merges changes made by another process sharing the file', async () => {
    const path = join(dir, 'shared.json');
    const a = await FileBondStore.open(path);
    const b = await FileBondStore.open(path);
    await a.put({ address: PEER, peerLtk: LTK });
    await b.put({ address: 'AA:BB:CC:DD:EE:FF/public', peerLtk: LTK });
    await a.load();
    expect(
      a
        .list()
        .map((r) => r.address)
        .sort(),
    ).toEqual(['AA:BB:CC:DD:EE:FF/public', PEER]);
  });

  it('reports a corrupt file by name and never overwrites it', async () => {
    const path = join(dir, 'ble_secrets.json');
    await writeFile(path, '{"version":1,"bonds":{"x":');
    const opened = FileBondStore.open(path);
    await expect(opened).rejects.toBeInstanceOf(BondStoreError);
    await expect(opened).rejects.toMatchObject({ code: 'corrupt', file: path });
    await expect(opened).rejects.toThrow(path);
    // A store that failed to load still refuses to write over the file.
    const store = new FileBondStore(path);
    await expect(store.put({ address: PEER, peerLtk: LTK })).rejects.toMatchObject({ code: 'corrupt' });
    expect(await readFile(path, 'utf8')).toBe('{"version":1,"bonds":{"x":');
  });

  it('rejects a file that parses but holds invalid keys', async () => {
    const path = join(dir, 'ble_secrets.json');
    await writeFile(
      path,
      JSON.stringify({
        version: 1,
        bonds: { [PEER]: { address: PEER, peerLtk: { ...LTK, ltk: 'zz' }, createdAt: '', updatedAt: '' } },
      }),
    );
    await expect(FileBondStore.open(path)).rejects.toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('peerLtk.ltk'),
    });
  });

  it('keeps a copy of a corrupt file when asked to start afresh', async () => {
    const path = join(dir, 'ble_secrets.json');
    await writeFile(path, 'garbage');
    const copies: string[] = [];
    const store = await FileBondStore.open(path, {
      onCorrupt: 'keep-copy',
      onCorruptCopy: (copy) => copies.push(copy),
    });
    expect(store.list()).toEqual([]);
    expect(copies).toHaveLength(1);
    expect(await readFile(copies[0] as string, 'utf8')).toBe('garbage');
    await store.put({ address: PEER, peerLtk: LTK });
    expect((await FileBondStore.open(path)).get(PEER)).toBeDefined();
  });

  it('is an io error naming the file when it cannot be read', async () => {
    const path = join(dir, 'a-directory');
    await (await import('node:fs/promises')).mkdir(path);
    await expect(FileBondStore.open(path)).rejects.toMatchObject({ code: 'io', file: path });
  });

  it('removes the temporaries of dead writers on load, never those of a live process', async () => {
    const path = join(dir, 'ble_secrets.json');
    const exited = spawn(process.execPath, ['-e', '']);
    const deadPid = exited.pid as number;
    await new Promise((resolve) => exited.once('exit', resolve));
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const livePid = alive.pid as number;
      const names = {
        dead: `.ble_secrets.json.${deadPid}.3.tmp`,
        deadLockDraft: `.ble_secrets.json.lock.${deadPid}.0.tmp`,
        liveLockDraft: `.ble_secrets.json.lock.${livePid}.0.tmp`,
        live: `.ble_secrets.json.${livePid}.0.tmp`,
        ours: `.ble_secrets.json.${process.pid}.7.tmp`,
        other: `.other.json.${deadPid}.0.tmp`,
      };
      for (const name of Object.values(names)) await writeFile(join(dir, name), '{"version":1,"bon');
      const store = await FileBondStore.open(path);
      expect(store.list()).toEqual([]);
      const left = await readdir(dir);
      expect(left).not.toContain(names.dead);
      expect(left).not.toContain(names.deadLockDraft);
      expect(left).toEqual(
        expect.arrayContaining([names.live, names.ours, names.other, names.liveLockDraft]),
      );
    } finally {
      alive.kill('SIGKILL');
    }
  });

  it('leaves a complete, loadable file when a saving process is SIGKILLed', { timeout: 60_000 }, async () => {
    const script = join(dir, 'save-loop.mjs');
    buildSync({
      entryPoints: [fileURLToPath(new URL('./save-loop.test-support.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
    });
    const path = join(dir, 'ble_secrets.json');
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 100 + round * 37));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const store = await FileBondStore.open(path);
      expect(store.list().length).toBeGreaterThan(0);
      expect(validateBondFile(JSON.parse(await readFile(path, 'utf8'))).ok).toBe(true);
      // Whatever temporary the killed writer left, loading removed it.
      expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }
  });
});

describe('FileBondStore file mode', () => {
  async function bondFileWithMode(mode: number): Promise<string> {
    const path = join(dir, 'ble_secrets.json');
    await (await FileBondStore.open(path)).put({ address: PEER, peerLtk: LTK });
    await chmod(path, mode);
    return path;
  }

  it('loads a file that others may read, and warns like ssh without changing its mode', async () => {
    const path = await bondFileWithMode(0o644);
    const told: string[] = [];
    const store = await FileBondStore.open(path, { onWarning: (message) => told.push(message) });
    expect(store.get(PEER)?.peerLtk).toEqual(LTK);
    const warning = `${path} is readable by others (mode 0644): it holds your bonding keys; run chmod 600 ${path}`;
    expect(told).toEqual([warning]);
    expect(store.warnings).toEqual([warning]);
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    // Once per store, not at every load.
    await store.load();
    expect(told).toHaveLength(1);
  });

  it('names write access by group too', async () => {
    const path = await bondFileWithMode(0o620);
    const store = await FileBondStore.open(path, { onWarning: () => undefined });
    expect(store.warnings).toEqual([
      `${path} is writable by others (mode 0620): it holds your bonding keys; run chmod 600 ${path}`,
    ]);
  });

  it('says nothing about a 0600 file, nor about a file not yet created', async () => {
    const path = await bondFileWithMode(0o600);
    const told: string[] = [];
    const store = await FileBondStore.open(path, { onWarning: (message) => told.push(message) });
    const fresh = await FileBondStore.open(join(dir, 'new.json'), {
      onWarning: (message) => told.push(message),
    });
    expect(told).toEqual([]);
    expect(store.warnings).toEqual([]);
    expect(fresh.warnings).toEqual([]);
  });

  it('without onWarning, warns through process.emitWarning', async () => {
    const path = await bondFileWithMode(0o604);
    const emitted = new Promise<Error>((resolve) => process.once('warning', resolve));
    await FileBondStore.open(path);
    const warning = await emitted;
    expect(warning.name).toBe('BondStoreWarning');
    expect(warning.message).toContain(`${path} is readable by others (mode 0604)`);
  });
});

describe('MemoryBondStore', () => {
  it('behaves like the file store without touching disk', async () => {
    const store = new MemoryBondStore();
    const saved = await store.put({ address: PEER, peerLtk: LTK });
    expect(saved.createdAt).toBe(saved.updatedAt);
    await store.load();
    expect(store.get(PEER)?.peerLtk).toEqual(LTK);
    expect(store.location).toBe('memory');
  });
});
