/**
 * `tsble demo` (what `npm start` runs) as a real process: a Passkey Entry pairing with both sides' view, the
 * bond, the encrypted reconnection without pairing, the authenticated reads, and the bond files it leaves.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainJs, run } from './e2e-helpers.test-support.js';

describe('tsble demo', { timeout: 30_000 }, () => {
  it('pairs with a passkey the sensor shows and the phone is asked for, then reconnects from the bond', async () => {
    const { code, events } = await run(['demo']);
    expect(code).toBe(0);
    const named = (name: string) => events.filter((e) => e.event === name);
    const [display] = named('passkey-display');
    expect(display?.passkey).toMatch(/^\d{6}$/);
    expect(named('passkey-request')).toHaveLength(1);
    // One pairing only, and an authenticated one: the reconnection encrypts from the bond.
    expect(named('paired')).toEqual([
      expect.objectContaining({
        method: 'passkey-entry',
        sc: true,
        authenticated: true,
        securityLevel: 4,
        bonded: true,
      }),
    ]);
    expect(named('read').map((e) => e.text)).toEqual([
      'open',
      'authenticated',
      'encrypted',
      'authenticated',
      'encrypted',
    ]);
    const encrypted = named('encrypted');
    expect(encrypted).toHaveLength(2);
    for (const e of encrypted) expect(e).toMatchObject({ authenticated: true, securityLevel: 4 });
    expect(named('connected').map((e) => e.bonded)).toEqual([false, true]);

    // The bond files stay behind, private, each holding the other device's authenticated keys.
    const [ready] = named('ready');
    const stores = ready?.bondStores as { sensor: string; phone: string };
    for (const [mine, theirs] of [
      [stores.phone, ready?.sensor],
      [stores.sensor, ready?.phone],
    ] as const) {
      expect(statSync(mine).mode & 0o777).toBe(0o600);
      const text = readFileSync(mine, 'utf8');
      expect(text).toContain(String(theirs));
      expect(text).toMatch(/"authenticated":\s*true/);
    }
    rmSync(dirname(stores.phone), { recursive: true, force: true });
  });

  it('tells both sides of the pairing and names the bond files on a terminal-style run', () => {
    const result = spawnSync(process.execPath, [mainJs, 'demo'], {
      encoding: 'utf8',
      env: { ...process.env, TSBLE_TRANSPORT: '' },
    });
    expect(result.status).toBe(0);
    const passkey = /sensor's display: "Passkey (\d{6})"/.exec(result.stdout)?.[1];
    expect(passkey).toBeDefined();
    expect(result.stdout).toContain('phone asks its user: "Type the passkey shown on');
    expect(result.stdout).toContain(`phone: ${passkey} typed (by the demo`);
    const kept = /bond files: (\S+\/phone\.json) and (\S+\/sensor\.json)/.exec(result.stdout);
    expect(kept).not.toBeNull();
    for (const file of kept?.slice(1) ?? []) expect(statSync(file).mode & 0o777).toBe(0o600);
    if (kept?.[1]) rmSync(dirname(kept[1]), { recursive: true, force: true });
    expect(result.stdout).toContain('no pairing, no passkey this time');
  });
});
