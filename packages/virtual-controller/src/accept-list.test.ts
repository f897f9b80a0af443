/**
 * The Filter Accept List and the policies that use it (Core 6.0 Vol 6 Part B 4.3; Vol 4 Part E 7.8.14-7.8.17):
 * a scanner that reports only listed advertisers, an initiator that connects to whichever listed device
 * advertises (BlueZ's background connections do this), an advertiser that takes connections only from listed
 * centrals, identities resolved through the resolving list first.
 */
import { EventCode, type HciEventPacket, HciStatus, LeSubevent } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';
import { leCreateConnectionParams, openRawHost, type RawHost, u16 } from './raw-host.test-support.js';

const isLe = (sub: number) => (e: HciEventPacket) => e.code === EventCode.leMeta && e.params[0] === sub;

const address = async (host: RawHost) => (await host.command(0x1009)).returns.slice(0, 6);
const listEntry = (type: number, a: Uint8Array) => Uint8Array.of(type, ...a);

function advertise(host: RawHost, filterPolicy: number, ownType = 0): Promise<unknown> {
  return host
    .command(
      0x2006,
      Uint8Array.of(...u16(0x20), ...u16(0x20), 0, ownType, 0, 0, 0, 0, 0, 0, 0, 7, filterPolicy),
    )
    .then(() => host.command(0x200a, Uint8Array.of(1)));
}

async function heardBy(scanner: RawHost, filterPolicy: number, ms = 300): Promise<string[]> {
  await scanner.command(0x200b, Uint8Array.of(0, ...u16(0x10), ...u16(0x10), 0, filterPolicy));
  await scanner.command(0x200c, Uint8Array.of(1, 0));
  const start = scanner.events.length;
  await new Promise((r) => setTimeout(r, ms));
  await scanner.command(0x200c, Uint8Array.of(0, 0));
  const seen = scanner.events
    .slice(start)
    .filter(isLe(LeSubevent.advertisingReport))
    .map((e) => Buffer.from(e.params.slice(4, 10)).toString('hex'));
  return [...new Set(seen)];
}

describe('the Filter Accept List', () => {
  it('scanning filter policy 1 reports only listed advertisers', async () => {
    const air = new VirtualAir();
    const scanner = await openRawHost(air);
    const listed = await openRawHost(air);
    const other = await openRawHost(air);
    await advertise(listed, 0);
    await advertise(other, 0);
    const listedAddress = await address(listed);
    expect((await scanner.command(0x2011, listEntry(0, listedAddress))).status).toBe(0);
    expect((await heardBy(scanner, 0)).length).toBe(2);
    expect(await heardBy(scanner, 1)).toEqual([Buffer.from(listedAddress).toString('hex')]);
    air.close();
  });

  it('initiator filter policy 1 connects to a listed advertiser whatever the peer fields say', async () => {
    const air = new VirtualAir();
    const central = await openRawHost(air);
    const stranger = await openRawHost(air);
    const friend = await openRawHost(air);
    await advertise(stranger, 0);
    const friendAddress = await address(friend);
    await central.command(0x2011, listEntry(0, friendAddress));
    const done = central.nextEvent(isLe(LeSubevent.enhancedConnectionCompleteV1), 2000);
    expect((await central.command(0x200d, leCreateConnectionParams({ filterPolicy: 1 }))).status).toBe(0);
    // The list is in use: it may not change until the connection is made.
    expect((await central.command(0x2010)).status).toBe(HciStatus.commandDisallowed);
    await new Promise((r) => setTimeout(r, 50));
    await advertise(friend, 0);
    const event = await done;
    expect(Array.from(event?.params.slice(6, 12) ?? [])).toEqual(Array.from(friendAddress));
    expect((await central.command(0x2010)).status).toBe(0);
    air.close();
  });

  it('advertising filter policy 2 takes connection requests only from listed centrals', async () => {
    const air = new VirtualAir();
    const peripheral = await openRawHost(air);
    const outsider = await openRawHost(air);
    const member = await openRawHost(air);
    const peripheralAddress = await address(peripheral);
    await peripheral.command(0x2011, listEntry(0, await address(member)));
    await advertise(peripheral, 2);
    expect((await peripheral.command(0x2012, listEntry(0, await address(member)))).status).toBe(
      HciStatus.commandDisallowed,
    );
    const refused = outsider.nextEvent(isLe(LeSubevent.enhancedConnectionCompleteV1), 200);
    await outsider.command(0x200d, leCreateConnectionParams({ peer: peripheralAddress }));
    expect(await refused).toBeUndefined();
    await outsider.command(0x200e);
    const accepted = member.nextEvent(isLe(LeSubevent.enhancedConnectionCompleteV1), 2000);
    await member.command(0x200d, leCreateConnectionParams({ peer: peripheralAddress }));
    expect((await accepted)?.params[1]).toBe(0);
    air.close();
  });

  it('refuses bad entries, a full list, and removing what is not there', async () => {
    const air = new VirtualAir();
    const host = await openRawHost(air);
    expect((await host.command(0x2011, listEntry(2, new Uint8Array(6)))).status).toBe(
      HciStatus.invalidParameters,
    );
    for (let i = 0; i < 8; i++)
      expect((await host.command(0x2011, listEntry(0, new Uint8Array(6).fill(i)))).status).toBe(0);
    expect((await host.command(0x2011, listEntry(0, new Uint8Array(6).fill(0)))).status).toBe(0); // already there
    expect((await host.command(0x2011, listEntry(0, new Uint8Array(6).fill(9)))).status).toBe(
      HciStatus.memoryCapacityExceeded,
    );
    expect((await host.command(0x2012, listEntry(1, new Uint8Array(6).fill(1)))).status).toBe(
      HciStatus.unknownConnectionIdentifier,
    );
    air.close();
  });
});
