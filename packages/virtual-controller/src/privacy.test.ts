/**
 * Controller-based privacy over the virtual air, driven by raw hosts (the commands exactly as a host using the
 * controller's resolving list sends them): own address types 2/3, resolution of peers' RPAs in scanning and
 * connection creation, Enhanced Connection Complete's RPA fields, the RPA timeout, network/device privacy mode
 * and the commands' restrictions. Core 6.0 Vol 6 Part B 6.2; Vol 4 Part E 7.8.38-7.8.45, 7.8.77.
 */
import { EventCode, type HciEventPacket, HciStatus, LeSubevent } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';
import { leCreateConnectionParams, openRawHost, type RawHost, u16 } from './raw-host.test-support.js';
import { isRpa, resolvesWith } from './rpa.js';

const irk = (fill: number) => new Uint8Array(16).fill(fill);
const ZERO_IRK = irk(0);

async function publicAddress(host: RawHost): Promise<Uint8Array> {
  return (await host.command(0x1009)).returns.slice(0, 6);
}

function entry(type: number, address: Uint8Array, peerIrk: Uint8Array, localIrk: Uint8Array): Uint8Array {
  return Uint8Array.of(type, ...address, ...peerIrk, ...localIrk);
}

function advertisingParameters(ownType: number, peerType: number, peer: Uint8Array, advType = 0): Uint8Array {
  return Uint8Array.of(...u16(0x20), ...u16(0x20), advType, ownType, peerType, ...peer, 7, 0);
}

const isLe = (sub: number) => (e: HciEventPacket) => e.code === EventCode.leMeta && e.params[0] === sub;

interface Report {
  addressType: number;
  address: Uint8Array;
}

function reportOf(e: HciEventPacket | undefined): Report | undefined {
  if (!e) return undefined;
  return { addressType: e.params[3] ?? -1, address: e.params.slice(4, 10) };
}

async function scanOnce(scanner: RawHost, ms = 500): Promise<Report | undefined> {
  const report = scanner.nextEvent(isLe(LeSubevent.advertisingReport), ms);
  expect((await scanner.command(0x200b, Uint8Array.of(0, ...u16(0x10), ...u16(0x10), 0, 0))).status).toBe(0);
  expect((await scanner.command(0x200c, Uint8Array.of(1, 0))).status).toBe(0);
  const heard = reportOf(await report);
  expect((await scanner.command(0x200c, Uint8Array.of(0, 0))).status).toBe(0);
  return heard;
}

interface Enhanced {
  status: number;
  peerAddressType: number;
  peerAddress: Uint8Array;
  localRpa: Uint8Array;
  peerRpa: Uint8Array;
}

function enhancedOf(e: HciEventPacket | undefined): Enhanced {
  const p = e?.params ?? new Uint8Array(32);
  return {
    status: p[1] ?? -1,
    peerAddressType: p[5] ?? -1,
    peerAddress: p.slice(6, 12),
    localRpa: p.slice(12, 18),
    peerRpa: p.slice(18, 24),
  };
}

/** Two hosts that bonded before: each lists the other's identity, with both IRKs (P for peripheral, C for central). */
async function bondedPair() {
  const air = new VirtualAir();
  const central = await openRawHost(air);
  const peripheral = await openRawHost(air);
  const c = await publicAddress(central);
  const p = await publicAddress(peripheral);
  const irkC = irk(0xc1);
  const irkP = irk(0xb2);
  expect((await central.command(0x2027, entry(0, p, irkP, irkC))).status).toBe(0);
  expect((await peripheral.command(0x2027, entry(0, c, irkC, irkP))).status).toBe(0);
  return { air, central, peripheral, c, p, irkC, irkP };
}

