/**
 * The bond file holds long-term keys: the commands that open it warn on stderr, like ssh, when group or others
 * may read or write it, and still work. Real processes and real files.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const mainJs = new URL('../dist/main.js', import.meta.url).pathname;
const PEER = 'F0:F1:F2:F3:F4:F5/random';
const LTK = {
  ltk: '00112233445566778899aabbccddeeff',
  ediv: 0,
  rand: '0000000000000000',
  keySize: 16,
  authenticated: true,
  sc: true,
};
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsble-bond-mode-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function tsble(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [mainJs, ...args],
      { env: { ...process.env, TSBLE_TRANSPORT: '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function bondFile(mode: number): Promise<string> {
  const path = join(dir, 'ble_secrets.json');
  const now = new Date(0).toISOString();
  const record = { address: PEER, peerLtk: LTK, createdAt: now, updatedAt: now };
  await writeFile(path, JSON.stringify({ version: 1, bonds: { [PEER]: record } }));
  await chmod(path, mode);
  return path;
}

describe('a bond file others may read', { timeout: 30_000 }, () => {
  it('tsble bonds warns on stderr, lists the bonds and leaves the mode alone', async () => {
    const path = await bondFile(0o644);
    const r = await tsble(['bonds', '--bond-store', path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `tsble: warning: ${path} is readable by others (mode 0644): it holds your bonding keys; run chmod 600 ${path}\n`,
    );
    expect(r.stdout).toContain('F0:F1:F2:F3:F4:F5');
    expect((await stat(path)).mode & 0o777).toBe(0o644);
  });

  it('--json keeps stdout JSON and warns on stderr', async () => {
    const path = await bondFile(0o664);
    const r = await tsble(['bonds', '--json', '--bond-store', path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${path} is readable and writable by others (mode 0664)`);
    for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('tsble info (which reads the address kept in the file) warns once', async () => {
    const path = await bondFile(0o640);
    const r = await tsble(['info', '--bond-store', path]);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/tsble: warning: /g)).toEqual(['tsble: warning: ']);
    expect(r.stderr).toContain(`tsble: warning: ${path} is readable by others (mode 0640)`);
  });

  it('says nothing about a 0600 file', async () => {
    const path = await bondFile(0o600);
    const r = await tsble(['bonds', '--bond-store', path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
