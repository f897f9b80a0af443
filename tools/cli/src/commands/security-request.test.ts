/**
 * Every pairing a command causes is reported once: `gatt` against `serve --security-request` pairs because the
 * peripheral asked (a Security Request) and says so with a `paired` event; `pair` reports its pairing once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { children, launch, run, sharedSim } from './e2e-helpers.test-support.js';

let dir = '';
let transport: string[] = [];

beforeAll(async () => {
  ({ dir, transport } = await sharedSim('tsble-secreq-'));
});
afterAll(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

it('gatt reports the pairing a Security Request caused; pair reports its own once', async () => {
  const serve = launch([
    'serve',
    '--address',
    'D1:00:00:00:00:01',
    '--security-request',
    ...transport,
    '--bond-store',
    join(dir, 'per.json'),
  ]);
  await serve.waitFor('advertising');
  const gatt = await run([
    'gatt',
    'D1:00:00:00:00:01/random',
    ...transport,
    '--address',
    'C1:00:00:00:00:01',
    '--bond-store',
    join(dir, 'gatt.json'),
  ]);
  expect(gatt.code).toBe(0);
  expect(gatt.events.filter((e) => e.event === 'paired')).toHaveLength(1);
  const pair = await run([
    'pair',
    'D1:00:00:00:00:01/random',
    ...transport,
    '--address',
    'C1:00:00:00:00:02',
    '--bond-store',
    join(dir, 'pair.json'),
  ]);
  expect(pair.code).toBe(0);
  expect(pair.events.filter((e) => e.event === 'paired')).toHaveLength(1);
});
