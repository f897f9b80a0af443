/**
 * The host-level commands beyond pairing: demo (what `npm start` runs), scan, gatt, bonds, and usage errors
 * (exit 2), against the virtual controller served on a unix socket.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, event, launch, run } from './e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-commands-'));
const socket = join(dir, 'sim.sock');
const transport = ['--transport', `unix:${socket}`];
let serveAddress = '';

beforeAll(async () => {
  await launch(['sim', '--listen', `unix:${socket}`]).waitFor('ready');
  const serve = launch([
    'serve',
    '--name',
    'tsble-test',
    ...transport,
    '--bond-store',
    join(dir, 'serve.json'),
  ]);
  serveAddress = (await serve.waitFor('ready')).address as string;
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

describe('tsble commands', { timeout: 30_000 }, () => {
  it('demo: pairs, bonds, reconnects encrypted from the bond and reads the protected value (exit 0)', async () => {
    const { code, events } = await run(['demo']);
    expect(code).toBe(0);
    expect(events.filter((e) => e.event === 'paired')).toHaveLength(1);
    expect(events.filter((e) => e.event === 'read' && e.text === 'encrypted')).toHaveLength(2);
    expect(events.filter((e) => e.event === 'encrypted').length).toBeGreaterThanOrEqual(2);
  });

  it('scan: reports the advertiser with its name and service', async () => {
    const { code, events } = await run([
      'scan',
      '--timeout',
      '2',
      ...transport,
      '--bond-store',
      join(dir, 'scan.json'),
    ]);
    expect(code).toBe(0);
    const adv = events.find((e) => e.event === 'adv' && e.name === 'tsble-test');
    expect(adv).toMatchObject({ address: serveAddress, connectable: true });
    expect(adv?.serviceUuids).toContain('b1e50000-3c9b-4e7a-9f1d-5e2a7c4d8b00');
  });

  it('gatt: dumps the demo service, its characteristics and the CCCD', async () => {
    const { code, events } = await run([
      'gatt',
      serveAddress,
      ...transport,
      '--bond-store',
      join(dir, 'gatt.json'),
    ]);
    expect(code).toBe(0);
    expect(events.filter((e) => e.event === 'service').map((e) => e.uuid)).toContain(
      'b1e50000-3c9b-4e7a-9f1d-5e2a7c4d8b00',
    );
    const characteristics = events.filter((e) => e.event === 'characteristic').map((e) => e.uuid);
    for (let n = 1; n <= 5; n++) expect(characteristics).toContain(`b1e5000${n}-3c9b-4e7a-9f1d-5e2a7c4d8b00`);
    expect(events.some((e) => e.event === 'descriptor' && e.uuid === '2902')).toBe(true);
  });

  it('read: an open value needs no pairing; the type of ADDRESS is learnt by scanning', async () => {
    const bare = serveAddress.split('/')[0] as string;
    const { code, events } = await run([
      'read',
      bare,
      'b1e50001-3c9b-4e7a-9f1d-5e2a7c4d8b00',
      ...transport,
      '--bond-store',
      join(dir, 'read.json'),
    ]);
    expect(code).toBe(0);
    expect(event(events, 'read')).toMatchObject({ text: 'open' });
    expect(event(events, 'paired')).toBeUndefined();
  });

  it('bonds: lists, forgets one and forgets all', async () => {
    const store = join(dir, 'bonds.json');
    expect(
      (
        await run([
          'pair',
          serveAddress,
          ...transport,
          '--bond-store',
          store,
          '--address',
          'C2:00:00:00:00:01',
        ])
      ).code,
    ).toBe(0);
    const listed = await run(['bonds', '--bond-store', store]);
    expect(listed.events.filter((e) => e.event === 'bond')).toEqual([
      expect.objectContaining({ address: serveAddress, sc: true, keySize: 16 }),
    ]);
    expect((await run(['bonds', 'forget', 'AA:AA:AA:AA:AA:AA/public', '--bond-store', store])).code).toBe(1);
    const all = await run(['bonds', 'forget', '--all', '--bond-store', store]);
    expect(event(all.events, 'forgotten')).toMatchObject({ all: true, count: 1 });
  });

  it('serve --security-request: the central pairs when asked, once, and reads the protected value', async () => {
    const asking = launch([
      'serve',
      '--security-request',
      '--name',
      'asks',
      ...transport,
      '--bond-store',
      join(dir, 'asks.json'),
    ]);
    const address = (await asking.waitFor('ready')).address as string;
    const { code, events } = await run([
      'read',
      address,
      'b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00',
      ...transport,
      '--bond-store',
      join(dir, 'asked.json'),
    ]);
    expect(code).toBe(0);
    expect(events.filter((e) => e.event === 'paired')).toHaveLength(1);
    expect(event(events, 'read')).toMatchObject({ text: 'encrypted' });
    expect(await asking.waitFor('paired')).toMatchObject({ sc: true });
    asking.child.kill('SIGTERM');
  });

  it('a missing controller is a transport failure: exit 3 with a clear message', async () => {
    const { code, events } = await run([
      'pair',
      serveAddress,
      '--transport',
      `unix:${join(dir, 'nothing.sock')}`,
      '--bond-store',
      join(dir, 'x.json'),
    ]);
    expect(code).toBe(3);
    expect(String(event(events, 'error')?.message)).toMatch(/nothing\.sock/);
  });

  it.each([
    [['pair', ...transport], 'no ADDRESS', /an ADDRESS is needed/],
    [
      ['pair', 'F0:F1:F2:F3:F4:F5/random', '--io', 'telepathy', ...transport],
      'bad --io',
      /--io must be one of/,
    ],
    [['pair', 'not-an-address', ...transport], 'bad ADDRESS', /not-an-address/],
    [['read', 'F0:F1:F2:F3:F4:F5/random', ...transport], 'no UUID', /read needs ADDRESS and UUID/],
    [['bonds', 'frobnicate'], 'unknown bonds action', /unknown bonds action "frobnicate"/],
  ])('usage errors exit 2: %j (%s)', async (args, _why, message) => {
    const { code, events } = await run([...args, '--bond-store', join(dir, 'usage.json')]);
    expect(code).toBe(2);
    expect(event(events, 'error')).toMatchObject({ code: 'usage', message: expect.stringMatching(message) });
  });
});
