/**
 * Host.close resolves only once the bond store has written what the links saved on their way out: a process
 * that exits right after closing (tsble pair) cuts no write short, so no lock or draft file is left beside the
 * bond file and the bond's GATT state is in it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileBondStore } from './bond-store/file-bond-store.js';
import { hostsOnOneAir } from './bonded-pair.test-support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Host.close and the bond store', () => {
  it('waits for the writes a bonding started: only the bond file is left, with the GATT state saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsble-close-'));
    dirs.push(dir);
    const file = join(dir, 'ble_secrets.json');
    const hosts = await hostsOnOneAir({ central: { bondStore: await FileBondStore.open(file) } });
    const { ours } = await hosts.connect();
    await ours.pair({ bond: true });
    await hosts.central.close();
    expect(readdirSync(dir)).toEqual(['ble_secrets.json']);
    const [bond] = Object.values(JSON.parse(readFileSync(file, 'utf8')).bonds) as Record<string, unknown>[];
    expect(bond).toHaveProperty('cccd');
    await hosts.peripheral.close();
  });
});
