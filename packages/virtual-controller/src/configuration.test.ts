import { EventCode, type HciEventPacket, HciStatus, LeSubevent } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';
import { connectRawPair, mask64, openRawHost, RawHost, u16 } from './raw-host.test-support.js';

describe('configuration commands other hosts send', () => {
  it('stores Set Event Mask Page 2, and Reset clears it', async () => {
    const air = new VirtualAir();
    const controller = air.addController();
    const host = new RawHost(controller);
    expect((await host.command(0x0c63, mask64(0x800000n))).status).toBe(0);
    expect(controller.state.eventMaskPage2).toBe(0x800000n);
    expect((await host.command(0x0c63, new Uint8Array(7))).status).toBe(HciStatus.invalidParameters);
    await host.command(0x0c03);
    expect(controller.state.eventMaskPage2).toBe(0n);
    air.close();
  });

  it('reads and writes the suggested default data length within 27-251 octets and 328-17040 us', async () => {
    const air = new VirtualAir();
    const host = new RawHost(air.addController());
    expect(Array.from((await host.command(0x2023)).returns)).toEqual([27, 0, 0x48, 0x01]);
    expect((await host.command(0x2024, Uint8Array.of(...u16(252), ...u16(2120)))).status).toBe(
      HciStatus.invalidParameters,
    );
    expect((await host.command(0x2024, Uint8Array.of(...u16(251), ...u16(2120)))).status).toBe(0);
    expect(Array.from((await host.command(0x2023)).returns)).toEqual([251, 0, 0x48, 0x08]);
    air.close();
  });

  it('runs the data length update by itself on new links when the host suggested more than 27 octets', async () => {
    const air = new VirtualAir();
    const lengthChange = (host: RawHost) =>
      host.nextEvent((e) => e.code === EventCode.leMeta && e.params[0] === LeSubevent.dataLengthChange);
    let changes: Promise<(HciEventPacket | undefined)[]> | undefined;
    await connectRawPair(air, async (central, peripheral) => {
      await central.command(0x2024, Uint8Array.of(...u16(251), ...u16(2120)));
      changes = Promise.all([lengthChange(central), lengthChange(peripheral)]);
    });
    const [fromCentral, fromPeripheral] = (await changes) ?? [];
    // Connection handle (2), then MaxTxOctets (2), MaxTxTime (2), MaxRxOctets (2), MaxRxTime (2).
    const tx = (e: HciEventPacket | undefined) => (e?.params[3] ?? 0) | ((e?.params[4] ?? 0) << 8);
    const rx = (e: HciEventPacket | undefined) => (e?.params[7] ?? 0) | ((e?.params[8] ?? 0) << 8);
    expect([tx(fromCentral), rx(fromCentral)]).toEqual([251, 27]);
    expect([tx(fromPeripheral), rx(fromPeripheral)]).toEqual([27, 251]);
    air.close();
  });

  it('leaves new links at 27 octets when nobody suggested more', async () => {
    const air = new VirtualAir();
    const { central } = await connectRawPair(air);
    await new Promise((r) => setTimeout(r, 20));
    expect(
      central.events.some((e) => e.code === EventCode.leMeta && e.params[0] === LeSubevent.dataLengthChange),
    ).toBe(false);
    air.close();
  });

  it('has one PHY: LE Read PHY says 1M, LE Set Default PHY refuses 2M, LE Set PHY ends on 1M', async () => {
    const air = new VirtualAir();
    const pair = await connectRawPair(air);
    const host = pair.central;
    const phy = await host.command(0x2030, u16(pair.centralHandle));
    expect(Array.from(phy.returns)).toEqual([pair.centralHandle & 0xff, pair.centralHandle >> 8, 1, 1]);
    expect((await host.command(0x2030, u16(0x0eff))).status).toBe(HciStatus.unknownConnectionIdentifier);
    expect((await host.command(0x2031, Uint8Array.of(0, 1, 1))).status).toBe(0);
    expect((await host.command(0x2031, Uint8Array.of(0, 3, 1))).status).toBe(0x11);
    expect((await host.command(0x2031, Uint8Array.of(3, 3, 3))).status).toBe(0); // "no preference" ignores the masks
    const update = host.nextEvent(
      (e) => e.code === EventCode.leMeta && e.params[0] === LeSubevent.phyUpdateComplete,
    );
    const status = await host.command(0x2032, Uint8Array.of(...u16(pair.centralHandle), 0, 2, 2, 0, 0));
    expect(status).toMatchObject({ kind: 'status', status: 0 });
    expect(Array.from((await update)?.params ?? [])).toEqual([
      LeSubevent.phyUpdateComplete,
      0,
      pair.centralHandle & 0xff,
      pair.centralHandle >> 8,
      1,
      1,
    ]);
    air.close();
  });
});

