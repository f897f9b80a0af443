/**
 * @tsble/host: what a user of the stack waits for. Connection + LE Secure Connections Just Works pairing
 * through the whole stack (HCI, L2CAP, SMP, two hosts on the in-process virtual controller), against a
 * bonded reconnection that encrypts from the stored key; the bond store's durable write (temp file, fsync,
 * rename, directory fsync) against the in-memory store; resolving a peer's RPA among 1,000 bonded IRKs; and
 * decoding/merging advertising reports while scanning.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeAdvertisingData,
  FileBondStore,
  Host,
  MemoryBondStore,
  PeerResolver,
  parseAddress,
  ScanReports,
} from '@tsble/host';
import { generateRpa } from '@tsble/smp-core';
import { VirtualAir } from '@tsble/virtual-controller';
import type { BenchCase, BenchSuite } from '../harness.js';

const LTK = {
  ltk: '00112233445566778899aabbccddeeff',
  ediv: 0,
  rand: '0000000000000000',
  keySize: 16,
  authenticated: false,
  sc: true,
};
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

async function stackCases(): Promise<BenchCase[]> {
  const air = new VirtualAir();
  const peripheral = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
  const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
  const bondedCentral = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
  const bondedPeripheral = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
  await peripheral.advertise({});
  await bondedPeripheral.advertise({});
  // One bond for the reconnection case; wait until the peripheral has stored its side too.
  const first = await bondedCentral.connect(bondedPeripheral.identityAddress);
  const remotePaired = [...bondedPeripheral.connections.values()][0]?.next('paired');
  await first.pair();
  await remotePaired;
  await first.disconnect();
  return [
    {
      name: 'host: connect + LE SC Just Works pairing + disconnect (virtual controller)',
      fn: async () => {
        await central.bondStore.forgetAll();
        await peripheral.bondStore.forgetAll();
        const connection = await central.connect(peripheral.identityAddress);
        await connection.pair();
        await connection.disconnect();
      },
      baseline: 'host: bonded reconnect + encrypt from the bond + disconnect',
    },
    {
      name: 'host: bonded reconnect + encrypt from the bond + disconnect',
      fn: async () => {
        const connection = await bondedCentral.connect(bondedPeripheral.identityAddress);
        await connection.encrypt();
        await connection.disconnect();
      },
    },
  ];
}

async function storeCases(): Promise<BenchCase[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsble-bench-bonds-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = await FileBondStore.open(join(dir, 'ble_secrets.json'));
  const memory = new MemoryBondStore();
  for (let i = 0; i < 20; i++) {
    const address = `C0:00:00:00:00:${i.toString(16).padStart(2, '0').toUpperCase()}/random`;
    await file.put({ address, peerLtk: LTK, localLtk: LTK });
    await memory.put({ address, peerLtk: LTK, localLtk: LTK });
  }
  let n = 0;
  return [
    {
      name: 'bond store: file put, 20 bonds (atomic write + fsync)',
      fn: () => file.put({ address: 'F0:F1:F2:F3:F4:F5/random', peerLtk: { ...LTK, ediv: n++ & 0xffff } }),
      baseline: 'bond store: memory put, 20 bonds',
    },
    {
      name: 'bond store: memory put, 20 bonds',
      fn: () => memory.put({ address: 'F0:F1:F2:F3:F4:F5/random', peerLtk: { ...LTK, ediv: n++ & 0xffff } }),
    },
  ];
}

async function privacyCases(): Promise<BenchCase[]> {
  const store = new MemoryBondStore();
  const irks: Uint8Array[] = [];
  for (let i = 0; i < 1000; i++) {
    const irk = crypto.getRandomValues(new Uint8Array(16));
    irks.push(irk);
    await store.put({
      address: `C0:00:00:00:${(i >> 8).toString(16).padStart(2, '0').toUpperCase()}:${(i & 0xff).toString(16).padStart(2, '0').toUpperCase()}/random`,
      peerLtk: LTK,
      peerIrk: hex(irk),
    });
  }
  const resolver = new PeerResolver(store);
  const last = { bytes: generateRpa(irks[999] as Uint8Array), type: 'random' as const };
  const stranger = {
    bytes: generateRpa(crypto.getRandomValues(new Uint8Array(16))),
    type: 'random' as const,
  };
  resolver.resolve(last); // warm the IRK cache
  return [
    {
      name: 'privacy: resolve an RPA among 1,000 bonds (last one matches)',
      fn: () => resolver.resolve(last),
    },
    { name: 'privacy: an unknown RPA against 1,000 bonds (no match)', fn: () => resolver.resolve(stranger) },
  ];
}

async function scanCases(): Promise<BenchCase[]> {
  const parsed = parseAddress('C0:11:22:33:44:55/random');
  if (!parsed.ok) throw new Error(parsed.error.message);
  const encoded = encodeAdvertisingData({
    flags: 6,
    serviceUuids128: ['b1e50000-3c9b-4e7a-9f1d-5e2a7c4d8b00'],
    name: 'tsble',
  });
  if (!encoded.ok) throw new Error(encoded.error.message);
  const reports = new ScanReports({ duplicates: true });
  const report = { eventType: 0, address: parsed.value, data: encoded.value, rssi: -50 };
  return [{ name: 'scan: decode + merge one advertising report', fn: () => reports.accept(report) }];
}

export const suite: BenchSuite = {
  name: 'host',
  cases: async () => [
    ...(await stackCases()),
    ...(await storeCases()),
    ...(await privacyCases()),
    ...(await scanCases()),
  ],
};
