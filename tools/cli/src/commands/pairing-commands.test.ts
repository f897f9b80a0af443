/**
 * End to end: tsble central against tsble peripheral, two processes, over the virtual controller served on a
 * unix socket (`tsble sim --listen`) and over BlueZ's btvirt (`tools/interop/btvirt.sh`). Every command
 * runs the built CLI (`dist/main.js`) with `--json` and the tests read its contract events.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  btvirtSkipReason,
  children,
  event,
  launch,
  type Running,
  run,
  startBtvirt,
} from './e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-pairing-'));

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

/** The scenarios, for one transport. `serveArgs` pins the peripheral's address where the transport allows. */
function scenarios(transport: () => string, options: { fixedServeAddress: boolean }) {
  let serve: Running;
  let serveAddress: string;
  const peripheralStore = () => join(dir, `${transport().replace(/\W/g, '_')}-serve.json`);
  const centralStore = join(dir, `central-${Math.random().toString(36).slice(2)}.json`);
  const central = (extra: string[] = []) => [
    '--transport',
    transport(),
    '--bond-store',
    centralStore,
    '--address',
    'C0:11:22:33:44:55',
    ...extra,
  ];
  // A central the peripheral has never bonded with: a weaker pairing than an existing bond is refused
  // (no silent downgrade), so scenarios that start over use a new identity.
  let fresh = 0;
  const newCentral = (extra: string[] = []) => {
    fresh += 1;
    const suffix = fresh.toString(16).padStart(2, '0').toUpperCase();
    return [
      '--transport',
      transport(),
      '--bond-store',
      join(dir, `fresh-${fresh}-${Math.random().toString(36).slice(2)}.json`),
      '--address',
      `C1:00:00:00:00:${suffix}`,
      ...extra,
    ];
  };

  async function stopServe(): Promise<void> {
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await new Promise((resolve) => serve.child.once('close', resolve));
    }
  }

  async function startServe(args: string[] = []): Promise<void> {
    await stopServe();
    const address = options.fixedServeAddress ? ['--address', 'D0:AA:BB:CC:DD:EE'] : [];
    serve = launch([
      'serve',
      '--transport',
      transport(),
      '--bond-store',
      peripheralStore(),
      ...address,
      ...args,
    ]);
    serveAddress = (await serve.waitFor('ready')).address as string;
  }

  it('pairs with LE Secure Connections Just Works and both sides bond (exit 0)', async () => {
    await startServe();
    const { code, events } = await run(['pair', serveAddress, '--show-keys', ...central()]);
    expect(code).toBe(0);
    const paired = event(events, 'paired');
    expect(paired).toMatchObject({
      method: 'just-works',
      sc: true,
      authenticated: false,
      keySize: 16,
      bonded: true,
    });
    expect(paired?.ltk).toMatch(/^[0-9a-f]{32}$/);
    expect(await serve.waitFor('paired')).toMatchObject({ method: 'just-works', sc: true });
    expect(event(events, 'disconnected')).toBeDefined();
  });

  it('reconnects encrypted from the bond without pairing and reads the protected value', async () => {
    const { code, events } = await run([
      'read',
      serveAddress,
      'b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00',
      ...central(),
    ]);
    expect(code).toBe(0);
    expect(event(events, 'paired')).toBeUndefined();
    expect(event(events, 'encrypted')).toMatchObject({ securityLevel: 2, sc: true });
    expect(event(events, 'read')).toMatchObject({ text: 'encrypted' });
  });

  it('forgets the bond, then pairs again', async () => {
    const forgot = await run(['bonds', 'forget', serveAddress, '--bond-store', centralStore]);
    expect(forgot.code).toBe(0);
    const listed = await run(['bonds', '--bond-store', centralStore]);
    expect(listed.events.filter((e) => e.event === 'bond')).toHaveLength(0);
    const { code, events } = await run([
      'read',
      serveAddress,
      'b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00',
      ...central(),
    ]);
    expect(code).toBe(0);
    expect(event(events, 'paired')).toMatchObject({ sc: true, bonded: true });
    // The peripheral still had the bond: the same identity pairing again from its own address replaces it
    // (the default re-pairing policy) and says so.
    expect(await serve.waitFor('bond-replaced')).toMatchObject({ address: 'C0:11:22:33:44:55/random' });
  });

  it('pairs with Passkey Entry: the peripheral displays, the central types it on stdin', async () => {
    await startServe(['--io', 'display']);
    const { code, events } = await run(
      ['pair', serveAddress, '--io', 'keyboard', '--mitm', ...central()],
      (running) => {
        serve.waitFor('passkey-display').then((shown) => running.child.stdin?.write(`${shown.passkey}\n`));
      },
    );
    expect(code).toBe(0);
    expect(event(events, 'passkey-request')).toBeDefined();
    expect(event(events, 'paired')).toMatchObject({
      method: 'passkey-entry',
      authenticated: true,
      securityLevel: 4,
    });
  });

  it('fails Passkey Entry with a wrong passkey (exit 1, pairing-failed)', async () => {
    const { code, events } = await run([
      'pair',
      serveAddress,
      '--io',
      'keyboard',
      '--mitm',
      '--passkey',
      '000001',
      ...central(),
    ]);
    expect(code).toBe(1);
    expect(event(events, 'pairing-failed')).toMatchObject({ reason: 0x04 });
  });

  it('pairs with Numeric Comparison when both sides confirm', async () => {
    await startServe(['--io', 'display-yesno', '--yes']);
    const { code, events } = await run([
      'pair',
      serveAddress,
      '--io',
      'display-yesno',
      '--yes',
      '--mitm',
      ...central(),
    ]);
    expect(code).toBe(0);
    const shown = event(events, 'numeric-comparison');
    expect(shown?.value).toMatch(/^\d{6}$/);
    expect((await serve.waitFor('numeric-comparison')).value).toBe(shown?.value);
    expect(event(events, 'paired')).toMatchObject({ method: 'numeric-comparison', authenticated: true });
  });

  it('pairs with legacy Just Works and legacy Passkey Entry', async () => {
    await startServe(['--io', 'display', '--passkey', '123456']);
    const jw = await run(['pair', serveAddress, '--legacy', ...newCentral()]);
    expect(jw.code).toBe(0);
    expect(event(jw.events, 'paired')).toMatchObject({ method: 'just-works', sc: false });
    const pk = await run([
      'pair',
      serveAddress,
      '--legacy',
      '--io',
      'keyboard',
      '--passkey',
      '123456',
      '--mitm',
      ...newCentral(),
    ]);
    expect(pk.code).toBe(0);
    expect(event(pk.events, 'paired')).toMatchObject({
      method: 'passkey-entry',
      sc: false,
      authenticated: true,
      securityLevel: 3,
    });
  });

  it('pairs out of band: LE Secure Connections (serve writes its OOB data, pair reads it) and legacy TK', async () => {
    const scFile = join(dir, `oob-sc-${Math.random().toString(36).slice(2)}.json`);
    await startServe(['--oob', scFile]);
    const sc = await run(['pair', serveAddress, '--oob', scFile, ...newCentral()]);
    expect(sc.code).toBe(0);
    expect(event(sc.events, 'paired')).toMatchObject({
      method: 'oob',
      sc: true,
      authenticated: true,
      securityLevel: 4,
    });
    const tkFile = join(dir, `oob-tk-${Math.random().toString(36).slice(2)}.json`);
    await startServe(['--legacy', '--oob', tkFile]);
    const legacy = await run(['pair', serveAddress, '--legacy', '--oob', tkFile, ...newCentral()]);
    expect(legacy.code).toBe(0);
    expect(event(legacy.events, 'paired')).toMatchObject({ method: 'oob', sc: false, authenticated: true });
  });

  it.runIf(options.fixedServeAddress)(
    'reports a peer that lost the bond (exit 1) instead of pairing again',
    async () => {
      await startServe();
      const lost = newCentral();
      const paired = await run(['pair', serveAddress, ...lost]);
      expect(paired.code).toBe(0);
      // The peripheral saves its side a moment after the central is done: wait, stop it, then wipe its store.
      await serve.waitFor('paired', (e) => e.address === `${lost[5]}/random`);
      await stopServe();
      writeFileSync(peripheralStore(), JSON.stringify({ version: 1, bonds: {} }));
      await startServe();
      const { code, events } = await run([
        'read',
        serveAddress,
        'b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00',
        ...lost,
      ]);
      expect(code).toBe(1);
      expect(event(events, 'paired')).toBeUndefined();
      expect(events.find((e) => e.event === 'error' && e.code === 'bond-lost')).toBeDefined();
    },
  );

  it('refuses to replace a bond with a weaker pairing (no silent downgrade)', async () => {
    await startServe();
    const identity = newCentral();
    expect((await run(['pair', serveAddress, ...identity])).code).toBe(0);
    await serve.waitFor('paired', (e) => e.address === `${identity[5]}/random`);
    writeFileSync(identity[3] as string, JSON.stringify({ version: 1, bonds: {} }));
    const { code, events } = await run(['pair', serveAddress, '--legacy', ...identity]);
    expect(code).toBe(1);
    expect(event(events, 'pairing-failed')).toBeDefined();
  });

  it('refuses a corrupt bond file by name and leaves it untouched (exit 1)', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"version":1,"bonds":');
    const { code, events } = await run([
      'pair',
      serveAddress,
      '--transport',
      transport(),
      '--bond-store',
      corrupt,
    ]);
    expect(code).toBe(1);
    expect(String(event(events, 'error')?.message)).toContain(corrupt);
    expect(readFileSync(corrupt, 'utf8')).toBe('{"version":1,"bonds":');
  });
}

describe('tsble central against tsble peripheral over the virtual controller socket', {
  timeout: 60_000,
}, () => {
  const socket = join(dir, 'sim.sock');
  beforeAll(async () => {
    const sim = launch(['sim', '--listen', `unix:${socket}`]);
    await sim.waitFor('ready');
  });
  scenarios(() => `unix:${socket}`, { fixedServeAddress: true });
});

describe.skipIf(btvirtSkipReason() !== undefined)(
  'tsble central against tsble peripheral over BlueZ btvirt',
  { timeout: 60_000 },
  () => {
    let stop: (() => void) | undefined;
    beforeAll(async () => {
      stop = await startBtvirt();
    }, 120_000);
    afterAll(() => stop?.());
    // btvirt gives every client its own public address, so the peripheral's address cannot be pinned across restarts.
    scenarios(() => 'unix:/tmp/bt-server-le', { fixedServeAddress: false });
  },
);
