/**
 * Interop with a stack that is not ours: the npm package `ble-host` (its own SMP, written independently) pairs
 * with tsble over BlueZ's btvirt, in both roles: LE Secure Connections Just Works, Passkey Entry and Numeric
 * Comparison, legacy Just Works and Passkey Entry, and a bonded reconnection. btvirt itself checks that both
 * sides' LTKs agree before it lets the link encrypt. The ble-host side is ble-host-peer.fixture.cjs.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  btvirtSkipReason,
  children,
  event,
  launch,
  launchScript,
  type Running,
  run,
  startBtvirt,
} from './e2e-helpers.test-support.js';

const fixture = new URL('./ble-host-peer.test-support.cjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tsble-blehost-'));
const SOCKET = '/tmp/bt-server-le';
const ENCRYPTED = 'b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00';
const AUTHENTICATED = 'b1e50003-3c9b-4e7a-9f1d-5e2a7c4d8b00';

function bleHostInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('ble-host');
    return true;
  } catch {
    return false;
  }
}

/** ble-host's IO capability numbers (its io-capabilities.js, the spec's Table 3.4). */
const IO = { none: 3, display: 0, displayYesNo: 1, keyboard: 2 } as const;

let n = 0;
function bleHost(config: Record<string, unknown>): Running {
  const cwd = mkdtempSync(join(dir, `peer-${n++}-`)); // ble-host keeps its bonds under its cwd
  return launchScript(fixture, [JSON.stringify({ socket: SOCKET, ...config })], { stdin: 'pipe', cwd });
}

function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

afterAll(stopAll);

const skip = btvirtSkipReason() ?? (bleHostInstalled() ? undefined : 'ble-host is not installed');

