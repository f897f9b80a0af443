/**
 * What a person sees: messages that say what did not happen, error events with codes, readable logs, usage
 * errors caught before any radio work, info's address in words. Real processes over the virtual controller.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, event, launch, mainJs, type Running, run } from './e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-messages-'));
const socket = join(dir, 'sim.sock');
const transport = ['--transport', `unix:${socket}`];
const store = (name: string) => ['--bond-store', join(dir, `${name}.json`)];
const DEMO = (n: number) => `b1e5000${n}-3c9b-4e7a-9f1d-5e2a7c4d8b00`;
let serveAddress = '';

/** Runs tsble without --json: exit status, stdout and stderr as a person (or a pipe) gets them. */
function human(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainJs, ...args], {
      env: { ...process.env, TSBLE_TRANSPORT: '' },
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
  const serve = launch(['serve', '--name', 'messages', ...transport, ...store('serve')]);
  serveAddress = (await serve.waitFor('ready')).address as string;
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

describe('messages say what did not happen', { timeout: 30_000 }, () => {
  it('an address nobody advertises: "no device … answered", code connect-timeout, exit 1', async () => {
    const { code, events } = await run([
      'gatt',
      'C4:00:00:00:00:99/random',
      '--timeout',
      '1',
      ...transport,
      ...store('t1'),
    ]);
    expect(code).toBe(1);
    const error = event(events, 'error');
    expect(error).toMatchObject({ code: 'connect-timeout' });
    expect(String(error?.message)).toMatch(
      /^no device C4:00:00:00:00:99\/random answered: it was not advertising \(or not connectable\) within 1 s/,
    );
  });

  it('an address without a type that nobody advertises: code not-found, in human words on stderr', async () => {
    const { code, stdout, stderr } = await human([
      'read',
      'C4:00:00:00:00:98',
      '2a00',
      '--timeout',
      '1',
      ...transport,
      ...store('t2'),
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^tsble: no device C4:00:00:00:00:98 was seen advertising within 1 s/m);
    const json = await run(['pair', 'C4:00:00:00:00:98', '--timeout', '1', ...transport, ...store('t2')]);
    expect(event(json.events, 'error')).toMatchObject({ code: 'not-found' });
  });

  it('read: an unknown UUID is "no characteristic", a notify-only one "cannot be read", with the ATT code', async () => {
    const missing = await run(['read', serveAddress, '2a99', ...transport, ...store('r1')]);
    expect(missing.code).toBe(1);
    expect(event(missing.events, 'error')).toMatchObject({ code: 'not-found', attError: 0x0a });
    expect(String(event(missing.events, 'error')?.message)).toMatch(
      /has no characteristic 2a99 \(tsble gatt/,
    );
    const notify = await run(['read', serveAddress, DEMO(5), ...transport, ...store('r1')]);
    expect(notify.code).toBe(1);
    expect(event(notify.events, 'error')).toMatchObject({ code: 'att-error', attError: 0x02 });
    expect(String(event(notify.events, 'error')?.message)).toMatch(/cannot be read \(Read Not Permitted\)/);
  });

  it('read --notify --count 2: pairs for the encrypted-notify characteristic, then two notification events', async () => {
    const { code, events } = await run([
      'read',
      serveAddress,
      DEMO(5),
      '--notify',
      '--count',
      '2',
      ...transport,
      ...store('n1'),
      '--address',
      'C5:00:00:00:00:10',
    ]);
    expect(code).toBe(0);
    expect(event(events, 'paired')).toMatchObject({ sc: true });
    const values = events.filter((e) => e.event === 'notification').map((e) => String(e.value));
    expect(values).toHaveLength(2);
    const counter = (hex: string) => Buffer.from(hex, 'hex').readUInt32LE(0);
    expect(counter(values[1] as string)).toBe(counter(values[0] as string) + 1);
    const notNotifying = await run([
      'read',
      serveAddress,
      '2a00',
      '--notify',
      ...transport,
      ...store('n1'),
      '--address',
      'C5:00:00:00:00:10',
    ]);
    expect(notNotifying.code).toBe(1);
    expect(String(event(notNotifying.events, 'error')?.message)).toMatch(/neither notifies nor indicates/);
    expect(
      (
        await run([
          'read',
          serveAddress,
          '2a00',
          '--count',
          '2',
          ...transport,
          ...store('n1'),
          '--address',
          'C5:00:00:00:00:10',
        ])
      ).code,
    ).toBe(2);
  });

  it('a pairing that cannot be authenticated names the reason and says which option to give', async () => {
    const { code, events } = await run([
      'pair',
      serveAddress,
      '--mitm',
      ...transport,
      ...store('p1'),
      '--address',
      'C5:00:00:00:00:01',
    ]);
    expect(code).toBe(1);
    const failed = event(events, 'pairing-failed');
    expect(failed).toMatchObject({
      address: serveAddress,
      reason: 3,
      reasonName: 'Authentication Requirements',
      byPeer: false,
    });
    expect(String(failed?.hint)).toMatch(/--io keyboard-display/);
    expect(events.filter((e) => e.event === 'error')).toEqual([]);
  });

  it('gatt names well-known and demo UUIDs; disconnected names the HCI reason', async () => {
    const { events } = await run(['gatt', serveAddress, ...transport, ...store('g1')]);
    expect(events.find((e) => e.event === 'characteristic' && e.uuid === '2a00')).toMatchObject({
      name: 'Device Name',
    });
    expect(events.find((e) => e.event === 'service' && e.uuid === DEMO(0))).toMatchObject({
      name: 'tsble demo service',
    });
    expect(event(events, 'disconnected')).toMatchObject({
      reason: 0x16,
      reasonName: 'connection terminated by local host',
    });
    const seen = await human(['gatt', serveAddress, ...transport, ...store('g1')]);
    expect(seen.stdout).toMatch(
      /^ {4}descriptor 2902 Client Characteristic Configuration \(0x[0-9a-f]{4}\)$/m,
    );
  });
});

describe('a peer that lost the bond', { timeout: 40_000 }, () => {
  it('is reported once (one error event, code bond-lost; one line on stderr), exit 1', async () => {
    const peripheral = ['--address', 'C7:00:00:00:00:01', '--name', 'forgetful', ...transport];
    const first = launch(['serve', ...peripheral, ...store('forgetful-1')]);
    const address = (await first.waitFor('ready')).address as string;
    const central = [...transport, ...store('remembers'), '--address', 'C5:00:00:00:00:03'];
    expect((await run(['pair', address, ...central])).code).toBe(0);
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('close', resolve));
    await launch(['serve', ...peripheral, ...store('forgetful-2')]).waitFor('ready');
    const { code, events } = await run(['read', address, DEMO(2), ...central]);
    expect(code).toBe(1);
    const errors = events.filter((e) => e.event === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'bond-lost', address });
    // The fix can be pasted: this run's bond store, own address and transport.
    expect(String(errors[0]?.hint)).toBe(
      `tsble bonds forget ${address} --bond-store ${join(dir, 'remembers.json')}, then tsble pair ${address} --bond-store ${join(dir, 'remembers.json')} --transport unix:${socket} --address C5:00:00:00:00:03`,
    );
    const seen = await human(['read', address, DEMO(2), ...central]);
    expect(seen.stdout).not.toMatch(/lost the bond/);
    expect(seen.stdout).toMatch(/^connected to .* as central, bonded$/m);
    expect(seen.stderr.match(/lost the bond/g)).toHaveLength(1);
  });
});

describe('the controller going away', { timeout: 30_000 }, () => {
  // Each command is stopped once it is known to be at work on the controller: serve once it advertises, scan
  // once it reports an advertiser; gatt has nothing to say while it waits to connect, so it gets a moment.
  it.each([
    [['serve'], (r: Running) => r.waitFor('advertising')],
    [['scan', '--timeout', '10'], (r: Running) => r.waitFor('adv')],
    [
      ['gatt', 'C4:00:00:00:00:01/random', '--timeout', '10'],
      () => new Promise((resolve) => setTimeout(resolve, 1500)),
    ],
  ])(
    '%j ends at once with exit 3 and code closed, not as a timeout or a quiet success',
    async (args, atWork) => {
      const own = join(dir, `gone-${args[0]}.sock`);
      const sim = launch(['sim', '--listen', `unix:${own}`]);
      await sim.waitFor('ready');
      if (args[0] === 'scan')
        await launch(['serve', '--transport', `unix:${own}`, ...store('gone-advertiser')]).waitFor(
          'advertising',
        );
      const command = launch([...args, '--transport', `unix:${own}`, ...store(`gone-${args[0]}`)]);
      const exit = new Promise<number>((resolve) => command.child.on('close', (c) => resolve(c ?? -1)));
      await atWork(command);
      const stoppedAt = Date.now();
      sim.child.kill('SIGTERM');
      expect(await exit).toBe(3);
      expect(Date.now() - stoppedAt).toBeLessThan(5000);
      expect(event(command.events, 'error')).toMatchObject({ code: 'closed' });
      expect(String(event(command.events, 'error')?.message)).toMatch(/^the controller went away/);
    },
  );
});

describe('logs on stderr', { timeout: 30_000 }, () => {
  const failingPair = (extra: string[]) =>
    human([
      'pair',
      serveAddress,
      '--mitm',
      ...transport,
      ...store('logs'),
      '--address',
      'C5:00:00:00:00:02',
      ...extra,
    ]);

  it('for a person (no --json, no --log-level): one message per failure, no JSON', async () => {
    const { code, stderr } = await failingPair([]);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/\{"level"/);
    expect(stderr.match(/^tsble: pairing with \S+ failed/gm)).toHaveLength(1);
  });

  it('--log-level given and stderr not a terminal: pino JSON lines, for collecting', async () => {
    const { stderr } = await failingPair(['--log-level', 'info']);
    const lines = stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.map((l) => JSON.parse(l).msg)).toContain('pairing failed');
  });

  it('--json: stdout is only JSON events; logs on stderr are JSON too', async () => {
    const { stdout, stderr } = await failingPair(['--json', '--log-level', 'info']);
    for (const line of stdout.trim().split('\n')) expect(JSON.parse(line)).toHaveProperty('event');
    const logLines = stderr.split('\n').filter((l) => l.trim() !== '');
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(JSON.parse(line)).toHaveProperty('level');
  });
});

