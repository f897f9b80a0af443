/**
 * serve --bond-replacement never, from the other side: a central that forgot its bond and pairs again is refused
 * at the Pairing Request (it hears it before it has finished, exit 1), keeps no key, and serve keeps the old
 * bond; the default (proven) lets the same central pair again and serve says the bond was replaced; ask asks
 * serve's user (here one line on its stdin) and does what the answer says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, event, launch, run, sharedSim } from './e2e-helpers.test-support.js';

let dir = '';
let transport: string[] = [];

beforeAll(async () => {
  ({ dir, transport } = await sharedSim('tsble-replace-'));
});
afterAll(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** serve's verdict on the second pairing: the event it prints, and for `ask` the line its user types. */
interface Second {
  verdict?: 'bond-replaced' | 'pairing-failed';
  answer?: string;
}

async function pairTwice(serveAddress: string, policy: string[], expected: Second = {}) {
  const peripheralStore = join(dir, `per-${serveAddress.slice(-2)}.json`);
  const centralStore = join(dir, `cen-${serveAddress.slice(-2)}.json`);
  const serve = launch(
    ['serve', '--address', serveAddress, ...transport, '--bond-store', peripheralStore, ...policy],
    expected.answer === undefined ? 'ignore' : 'pipe',
  );
  await serve.waitFor('advertising');
  const central = [...transport, '--address', 'C0:00:00:00:00:01', '--bond-store', centralStore];
  const first = await run(['pair', `${serveAddress}/random`, ...central]);
  expect(first.code).toBe(0);
  // The central is done when it has sent its last key; serve stores the bond when that key arrives.
  await serve.waitFor('paired');
  // The keys serve holds (GATT state saved beside them may change on its own schedule).
  const keys = () =>
    JSON.stringify(
      Object.values(JSON.parse(readFileSync(peripheralStore, 'utf8')).bonds).map((bond) => {
        const { address, peerLtk, localLtk, peerIrk } = bond as Record<string, unknown>;
        return { address, peerLtk, localLtk, peerIrk };
      }),
    );
  const keptBefore = keys();
  expect((await run(['bonds', 'forget', `${serveAddress}/random`, '--bond-store', centralStore])).code).toBe(
    0,
  );
  const asked = serve.waitFor('bond-replacement-request');
  if (expected.answer !== undefined) void asked.then(() => serve.child.stdin?.write(`${expected.answer}\n`));
  const second = await run(['pair', `${serveAddress}/random`, ...central]);
  // Serve's verdict on the second pairing (it judges the central's last key after the central is done).
  await serve.waitFor(expected.verdict ?? (second.code === 0 ? 'bond-replaced' : 'pairing-failed'));
  const keptAfter = keys();
  serve.child.kill('SIGTERM');
  return { serve, second, centralStore, sameBond: keptAfter === keptBefore };
}

describe('serve --bond-replacement', () => {
  it('never: the second pairing fails on the central (exit 1, no key kept) and serve keeps the first bond', async () => {
    const { serve, second, centralStore, sameBond } = await pairTwice('D0:00:00:00:00:01', [
      '--bond-replacement',
      'never',
    ]);
    expect(second.code).toBe(1);
    expect(event(second.events, 'paired')).toBeUndefined();
    expect(event(second.events, 'pairing-failed')).toMatchObject({ reason: 8, byPeer: true });
    expect(JSON.parse(readFileSync(centralStore, 'utf8')).bonds).toEqual({});
    expect(sameBond).toBe(true);
    expect(await serve.waitFor('pairing-failed')).toMatchObject({
      message: expect.stringMatching(/'never'/),
    });
  });

  it('proven (default): the same central pairs again and serve reports the bond replaced', async () => {
    const { serve, second, sameBond } = await pairTwice('D0:00:00:00:00:02', []);
    expect(second.code).toBe(0);
    expect(sameBond).toBe(false);
    expect(await serve.waitFor('bond-replaced')).toMatchObject({ address: 'C0:00:00:00:00:01/random' });
  });

  it('ask, answered y: serve is asked with both strengths, and the bond is replaced', async () => {
    const { serve, second, sameBond } = await pairTwice('D0:00:00:00:00:03', ['--bond-replacement', 'ask'], {
      answer: 'y',
      verdict: 'bond-replaced',
    });
    expect(second.code).toBe(0);
    expect(sameBond).toBe(false);
    expect(await serve.waitFor('bond-replacement-request')).toMatchObject({
      identity: 'C0:00:00:00:00:01/random',
      proven: true,
      existing: { sc: true, keySize: 16 },
      proposed: { sc: true, keySize: 16 },
    });
  });

  it('ask, answered n: serve refuses the new keys and keeps the first bond', async () => {
    const { serve, sameBond } = await pairTwice('D0:00:00:00:00:04', ['--bond-replacement', 'ask'], {
      answer: 'n',
      verdict: 'pairing-failed',
    });
    expect(sameBond).toBe(true);
    expect(event(serve.events, 'bond-replaced')).toBeUndefined();
  });

  it('anything else is a usage error', async () => {
    const { code, events } = await run(['serve', '--bond-replacement', 'sometimes', ...transport]);
    expect(code).toBe(2);
    expect(String(event(events, 'error')?.message)).toMatch(
      /--bond-replacement must be proven, never or ask/,
    );
  });
});