describe('controller privacy: own address types 2 and 3', () => {
  it('advertises with an RPA from the local IRK of the entry the advertising parameters name', async () => {
    const { air, peripheral, c, irkP } = await bondedPair();
    await peripheral.command(0x2006, advertisingParameters(2, 0, c));
    expect((await peripheral.command(0x200a, Uint8Array.of(1))).status).toBe(0);
    // A bystander without the IRK sees a random RPA, one that resolves with the peripheral's IRK.
    const bystander = await openRawHost(air);
    const seen = await scanOnce(bystander);
    expect(seen?.addressType).toBe(1);
    expect(isRpa(seen?.address ?? new Uint8Array(6))).toBe(true);
    expect(resolvesWith(seen?.address ?? new Uint8Array(6), irkP)).toBe(true);
    // Its local RPA reads back the same.
    const local = await peripheral.command(0x202c, Uint8Array.of(0, ...c));
    expect(local.returns).toEqual(seen?.address);
    air.close();
  });

  it('falls back to the public (2) or random (3) address when no entry matches, or its local IRK is zero', async () => {
    const air = new VirtualAir();
    const advertiser = await openRawHost(air);
    const scanner = await openRawHost(air);
    const somebody = Uint8Array.of(1, 2, 3, 4, 5, 6);
    await advertiser.command(0x2006, advertisingParameters(2, 0, somebody));
    await advertiser.command(0x200a, Uint8Array.of(1));
    expect(await scanOnce(scanner)).toEqual({ addressType: 0, address: await publicAddress(advertiser) });
    await advertiser.command(0x200a, Uint8Array.of(0));
    // Type 3 without an entry needs a random address: refused until one is set.
    await advertiser.command(0x2006, advertisingParameters(3, 0, somebody));
    expect((await advertiser.command(0x200a, Uint8Array.of(1))).status).toBe(HciStatus.invalidParameters);
    const random = Uint8Array.of(9, 8, 7, 6, 5, 0xc4);
    await advertiser.command(0x2005, random);
    expect((await advertiser.command(0x200a, Uint8Array.of(1))).status).toBe(0);
    expect(await scanOnce(scanner)).toEqual({ addressType: 1, address: random });
    await advertiser.command(0x200a, Uint8Array.of(0));
    // An entry whose local IRK is zero: no RPA either.
    await advertiser.command(0x2027, entry(0, somebody, irk(5), ZERO_IRK));
    expect((await advertiser.command(0x200a, Uint8Array.of(1))).status).toBe(0);
    expect(await scanOnce(scanner)).toEqual({ addressType: 1, address: random });
    air.close();
  });
});

describe('controller privacy: resolving peers', () => {
  it('reports a resolved advertiser by its identity (type 2), only with address resolution on', async () => {
    const { air, central, peripheral, c, p } = await bondedPair();
    await peripheral.command(0x2006, advertisingParameters(2, 0, c));
    await peripheral.command(0x200a, Uint8Array.of(1));
    expect((await scanOnce(central))?.addressType).toBe(1); // resolution off: the RPA as heard
    expect((await central.command(0x202d, Uint8Array.of(1))).status).toBe(0);
    expect(await scanOnce(central)).toEqual({ addressType: 2, address: p });
    air.close();
  });

  it('connects by identity with RPAs on both sides; Enhanced Connection Complete names identities and RPAs', async () => {
    const { air, central, peripheral, c, p, irkC, irkP } = await bondedPair();
    for (const host of [central, peripheral])
      expect((await host.command(0x202d, Uint8Array.of(1))).status).toBe(0);
    await peripheral.command(0x2006, advertisingParameters(2, 0, c));
    await peripheral.command(0x200a, Uint8Array.of(1));
    const done = Promise.all([
      central.nextEvent(isLe(LeSubevent.enhancedConnectionCompleteV1)),
      peripheral.nextEvent(isLe(LeSubevent.enhancedConnectionCompleteV1)),
    ]);
    // Peer_Address_Type 2: the public identity; Own_Address_Type 2: an RPA from our local IRK for it.
    expect(
      (await central.command(0x200d, leCreateConnectionParams({ peerType: 2, peer: p, ownType: 2 }))).status,
    ).toBe(0);
    const [atCentral, atPeripheral] = (await done).map(enhancedOf);
    expect(atCentral).toMatchObject({ status: 0, peerAddressType: 2, peerAddress: p });
    expect(resolvesWith(atCentral?.localRpa ?? new Uint8Array(6), irkC)).toBe(true);
    expect(resolvesWith(atCentral?.peerRpa ?? new Uint8Array(6), irkP)).toBe(true);
    expect(atPeripheral).toMatchObject({ status: 0, peerAddressType: 2, peerAddress: c });
    expect(atPeripheral?.localRpa).toEqual(atCentral?.peerRpa);
    expect(atPeripheral?.peerRpa).toEqual(atCentral?.localRpa);
    air.close();
  });

  it('reports the peer RPA unresolved (type 1, no peer RPA field) when the central has no entry for it', async () => {
    const { air, peripheral, c } = await bondedPair();
    const stranger = await openRawHost(air);
    await peripheral.command(0x2006, advertisingParameters(2, 0, c));
    await peripheral.command(0x200a, Uint8Array.of(1));
    const heard = await scanOnce(stranger);
    const done = stranger.nextEvent(isLe(LeSubevent.enhancedConnectionCompleteV1));
    await stranger.command(
      0x200d,
      leCreateConnectionParams({ peerType: 1, peer: heard?.address ?? new Uint8Array(6) }),
    );
    const event = enhancedOf(await done);
    expect(event).toMatchObject({ status: 0, peerAddressType: 1, peerAddress: heard?.address });
    expect(event.peerRpa).toEqual(new Uint8Array(6));
    expect(event.localRpa).toEqual(new Uint8Array(6));
    air.close();
  });

  it('ignores a listed peer that uses its identity address in network privacy mode, not in device mode', async () => {
    const { air, central, peripheral, c, p } = await bondedPair();
    await central.command(0x202d, Uint8Array.of(1));
    await peripheral.command(0x2006, advertisingParameters(0, 0, c)); // its public identity, no RPA
    await peripheral.command(0x200a, Uint8Array.of(1));
    expect(await scanOnce(central, 200)).toBeUndefined();
    await central.command(0x202d, Uint8Array.of(0));
    expect((await central.command(0x204e, Uint8Array.of(0, ...p, 1))).status).toBe(0);
    await central.command(0x202d, Uint8Array.of(1));
    expect(await scanOnce(central)).toEqual({ addressType: 0, address: p });
    air.close();
  });

  it('directed advertising with RPAs reaches the peer it names, and no one else', async () => {
    const { air, central, peripheral, c } = await bondedPair();
    const other = await openRawHost(air);
    await other.command(0x202d, Uint8Array.of(1));
    await central.command(0x202d, Uint8Array.of(1));
    // Low duty cycle directed (type 4) from an RPA to the central's RPA (TargetA made from the central's IRK).
    await peripheral.command(0x2006, advertisingParameters(2, 0, c, 4));
    expect((await peripheral.command(0x200a, Uint8Array.of(1))).status).toBe(0);
    const target = (await peripheral.command(0x202b, Uint8Array.of(0, ...c))).returns;
    expect(isRpa(target)).toBe(true);
    expect((await scanOnce(central))?.addressType).toBe(2);
    expect(await scanOnce(other, 200)).toBeUndefined();
    air.close();
  });
});