describe('usage is checked before any radio work', { timeout: 30_000 }, () => {
  it('a bad UUID exits 2 without connecting', async () => {
    const { code, events } = await run(['read', serveAddress, 'notauuid', ...transport, ...store('u1')]);
    expect(code).toBe(2);
    expect(event(events, 'connected')).toBeUndefined();
    expect(event(events, 'error')).toMatchObject({ code: 'usage' });
  });

  it('a --btsnoop file in a directory that does not exist exits 2, naming the option', async () => {
    const { code, events } = await run([
      'info',
      '--transport',
      'sim',
      '--btsnoop',
      join(dir, 'nope', 'x.btsnoop'),
    ]);
    expect(code).toBe(2);
    expect(String(event(events, 'error')?.message)).toMatch(/^--btsnoop .*nope.*does not exist/);
  });

  it('extra arguments exit 2', async () => {
    expect((await run(['info', 'extra', ...transport])).code).toBe(2);
    expect((await run(['gatt', serveAddress, 'extra', ...transport, ...store('u2')])).code).toBe(2);
  });

  it('global options may come before the command, even one whose value is a command name', async () => {
    const { code, events } = await run(['--transport', 'sim', 'info']);
    expect(code).toBe(0);
    expect(event(events, 'info')).toBeDefined();
  });

  it('tsble help COMMAND and tsble --version', async () => {
    const help = await human(['help', 'pair']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tsble pair ADDRESS/);
    expect((await human(['help', 'frob'])).code).toBe(2);
    const version = await human(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^tsble \d+\.\d+\.\d+/);
  });
});

describe('tsble info says where the address came from', { timeout: 30_000 }, () => {
  it('a public address, read with HCI Read BD_ADDR', async () => {
    const { stdout } = await human(['info', ...transport, ...store('i1')]);
    expect(stdout).toMatch(/^address +[0-9A-F:]{17} \(public; read with HCI Read BD_ADDR\)$/m);
  });

  it('a Zephyr controller static address, and what --address changes', async () => {
    const { events } = await run(['info', '--transport', 'sim:zephyr', ...store('i2')]);
    expect(event(events, 'info')).toMatchObject({
      addressSource: 'zephyr-static',
      addressDescription: 'static random; from Zephyr Read Static Addresses',
    });
    const given = await run([
      'info',
      '--transport',
      'sim:zephyr',
      '--address',
      'C6:00:00:00:00:01',
      ...store('i2'),
    ]);
    expect(String(event(given.events, 'info')?.addressDescription)).toMatch(
      /use --address C6:00:00:00:00:01 instead/,
    );
  });
});