describe.skipIf(skip !== undefined)('interop: tsble and ble-host over btvirt', { timeout: 60_000 }, () => {
  let stop: (() => void) | undefined;
  beforeAll(async () => {
    stop = await startBtvirt();
  }, 120_000);
  afterAll(() => {
    stopAll();
    stop?.();
  });

  describe('tsble central, ble-host peripheral', () => {
    let peer: Running;
    let address = 0;
    /** A fresh ble-host peripheral (it takes btvirt's first free slot, 00:AA:01:00:00:42) and a fresh tsble identity. */
    async function peripheral(config: Record<string, unknown> = {}) {
      if (peer && peer.child.exitCode === null) {
        peer.child.kill('SIGTERM');
        await new Promise((resolve) => peer.child.once('close', resolve));
      }
      peer = bleHost({ role: 'peripheral', ...config });
      await peer.waitFor('ready');
      address += 1;
      const store = join(dir, `central-${address}.json`);
      return [
        '--transport',
        `unix:${SOCKET}`,
        '--bond-store',
        store,
        '--address',
        `C0:00:00:00:01:${address.toString(16).padStart(2, '0')}`,
      ];
    }

    it('LE SC Just Works, then a bonded reconnection encrypts without pairing', async () => {
      const args = await peripheral();
      const first = await run(['pair', '00:AA:01:00:00:42/public', ...args]);
      expect(first.code).toBe(0);
      expect(event(first.events, 'paired')).toMatchObject({ method: 'just-works', sc: true, bonded: true });
      expect(await peer.waitFor('paired')).toMatchObject({ sc: true, mitm: false, bond: true });
      const again = await run(['read', '00:AA:01:00:00:42/public', ENCRYPTED, ...args]);
      expect(again.code).toBe(0);
      expect(event(again.events, 'paired')).toBeUndefined();
      expect(event(again.events, 'read')).toMatchObject({ text: 'encrypted' });
    });

    it('LE SC Passkey Entry: ble-host displays, tsble types it', async () => {
      const args = await peripheral({ io: IO.display });
      const result = await run(
        ['read', '00:AA:01:00:00:42/public', AUTHENTICATED, '--io', 'keyboard', '--mitm', ...args],
        (tsble) => {
          peer.waitFor('passkey-display').then((shown) => tsble.child.stdin?.write(`${shown.passkey}\n`));
        },
      );
      expect(result.code).toBe(0);
      expect(event(result.events, 'paired')).toMatchObject({
        method: 'passkey-entry',
        sc: true,
        authenticated: true,
      });
      expect(event(result.events, 'read')).toMatchObject({ text: 'authenticated' });
    });

    it('LE SC Numeric Comparison: both show the same number', async () => {
      const args = await peripheral({ io: IO.displayYesNo, mitm: true });
      const result = await run([
        'pair',
        '00:AA:01:00:00:42/public',
        '--io',
        'display-yesno',
        '--yes',
        '--mitm',
        ...args,
      ]);
      expect(result.code).toBe(0);
      const shown = event(result.events, 'numeric-comparison');
      expect((await peer.waitFor('numeric-comparison')).value).toBe(shown?.value);
      expect(event(result.events, 'paired')).toMatchObject({
        method: 'numeric-comparison',
        authenticated: true,
      });
    });

    it('legacy Just Works and legacy Passkey Entry', async () => {
      let args = await peripheral({ sc: false });
      const jw = await run(['pair', '00:AA:01:00:00:42/public', '--legacy', ...args]);
      expect(jw.code).toBe(0);
      expect(event(jw.events, 'paired')).toMatchObject({ method: 'just-works', sc: false });
      args = await peripheral({ sc: false, io: IO.display });
      const pk = await run(
        ['pair', '00:AA:01:00:00:42/public', '--legacy', '--io', 'keyboard', '--mitm', ...args],
        (tsble) => {
          peer.waitFor('passkey-display').then((shown) => tsble.child.stdin?.write(`${shown.passkey}\n`));
        },
      );
      expect(pk.code).toBe(0);
      expect(event(pk.events, 'paired')).toMatchObject({
        method: 'passkey-entry',
        sc: false,
        authenticated: true,
      });
    });
  });

  describe('ble-host central, tsble peripheral', () => {
    let serve: Running | undefined;
    let storeIndex = 0;
    async function tsblePeripheral(args: string[] = []): Promise<string> {
      if (serve && serve.child.exitCode === null) {
        serve.child.kill('SIGTERM');
        await new Promise((resolve) => serve?.child.once('close', resolve));
      }
      storeIndex += 1;
      serve = launch([
        'serve',
        '--transport',
        `unix:${SOCKET}`,
        '--bond-store',
        join(dir, `serve-${storeIndex}.json`),
        ...args,
      ]);
      return (await serve.waitFor('ready')).address as string;
    }
    const target = (address: string) => ({
      type: address.endsWith('/random') ? 'random' : 'public',
      address: address.split('/')[0],
    });

    async function central(config: Record<string, unknown>, cwd?: string) {
      const peer = cwd
        ? launchScript(fixture, [JSON.stringify({ socket: SOCKET, ...config })], { stdin: 'pipe', cwd })
        : bleHost(config);
      const code = await new Promise<number>((resolve) => peer.child.on('close', (c) => resolve(c ?? -1)));
      return { code, events: peer.events };
    }

    it('LE SC Just Works, then ble-host reconnects and encrypts from its bond', async () => {
      const address = await tsblePeripheral();
      const cwd = mkdtempSync(join(dir, 'central-'));
      const first = await central({ role: 'central', target: target(address), mode: 'pair' }, cwd);
      expect(first.code).toBe(0);
      expect(event(first.events, 'paired')).toMatchObject({ sc: true, bond: true });
      expect(event(first.events, 'read')).toMatchObject({ text: 'encrypted' });
      expect(await serve?.waitFor('paired')).toMatchObject({ method: 'just-works', sc: true });
      const again = await central({ role: 'central', target: target(address), mode: 'encrypt' }, cwd);
      expect(again.code).toBe(0);
      expect(event(again.events, 'encrypt')).toMatchObject({ status: 0 });
      expect(event(again.events, 'read')).toMatchObject({ text: 'encrypted' });
    });

    it('LE SC Passkey Entry: tsble displays, ble-host types it', async () => {
      const address = await tsblePeripheral(['--io', 'display']);
      const peer = bleHost({
        role: 'central',
        target: target(address),
        mode: 'pair',
        io: IO.keyboard,
        mitm: true,
        read: AUTHENTICATED,
      });
      serve?.waitFor('passkey-display').then((shown) => peer.child.stdin?.write(`${shown.passkey}\n`));
      const code = await new Promise<number>((resolve) => peer.child.on('close', (c) => resolve(c ?? -1)));
      expect(code).toBe(0);
      expect(event(peer.events, 'paired')).toMatchObject({ sc: true, mitm: true });
      expect(event(peer.events, 'read')).toMatchObject({ text: 'authenticated' });
    });

    it('LE SC Numeric Comparison', async () => {
      const address = await tsblePeripheral(['--io', 'display-yesno', '--yes']);
      const result = await central({
        role: 'central',
        target: target(address),
        mode: 'pair',
        io: IO.displayYesNo,
        mitm: true,
      });
      expect(result.code).toBe(0);
      const shown = event(result.events, 'numeric-comparison');
      expect((await serve?.waitFor('numeric-comparison'))?.value).toBe(shown?.value);
      expect(event(result.events, 'paired')).toMatchObject({ sc: true, mitm: true });
    });

    // ble-host's central ignores the per-pairing `sc` option (its SC_IS_SUPPORTED constant wins), so legacy
    // pairing is reached by tsble's peripheral not offering LE Secure Connections (--legacy).
    it('legacy Just Works and legacy Passkey Entry', async () => {
      let address = await tsblePeripheral(['--legacy']);
      const jw = await central({ role: 'central', target: target(address), mode: 'pair', sc: false });
      expect(jw.code).toBe(0);
      expect(event(jw.events, 'paired')).toMatchObject({ sc: false });
      address = await tsblePeripheral(['--io', 'display', '--legacy']);
      const peer = bleHost({
        role: 'central',
        target: target(address),
        mode: 'pair',
        sc: false,
        io: IO.keyboard,
        mitm: true,
        read: AUTHENTICATED,
      });
      serve?.waitFor('passkey-display').then((shown) => peer.child.stdin?.write(`${shown.passkey}\n`));
      const code = await new Promise<number>((resolve) => peer.child.on('close', (c) => resolve(c ?? -1)));
      expect(code).toBe(0);
      expect(event(peer.events, 'paired')).toMatchObject({ sc: false, mitm: true });
      expect(event(peer.events, 'read')).toMatchObject({ text: 'authenticated' });
    });
  });
});
