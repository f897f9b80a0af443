/**
 * tsble sim --addresses and --btsnoop, as processes: clients get the listed addresses in order (a client that
 * comes back gets its own again, so peers' bonds still name it), and the capture holds every client's HCI as
 * the controller saw it, one controller index per client, readable by its owner only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { children, event, launch, run } from './e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-sim-clients-'));

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

const installed = (tool: string) => {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('tsble sim --addresses --btsnoop --interval', { timeout: 60_000 }, () => {
  it('refuses an interval outside the LE range, and a bad address list', async () => {
    for (const args of [
      ['--interval', '5'],
      ['--interval', 'soon'],
      ['--addresses', 'C0:00:00:00:00:0A,C0:00:00:00:00:0a'],
    ]) {
      const r = await run(['sim', '--listen', 'tcp:0', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('hands out fixed addresses in order and captures every client', async () => {
    const socket = join(dir, 'sim.sock');
    const capture = join(dir, 'sim.btsnoop');
    const sim = launch([
      'sim',
      '--listen',
      `unix:${socket}`,
      '--addresses',
      'C0:00:00:00:00:0A,C0:00:00:00:00:0B',
      '--btsnoop',
      capture,
      '--interval',
      '30',
    ]);
    const ready = await sim.waitFor('ready');
    expect(ready).toMatchObject({
      addresses: ['C0:00:00:00:00:0A', 'C0:00:00:00:00:0B'],
      btsnoop: capture,
      interval: 'every 30 ms',
    });
    const info = async () => {
      const r = await run(['info', '--transport', `unix:${socket}`, '--bond-store', join(dir, 'bonds.json')]);
      expect(r.code).toBe(0);
      return event(r.events, 'info')?.address;
    };
    // One client at a time: each gets the first address nobody holds, the same one every time.
    expect(await info()).toBe('C0:00:00:00:00:0A');
    expect(await info()).toBe('C0:00:00:00:00:0A');
    // While one client holds the first address, the next gets the second.
    const holder = launch([
      'serve',
      '--transport',
      `unix:${socket}`,
      '--bond-store',
      join(dir, 'serve.json'),
    ]);
    await holder.waitFor('advertising');
    expect(await info()).toBe('C0:00:00:00:00:0B');
    holder.child.kill('SIGTERM');
    await new Promise((resolve) => holder.child.on('close', resolve));
    sim.child.kill('SIGTERM');
    expect(await new Promise((resolve) => sim.child.on('close', resolve))).toBe(0);
    expect(statSync(capture).mode & 0o077).toBe(0);
    if (!installed('btmon')) return console.warn('skipping the btmon check: not installed');
    const text = execFileSync('btmon', ['-r', capture], { encoding: 'utf8' });
    // Four clients: two info runs, serve, one more info; each announced with its address, each reset.
    expect(text.match(/New Index: C0:00:00:00:00:0A/g)).toHaveLength(3);
    expect(text.match(/New Index: C0:00:00:00:00:0B/g)).toHaveLength(1);
    expect(text.match(/< HCI Command: Reset/g)?.length).toBeGreaterThanOrEqual(4);
    expect(text).toMatch(/< HCI Command: LE Set Advertise Ena/);
  });
});
