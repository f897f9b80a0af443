/**
 * The small things issue 15 found: the bond store's empty and missing cases, and a pairing-failed hint that
 * names the cause that applied. Real processes over a `tsble sim --listen` socket.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, event, launch, run } from './e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-small-'));
const socket = join(dir, 'sim.sock');
const transport = ['--transport', `unix:${socket}`];

beforeAll(async () => {
  await launch(['sim', '--listen', `unix:${socket}`]).waitFor('ready');
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

describe('the bond store', { timeout: 30_000 }, () => {
  it('bonds --json with no bonds prints a "bonds" event with count 0', async () => {
    const { code, events } = await run(['bonds', '--bond-store', join(dir, 'none.json')]);
    expect(code).toBe(0);
    expect(events).toEqual([{ event: 'bonds', location: join(dir, 'none.json'), exists: false, count: 0 }]);
  });

  it('bonds forget on a file that does not exist says so, exit 1, and creates nothing', async () => {
    const typo = join(dir, 'typo.json');
    const all = await run(['bonds', 'forget', '--all', '--bond-store', typo]);
    expect(all.code).toBe(1);
    expect(event(all.events, 'forgotten')).toBeUndefined();
    expect(event(all.events, 'error')).toMatchObject({ code: 'not-found' });
    expect(String(event(all.events, 'error')?.message)).toMatch(
      /typo\.json does not exist, so there is nothing to forget/,
    );
    const one = await run(['bonds', 'forget', 'C0:00:00:00:00:01/random', '--bond-store', typo]);
    expect(one.code).toBe(1);
    expect(existsSync(typo)).toBe(false);
  });
});

describe('a failed pairing names the cause that applied', { timeout: 30_000 }, () => {
  it('a Secure Connections Only peer refusing --legacy: drop --legacy, and nothing about IO', async () => {
    const serve = launch(['serve', '--sc-only', ...transport, '--bond-store', join(dir, 'sc-only.json')]);
    const address = (await serve.waitFor('ready')).address as string;
    const { code, events } = await run([
      'pair',
      address,
      '--legacy',
      ...transport,
      '--bond-store',
      join(dir, 'legacy.json'),
    ]);
    expect(code).toBe(1);
    const failed = event(events, 'pairing-failed');
    expect(failed).toMatchObject({ reason: 3, byPeer: true });
    expect(String(failed?.hint)).toMatch(/drop --legacy$/);
    expect(String(failed?.hint)).not.toMatch(/--io/);
    // The peripheral, which refused, says exactly why.
    expect(String((await serve.waitFor('pairing-failed')).message)).toMatch(/Secure Connections Only/);
    serve.child.kill('SIGTERM');
  });
});