describe('controller privacy: RPA timeout and command rules', () => {
  it('makes new RPAs every RPA timeout', async () => {
    const { air, peripheral, c } = await bondedPair();
    expect((await peripheral.command(0x202e, u16(0))).status).toBe(HciStatus.invalidParameters);
    expect((await peripheral.command(0x202e, u16(1))).status).toBe(0);
    const read = async () => (await peripheral.command(0x202c, Uint8Array.of(0, ...c))).returns;
    const first = await read();
    expect(await read()).toEqual(first);
    await new Promise((r) => setTimeout(r, 1100));
    const second = await read();
    expect(second).not.toEqual(first);
    expect(isRpa(second)).toBe(true);
    air.close();
  });

  it('refuses list changes that would disturb a procedure using it, duplicates, and a full list', async () => {
    const air = new VirtualAir();
    const host = await openRawHost(air);
    const a = Uint8Array.of(1, 1, 1, 1, 1, 1);
    expect((await host.command(0x2027, entry(0, a, irk(1), irk(2)))).status).toBe(0);
    expect((await host.command(0x2027, entry(0, a, irk(3), irk(4)))).status).toBe(
      HciStatus.invalidParameters,
    );
    expect((await host.command(0x2027, entry(2, a, irk(3), irk(4)))).status).toBe(
      HciStatus.invalidParameters,
    );
    await host.command(0x2006, advertisingParameters(0, 0, a));
    await host.command(0x200a, Uint8Array.of(1));
    // Resolution cannot be switched while advertising; the list can change while resolution is off.
    expect((await host.command(0x202d, Uint8Array.of(1))).status).toBe(HciStatus.commandDisallowed);
    expect((await host.command(0x2027, entry(1, a, irk(1), irk(2)))).status).toBe(0);
    await host.command(0x200a, Uint8Array.of(0));
    expect((await host.command(0x202d, Uint8Array.of(1))).status).toBe(0);
    await host.command(0x200a, Uint8Array.of(1));
    for (const [opcode, params] of [
      [0x2027, entry(0, Uint8Array.of(2, 2, 2, 2, 2, 2), irk(1), irk(2))],
      [0x2028, Uint8Array.of(0, ...a)],
      [0x2029, new Uint8Array(0)],
      [0x204e, Uint8Array.of(0, ...a, 1)],
    ] as const) {
      expect((await host.command(opcode, params)).status, `0x${opcode.toString(16)}`).toBe(
        HciStatus.commandDisallowed,
      );
    }
    await host.command(0x200a, Uint8Array.of(0));
    for (let i = 2; i < 8; i++) {
      expect(
        (await host.command(0x2027, entry(0, new Uint8Array(6).fill(i + 10), irk(1), irk(2)))).status,
      ).toBe(0);
    }
    expect((await host.command(0x2027, entry(0, new Uint8Array(6).fill(99), irk(1), irk(2)))).status).toBe(
      HciStatus.memoryCapacityExceeded,
    );
    expect((await host.command(0x202c, Uint8Array.of(0, 7, 7, 7, 7, 7, 7))).status).toBe(
      HciStatus.unknownConnectionIdentifier,
    );
    air.close();
  });
});
