/**
 * End to end: tsble central against tsble peripheral, two processes, over the virtual controller served on a
 * unix socket (`tsble sim --listen`) and over BlueZ's btvirt (`../shared/interop/btvirt.sh`). Every command
 * runs the built CLI (`dist/main.js`) with `--json` and the tests read its contract events.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const mainJs = new URL('../../dist/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tsble-pairing-'));
const children: ChildProcess[] = [];

type Event = Record<string, unknown> & { event: string };

interface Running {
  child: ChildProcess;
  events: Event[];
  waitFor(event: string, where?: (e: Event) => boolean): Promise<Event>;
}

function parseLines(text: string): Event[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Event);
}

/** Starts tsble and collects its JSON events. */
function launch(args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): Running {
  const child = spawn(process.execPath, [mainJs, ...args, '--json'], { stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, TSBLE_TRANSPORT: '' } });
  children.push(child);
  const events: Event[] = [];
  const waiters: { event: string; where: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  child.stdout?.on('data', (d) => {
    buffer += d;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const event of parseLines(lines.join('\n'))) {
      events.push(event);
      for (const w of [...waiters]) {
        if (w.event === event.event && w.where(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
  });
  return {
    child,
    events,
    waitFor: (event, where = () => true) => {
      const seen = events.find((e) => e.event === event && where(e));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} event within 20 s; events: ${JSON.stringify(events)}; stderr: ${stderr}`)), 20_000);
        waiters.push({ event, where, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
  };
}

/** Runs tsble to completion: exit status and events. */
async function run(args: string[], input?: (running: Running) => void): Promise<{ code: number; events: Event[] }> {
  const running = launch(args, input ? 'pipe' : 'ignore');
  input?.(running);
  const code = await new Promise<number>((resolve) => running.child.on('close', (c) => resolve(c ?? -1)));
  return { code, events: running.events };
}

const event = (events: Event[], name: string) => events.find((e) => e.event === name);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

/** The scenarios, for one transport. `serveArgs` pins the peripheral's address where the transport allows. */
function scenarios(transport: () => string, options: { fixedServeAddress: boolean }) {
  let serve: Running;
  let serveAddress: string;
  const peripheralStore = () => join(dir, `${transport().replace(/\W/g, '_')}-serve.json`);
  const centralStore = join(dir, `central-${Math.random().toString(36).slice(2)}.json`);
  const central = (extra: string[] = []) => ['--transport', transport(), '--bond-store', centralStore, '--address', 'C0:11:22:33:44:55', ...extra];
  // A central the peripheral has never bonded with: a weaker pairing than an existing bond is refused
  // (no silent downgrade), so scenarios that start over use a new identity.
  let fresh = 0;
  const newCentral = (extra: string[] = []) => {
    fresh += 1;
    const suffix = fresh.toString(16).padStart(2, '0').toUpperCase();
    return ['--transport', transport(), '--bond-store', join(dir, `fresh-${fresh}-${Math.random().toString(36).slice(2)}.json`), '--address', `C1:00:00:00:00:${suffix}`, ...extra];
  };

  async function startServe(args: string[] = []): Promise<void> {
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await new Promise((resolve) => serve.child.once('close', resolve));
    }
    const address = options.fixedServeAddress ? ['--address', 'D0:AA:BB:CC:DD:EE'] : [];
    serve = launch(['serve', '--transport', transport(), '--bond-store', peripheralStore(), ...address, ...args]);
    serveAddress = (await serve.waitFor('ready')).address as string;
  }

  it('pairs with LE Secure Connections Just Works and both sides bond (exit 0)', async () => {
    await startServe();
    const { code, events } = await run(['pair', serveAddress, '--show-keys', ...central()]);
    expect(code).toBe(0);
    const paired = event(events, 'paired');
    expect(paired).toMatchObject({ method: 'just-works', sc: true, authenticated: false, keySize: 16, bonded: true });
    expect(paired?.ltk).toMatch(/^[0-9a-f]{32}$/);
    expect(await serve.waitFor('paired')).toMatchObject({ method: 'just-works', sc: true });
    expect(event(events, 'disconnected')).toBeDefined();
  });

  it('reconnects encrypted from the bond without pairing and reads the protected value', async () => {
    const { code, events } = await run(['read', serveAddress, 'b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00', ...central()]);
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
    const { code, events } = await run(['read', serveAddress, 'b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00', ...central()]);
    expect(code).toBe(0);
    expect(event(events, 'paired')).toMatchObject({ sc: true, bonded: true });
  });

  it('pairs with Passkey Entry: the peripheral displays, the central types it on stdin', async () => {
    await startServe(['--io', 'display']);
    const { code, events } = await run(['pair', serveAddress, '--io', 'keyboard', '--mitm', ...central()], (running) => {
      serve.waitFor('passkey-display').then((shown) => running.child.stdin?.write(`${shown.passkey}\n`));
    });
    expect(code).toBe(0);
    expect(event(events, 'passkey-request')).toBeDefined();
    expect(event(events, 'paired')).toMatchObject({ method: 'passkey-entry', authenticated: true, securityLevel: 4 });
  });

  it('fails Passkey Entry with a wrong passkey (exit 1, pairing-failed)', async () => {
    const { code, events } = await run(['pair', serveAddress, '--io', 'keyboard', '--mitm', '--passkey', '000001', ...central()]);
    expect(code).toBe(1);
    expect(event(events, 'pairing-failed')).toMatchObject({ reason: 0x04 });
  });

  it('pairs with Numeric Comparison when both sides confirm', async () => {
    await startServe(['--io', 'display-yesno', '--yes']);
    const { code, events } = await run(['pair', serveAddress, '--io', 'display-yesno', '--yes', '--mitm', ...central()]);
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
    const pk = await run(['pair', serveAddress, '--legacy', '--io', 'keyboard', '--passkey', '123456', '--mitm', ...newCentral()]);
    expect(pk.code).toBe(0);
    expect(event(pk.events, 'paired')).toMatchObject({ method: 'passkey-entry', sc: false, authenticated: true, securityLevel: 3 });
  });

  it.runIf(options.fixedServeAddress)('reports a peer that lost the bond (exit 1) instead of pairing again', async () => {
    await startServe();
    const lost = newCentral();
    const paired = await run(['pair', serveAddress, ...lost]);
    expect(paired.code).toBe(0);
    writeFileSync(peripheralStore(), JSON.stringify({ version: 1, bonds: {} }));
    await startServe();
    const { code, events } = await run(['read', serveAddress, 'b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00', ...lost]);
    expect(code).toBe(1);
    expect(event(events, 'paired')).toBeUndefined();
    expect(events.find((e) => e.event === 'error' && e.code === 'bond-lost')).toBeDefined();
  });

  it('refuses to replace a bond with a weaker pairing (no silent downgrade)', async () => {
    await startServe();
    const identity = newCentral();
    expect((await run(['pair', serveAddress, ...identity])).code).toBe(0);
    writeFileSync(identity[3] as string, JSON.stringify({ version: 1, bonds: {} }));
    const { code, events } = await run(['pair', serveAddress, '--legacy', ...identity]);
    expect(code).toBe(1);
    expect(event(events, 'pairing-failed')).toBeDefined();
  });

  it('refuses a corrupt bond file by name and leaves it untouched (exit 1)', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"version":1,"bonds":');
    const { code, events } = await run(['pair', serveAddress, '--transport', transport(), '--bond-store', corrupt]);
    expect(code).toBe(1);
    expect(String(event(events, 'error')?.message)).toContain(corrupt);
    expect(readFileSync(corrupt, 'utf8')).toBe('{"version":1,"bonds":');
  });
}

describe('tsble central against tsble peripheral over the virtual controller socket', { timeout: 60_000 }, () => {
  const socket = join(dir, 'sim.sock');
  beforeAll(async () => {
    const sim = launch(['sim', '--listen', `unix:${socket}`]);
    await sim.waitFor('ready');
  });
  scenarios(() => `unix:${socket}`, { fixedServeAddress: true });
});

/**
 * btvirt always listens on /tmp/bt-server-le and btvirt.sh replaces whatever instance was there, so two test
 * files using it at once break each other. A directory lock serialises them (other suites should take it too).
 */
const BTVIRT_LOCK = '/tmp/tsble-btvirt.lock';
async function takeBtvirtLock(): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    try {
      mkdirSync(BTVIRT_LOCK);
      writeFileSync(join(BTVIRT_LOCK, 'pid'), String(process.pid));
      return;
    } catch {
      const owner = Number(readFileSyncSafe(join(BTVIRT_LOCK, 'pid')));
      if (owner && !alive(owner)) rmSync(BTVIRT_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${BTVIRT_LOCK} stayed taken`);
}
function releaseBtvirtLock(): void {
  rmSync(BTVIRT_LOCK, { recursive: true, force: true });
}
function readFileSyncSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const btvirtScript = new URL('../../../../../shared/interop/btvirt.sh', import.meta.url).pathname;
function btvirtSkipReason(): string | undefined {
  if (!existsSync(btvirtScript)) return `${btvirtScript} not found`;
  try {
    execFileSync('which', ['btvirt'], { stdio: 'ignore' });
  } catch {
    return 'btvirt is not installed';
  }
  return undefined;
}

describe.skipIf(btvirtSkipReason() !== undefined)('tsble central against tsble peripheral over BlueZ btvirt', { timeout: 60_000 }, () => {
  let pid: string | undefined;
  beforeAll(async () => {
    await takeBtvirtLock();
    pid = execFileSync(btvirtScript, ['start'], { encoding: 'utf8' }).trim();
  }, 120_000);
  afterAll(() => {
    if (pid) execFileSync(btvirtScript, ['stop', pid]);
    releaseBtvirtLock();
  });
  // btvirt gives every client its own public address, so the peripheral's address cannot be pinned across restarts.
  scenarios(() => 'unix:/tmp/bt-server-le', { fixedServeAddress: false });
});
