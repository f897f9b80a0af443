/**
 * tsble write, gatt --values, scan's filters and advertising fields, TSBLE_BOND_STORE and serve --privacy:
 * tsble processes against a tsble serve over a `tsble sim --listen` socket.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, event, launch, mainJs, run } from './e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-write-'));
const socket = join(dir, 'sim.sock');
const transport = ['--transport', `unix:${socket}`];
const DEMO = (n: number) => `b1e5000${n}-3c9b-4e7a-9f1d-5e2a7c4d8b00`;
const SERVE = 'D0:00:00:00:00:0A/random';
let central = 0;
/** A new central (own address and bond store), so no test depends on another's bond. */
const newCentral = () => {
  central += 1;
  const n = central.toString(16).padStart(2, '0').toUpperCase();
  return [...transport, '--bond-store', join(dir, `central-${n}.json`), '--address', `C0:00:00:00:01:${n}`];
};

function human(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainJs, ...args], {
      env: { ...process.env, TSBLE_TRANSPORT: '', TSBLE_BOND_STORE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  await launch(['sim', '--listen', `unix:${socket}`]).waitFor('ready');
  await launch([
    'serve',
    '--name',
    'writable',
    ...transport,
    '--address',
    SERVE.split('/')[0] as string,
    '--bond-store',
    join(dir, 'serve.json'),
  ]).waitFor('ready');
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

describe('tsble write', { timeout: 40_000 }, () => {
  it('pairs when the server asks for encryption, writes, and read gets the value back', async () => {
    const me = newCentral();
    const written = await run(['write', SERVE, DEMO(4), 'hello there', ...me]);
    expect(written.code).toBe(0);
    expect(event(written.events, 'paired')).toMatchObject({ bonded: true });
    expect(event(written.events, 'written')).toMatchObject({
      uuid: DEMO(4),
      value: Buffer.from('hello there').toString('hex'),
      withoutResponse: false,
    });
    const read = await run(['read', SERVE, DEMO(4), ...me]);
    expect(event(read.events, 'read')).toMatchObject({ text: 'hello there' });
    expect(event(read.events, 'paired')).toBeUndefined(); // encrypted from the bond
  });

  it('--hex writes octets; an empty value reads back as "(empty, 0 octets)", and "" in JSON', async () => {
    const me = newCentral();
    expect((await run(['write', SERVE, DEMO(4), '--hex', '00 ff:10', ...me])).code).toBe(0);
    expect(event((await run(['read', SERVE, DEMO(4), ...me])).events, 'read')).toMatchObject({
      value: '00ff10',
    });
    expect((await run(['write', SERVE, DEMO(4), '', ...me])).code).toBe(0);
    const shown = await human(['read', SERVE, DEMO(4), ...me]);
    expect(shown.stdout).toMatch(/^\(empty, 0 octets\)$/m);
    expect(event((await run(['read', SERVE, DEMO(4), ...me])).events, 'read')).toMatchObject({
      value: '',
      text: '',
    });
  });

  it('refuses what the characteristic does not take: exit 1 with the reason', async () => {
    const notWritable = await human(['write', SERVE, DEMO(1), 'x', ...newCentral()]);
    expect(notWritable.code).toBe(1);
    expect(notWritable.stderr).toMatch(/b1e50001.* cannot be written/);
    const noWwr = await run(['write', SERVE, DEMO(4), 'x', '--without-response', ...newCentral()]);
    expect(noWwr.code).toBe(1);
    expect(String(event(noWwr.events, 'error')?.message)).toMatch(
      /does not take Write Without Response; write it without --without-response/,
    );
  });

  it.each([
    [['write', SERVE, DEMO(4)], /write needs ADDRESS, UUID and VALUE/],
    [['write', SERVE, DEMO(4), 'zz', '--hex'], /--hex: "zz" is not hex octets/],
    [['write', SERVE, DEMO(4), '01', '--hex', '--text'], /--hex or --text, not both/],
  ])('usage errors exit 2: %j', async (args, message) => {
    const r = await human([...args, ...newCentral()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('tsble gatt --values', { timeout: 30_000 }, () => {
  it('reads every readable value; a refused one carries its ATT error and the dump goes on', async () => {
    const { code, events } = await run(['gatt', SERVE, '--values', ...newCentral()]);
    expect(code).toBe(0);
    const characteristic = (uuid: string) =>
      events.find((e) => e.event === 'characteristic' && e.uuid === uuid);
    expect(characteristic('2a00')).toMatchObject({ text: 'writable' });
    expect(characteristic(DEMO(1))).toMatchObject({
      text: 'open',
      value: Buffer.from('open').toString('hex'),
    });
    expect(characteristic(DEMO(2))).toMatchObject({
      attError: 0x0f,
      attErrorName: 'insufficient encryption',
    });
    expect(characteristic(DEMO(3))).toMatchObject({ attError: 0x05 });
    expect(characteristic(DEMO(5))).not.toHaveProperty('value'); // notify only: not read
    expect(events.some((e) => e.event === 'descriptor')).toBe(true);
    const shown = await human(['gatt', SERVE, '--values', ...newCentral()]);
    expect(shown.stdout).toMatch(/demo: open read \(0x[0-9a-f]{4}\): read = "open"/);
    expect(shown.stdout).toMatch(/demo: encrypted read .* = \(not read: insufficient encryption, 0x0f\)/);
  });
});

describe('tsble scan: filters and advertising fields', { timeout: 30_000 }, () => {
  it('shows manufacturer data, TX power and appearance', async () => {
    const { events } = await scan(['--name', 'writable']);
    const full = advs(events).find((e) => 'manufacturerData' in e);
    expect(full).toMatchObject({
      name: 'writable',
      manufacturerData: [{ companyId: 0xffff, data: Buffer.from('tsble').toString('hex') }],
      txPower: 0,
      appearance: 0x0540,
    });
    const shown = await human(['scan', '--timeout', '1.5', '--name', 'writable', ...newCentral()]);
    expect(shown.stdout).toMatch(/writable .*mfr 0xffff:7473626c65 {2}tx 0 dBm {2}appearance 0x0540/);
  });

  it.each([
    [['--name', 'WRITA'], true],
    [['--name', 'nobody-has-this-name'], false],
    [['--service', DEMO(0).toUpperCase()], true],
    [['--service', '180f'], false],
    [['--peer', SERVE], true],
    [['--peer', SERVE.split('/')[0] as string], true],
    [['--peer', 'D0:00:00:00:00:0B/random'], false],
    [['--min-rssi', '-100'], true],
    [['--min-rssi', '10'], false],
  ])('%j finds serve: %s', async (filter, found) => {
    const { code, events } = await scan(filter);
    expect(code).toBe(0);
    expect(advs(events).some((e) => e.address === SERVE)).toBe(found);
    if (filter[0] === '--name' && found) expect(advs(events).every((e) => e.address === SERVE)).toBe(true);
  });
});

describe('TSBLE_BOND_STORE', { timeout: 30_000 }, () => {
  it('names the bond store when --bond-store is not given; the option wins', async () => {
    const fromEnv = join(dir, 'from-env.json');
    const fromOption = join(dir, 'from-option.json');
    const me = [...transport, '--address', 'C0:00:00:00:02:01'];
    expect((await human(['pair', SERVE, ...me], { TSBLE_BOND_STORE: fromEnv })).code).toBe(0);
    expect(existsSync(fromEnv)).toBe(true);
    const listed = await human(['bonds', '--json'], { TSBLE_BOND_STORE: fromEnv });
    expect(listed.stdout).toContain(SERVE);
    const other = await human(['bonds', '--json', '--bond-store', fromOption], { TSBLE_BOND_STORE: fromEnv });
    expect(other.stdout).not.toContain(SERVE);
  });
});

describe('tsble serve --privacy', { timeout: 30_000 }, () => {
  it('advertises from a resolvable private address, not its identity', async () => {
    const serving = launch([
      'serve',
      '--privacy',
      '--name',
      'private',
      ...transport,
      '--bond-store',
      join(dir, 'p.json'),
    ]);
    const ready = await serving.waitFor('ready');
    const advertising = await serving.waitFor('advertising');
    expect(advertising.privacy).toBe(true);
    const rpa = String(advertising.address);
    expect(rpa).not.toBe(ready.address);
    // Core 6.0 Vol 6 Part B 1.3.2.2: a resolvable private address has 0b01 in its two most significant bits.
    expect(Number.parseInt(rpa.slice(0, 2), 16) >> 6).toBe(0b01);
    const { events } = await scan(['--name', 'private']);
    expect(advs(events).map((e) => e.address)).toContain(rpa);
    // Once bonded (the IRK distributed), scan --peer IDENTITY finds it behind its private address.
    const me = newCentral();
    expect((await run(['pair', rpa, ...me])).code).toBe(0);
    const found = await run(['scan', '--timeout', '1.5', '--peer', String(ready.address), ...me]);
    const behind = advs(found.events);
    expect(behind.length).toBeGreaterThan(0);
    for (const adv of behind) {
      expect(adv.identity).toBe(ready.address);
      // The scanning host's controller resolves the RPA from its resolving list (the default) and reports the
      // identity itself; the host's own resolver would show the RPA with the identity beside it.
      expect(adv.address === ready.address || /\/random$/.test(String(adv.address))).toBe(true);
    }
    serving.child.kill('SIGTERM');
  });
});

function scan(args: string[]) {
  return run(['scan', '--timeout', '1.5', ...args, ...newCentral()]);
}
function advs(events: { event: string; address?: unknown }[]) {
  return events.filter((e) => e.event === 'adv');
}