describe('controller-to-host flow control', () => {
  it('sends the host no more ACL packets than it has buffers, cut to its length, until it reports them done', async () => {
    const air = new VirtualAir();
    const { central, peripheral, centralHandle, peripheralHandle } = await connectRawPair(air);
    expect(
      (await peripheral.command(0x0c33, Uint8Array.of(...u16(20), 0, ...u16(2), ...u16(0)))).status,
    ).toBe(0);
    expect((await peripheral.command(0x0c31, Uint8Array.of(1))).status).toBe(0);
    for (let i = 0; i < 3; i++) central.sendAcl(centralHandle, new Uint8Array(27).fill(i));
    await new Promise((r) => setTimeout(r, 30));
    // Two buffers of 20 octets: the first 27-octet PDU as 20 + 7, then nothing until the host frees one.
    expect(peripheral.acl.map((p) => p.data.length)).toEqual([20, 7]);
    expect(peripheral.acl.map((p) => p.packetBoundary)).toEqual([0x02, 0x01]);
    const before = peripheral.events.length;
    peripheral.send(0x0c35, Uint8Array.of(1, ...u16(peripheralHandle), ...u16(1)));
    await new Promise((r) => setTimeout(r, 30));
    expect(peripheral.acl.length).toBe(3);
    // Host Number Of Completed Packets is answered by no event and takes no command credit.
    expect(peripheral.events.slice(before).some((e) => e.code === EventCode.commandComplete)).toBe(false);
    expect((await peripheral.command(0x1009)).status).toBe(0);
    expect(peripheral.controller.violations).toEqual([]);
    peripheral.send(0x0c35, Uint8Array.of(1, ...u16(peripheralHandle), ...u16(2)));
    await new Promise((r) => setTimeout(r, 30));
    expect(peripheral.acl.map((p) => p.data.length)).toEqual([20, 7, 20, 7, 20]);
    peripheral.send(0x0c35, Uint8Array.of(1, ...u16(peripheralHandle), ...u16(1)));
    await new Promise((r) => setTimeout(r, 30));
    expect(peripheral.acl.map((p) => p.data.length)).toEqual([20, 7, 20, 7, 20, 7]);
    air.close();
  });

  it('answers a malformed Host Number Of Completed Packets, and Reset turns flow control off', async () => {
    const air = new VirtualAir();
    const host = await openRawHost(air);
    expect((await host.command(0x0c35, Uint8Array.of(2, 1, 0, 1, 0))).status).toBe(
      HciStatus.invalidParameters,
    );
    expect((await host.command(0x0c33, new Uint8Array(7))).status).toBe(HciStatus.invalidParameters);
    await host.command(0x0c33, Uint8Array.of(...u16(100), 0, ...u16(4), ...u16(0)));
    await host.command(0x0c31, Uint8Array.of(1));
    expect(host.controller.hostFlow.enabled).toBe(true);
    await host.command(0x0c03);
    expect(host.controller.hostFlow.enabled).toBe(false);
    expect(host.controller.hostFlow.hostAclCount).toBe(0);
    air.close();
  });
});
