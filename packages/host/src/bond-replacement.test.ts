/**
 * The re-pairing policy through the Host API (PairOptions.bondReplacement, PairingDelegate.replaceBond, the
 * bondReplaced event), with a real bond file: a device that pairs again replaces its bond only as the policy
 * says, and a refused replacement leaves the file's keys as they were.
 */

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAddress } from '@tsble/base';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { FileBondStore } from './bond-store/file-bond-store.js';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import type { Connection, PairOptions } from './connection.js';
import { PairingError } from './errors.js';
import { Host } from './host.js';
import type { BondReplacementRequest } from './pairing-delegate.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

/** A peripheral with a bond file and a central that pairs with it, then pairs again after losing its keys. */
async function setup(pairing: PairOptions, answer?: (request: BondReplacementRequest) => boolean) {
  const file = join(mkdtempSync(join(tmpdir(), 'tsble-repair-')), 'bonds.json');
  const asked: BondReplacementRequest[] = [];
  const air = new VirtualAir();
  const peripheral = await Host.open(air.createController(), {
    bondStore: new FileBondStore(file),
    pairing,
    delegate: {
      replaceBond: (request) => {
        asked.push(request);
        return answer?.(request) ?? false;
      },
    },
  });
  const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
  opened.push(peripheral, central);
  const connect = async (): Promise<{ ours: Connection; theirs: Connection }> => {
    await peripheral.advertise({ name: 'repair' });
    const accepted = peripheral.accept();
    const ours = await central.connect(peripheral.identityAddress);
    return { ours, theirs: await accepted };
  };
  const first = await connect();
  const saved = first.theirs.next('bonded');
  await first.ours.pair();
  await saved;
  const identity = first.theirs.identity;
  const keysBefore = JSON.stringify(JSON.parse(readFileSync(file, 'utf8')).bonds[identity].localLtk);
  await first.ours.disconnect();
  // The central "forgets" the peripheral: its next pairing is a new one from the same identity.
  await central.forget(formatAddress(peripheral.identityAddress));
  const second = await connect();
  const replaced: string[] = [];
  second.theirs.on('bondReplaced', (who) => replaced.push(who));
  // The responder judges the initiator's keys last: the central has completed by then and learns of a
  // refusal from the Pairing Failed that follows (and withdraws its own new bond).
  const centralFailed = second.ours.next('pairingFailed');
  const verdict = Promise.race([
    second.theirs.next('bonded').then(() => 'paired' as const),
    second.theirs.next('pairingFailed').then(([error]) => error),
  ]);
  await second.ours.pair().catch(() => undefined);
  const result = await verdict;
  if (result !== 'paired') {
    const [error] = await centralFailed;
    expect(error.byPeer).toBe(true);
    expect(error.reason).toBe(0x08);
  }
  const keysAfter = JSON.stringify(JSON.parse(readFileSync(file, 'utf8')).bonds[identity].localLtk);
  return { asked, replaced, result, identity, changed: keysAfter !== keysBefore };
}

describe('re-pairing by the same identity', () => {
  it("'proven' (default): the central's equal re-pairing from its identity address replaces the bond and says so", async () => {
    const r = await setup({});
    expect(r.result).toBe('paired');
    expect(r.replaced).toEqual([r.identity]);
    expect(r.changed).toBe(true);
    expect(r.asked).toEqual([]);
  });

  it("'never': the re-pairing fails and the file keeps the old keys", async () => {
    const r = await setup({ bondReplacement: 'never' });
    expect(r.result).toBeInstanceOf(PairingError);
    expect((r.result as PairingError).reason).toBe(0x08);
    expect(r.replaced).toEqual([]);
    expect(r.changed).toBe(false);
  });

  it("'ask': the delegate sees the identity and both strengths; false keeps the bond, true replaces it", async () => {
    const refused = await setup({ bondReplacement: 'ask' }, () => false);
    expect(refused.asked).toEqual([
      {
        identity: refused.identity,
        existing: { authenticated: false, sc: true, keySize: 16 },
        proposed: { authenticated: false, sc: true, keySize: 16 },
        proven: true,
      },
    ]);
    expect(refused.result).toBeInstanceOf(PairingError);
    expect(refused.changed).toBe(false);
    const allowed = await setup({ bondReplacement: 'ask' }, () => true);
    expect(allowed.result).toBe('paired');
    expect(allowed.replaced).toEqual([allowed.identity]);
    expect(allowed.changed).toBe(true);
  });

  it('a delegate without replaceBond refuses (the safe default)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tsble-repair-')), 'bonds.json');
    const air = new VirtualAir();
    const peripheral = await Host.open(air.createController(), {
      bondStore: new FileBondStore(file),
      pairing: { bondReplacement: 'ask' },
    });
    const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
    opened.push(peripheral, central);
    for (const attempt of [1, 2]) {
      await peripheral.advertise({ name: 'repair' });
      const accepted = peripheral.accept();
      const ours = await central.connect(peripheral.identityAddress);
      const theirs = await accepted;
      const outcome = Promise.race([
        theirs.next('bonded').then(() => 'paired'),
        theirs.next('pairingFailed').then(([error]) => error.reason),
      ]);
      await ours.pair().catch(() => undefined);
      expect(await outcome).toBe(attempt === 1 ? 'paired' : 0x08);
      await ours.disconnect();
      await central.forget(formatAddress(peripheral.identityAddress));
    }
  });
});
