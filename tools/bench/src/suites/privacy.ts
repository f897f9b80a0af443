/**
 * Privacy: a scanner or a peripheral resolving a peer's resolvable private address (Core 6.0 Vol 6 Part B
 * 1.3.2.3) to one of its bonds, among 10, 100, 1,000 and 10,000 bonded IRKs, with the RPA belonging to the
 * last bond (the whole list is tried, as for every stranger's advertisement). tsble: the host's
 * PeerResolver over an in-memory bond store, exactly what Host runs per connection and per advertising
 * report. Beside it, smp-core's prepared IrkSet (what the resolver could use) and ble-host's own resolver
 * (its bond storage's resolveAddress, one native AES-ECB cipher object per IRK), each sampled
 * alternately with tsble's for the ratio. Goal: one RPA among 1,000 IRKs under 1 ms.
 */
import { type Address, MemoryBondStore, PeerResolver } from '@tsble/host';
import { generateRpa, IrkSet, randomBytes } from '@tsble/smp-core';
import type { BenchCase, BenchSuite } from '../harness.js';
import { bleHostStorage } from '../stack/ble-host-api.js';
import { inBleHostStorage } from '../stack/ble-host-peers.js';

const SIZES = [10, 100, 1_000, 10_000];

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
/** `C0:00:00:00:HH:LL`, most significant octet first, for bond number `i`. */
const identityText = (i: number) =>
  `C0:00:00:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
/** An address in on-air order as people write it: most significant octet first. */
const addressText = (onAir: Uint8Array) =>
  Array.from(onAir)
    .reverse()
    .map((b) => b.toString(16).padStart(2, '0').toUpperCase())
    .join(':');

/** tsble's host resolver over `irks.length` bonds (the store built at once, as loading a bond file does). */
async function tsbleResolver(irks: Uint8Array[]): Promise<PeerResolver> {
  const bonds = Object.fromEntries(
    irks.map((irk, i) => {
      const address = `${identityText(i)}/random`;
      const now = new Date(0).toISOString();
      return [address, { address, peerIrk: hex(irk), createdAt: now, updatedAt: now }];
    }),
  );
  const store = new MemoryBondStore({ version: 1, bonds });
  await store.load();
  return new PeerResolver(store);
}

/** ble-host's storage holding the same IRKs under a local address of its own; returns that address. */
function bleHostBonds(irks: Uint8Array[]): Promise<string> {
  const own = `01:C1:00:00:00:00:${irks.length.toString(16).padStart(4, '0').slice(-2)}`;
  return inBleHostStorage(async () => {
    irks.forEach((irk, i) => {
      // ble-host takes the IRK in SMP's on-air order, as Identity Information carries it.
      bleHostStorage.storeKeys(
        own,
        `01:${identityText(i)}`,
        false,
        true,
        Buffer.from(irk),
        null,
        null,
        null,
        null,
        null,
        null,
      );
    });
    return own;
  });
}

async function sizeCases(count: number): Promise<BenchCase[]> {
  const irks = Array.from({ length: count }, () => randomBytes(16));
  const rpa = generateRpa(irks[count - 1] as Uint8Array);
  const address: Address = { bytes: rpa, type: 'random' };
  const expected = identityText(count - 1);
  const resolver = await tsbleResolver(irks);
  const irkSet = new IrkSet(irks);
  const own = await bleHostBonds(irks);
  const rpaText = `01:${addressText(rpa)}`;
  // Each side must find the right bond, or the figure would time a miss.
  const check = (found: string | null | undefined, who: string) => {
    if (found === undefined || found === null || !found.toUpperCase().includes(expected)) {
      throw new Error(`${who} resolved the RPA to ${found} instead of ${expected}`);
    }
  };
  check(resolver.resolve(address), 'PeerResolver');
  check(irkSet.resolve(rpa) === count - 1 ? expected : undefined, 'IrkSet');
  check(bleHostStorage.resolveAddress(own, rpaText), 'ble-host');
  const label = `${count.toLocaleString('en-US')} IRKs`;
  const bleHost = `ble-host resolveAddress, ${label}`;
  return [
    { name: bleHost, fn: () => bleHostStorage.resolveAddress(own, rpaText) },
    { name: `tsble PeerResolver, ${label}`, fn: () => resolver.resolve(address), baseline: bleHost },
    { name: `tsble IrkSet, ${label}`, fn: () => irkSet.resolve(rpa), baseline: bleHost },
  ];
}

export const suite: BenchSuite = {
  name: 'privacy',
  cases: async () => {
    const cases: BenchCase[] = [];
    for (const count of SIZES) cases.push(...(await sizeCases(count)));
    return cases;
  },
};
