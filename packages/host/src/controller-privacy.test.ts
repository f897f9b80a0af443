/**
 * Peer address resolution offloaded to the controller's resolving list, tsble against tsble over the virtual
 * controller: one side rotates its RPA in software (privacy: true), the other writes the bonded peer's IRK into
 * its controller and lets the controller resolve it, as central and as peripheral.
 */
import { formatAddress, randomAddressKind } from '@tsble/base';
import { type AdvertisingReport, type LeConnectionComplete, Opcode } from '@tsble/hci-transport';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { ControllerPeerResolution, controllerResolvesAddresses } from './controller-privacy.js';
import { Host } from './host.js';
import { localIrkOf } from './privacy.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

async function offload(host: Host): Promise<ControllerPeerResolution> {
  const resolution = await ControllerPeerResolution.open(
    host.hci,
    host.bondStore,
    localIrkOf(host.bondStore),
  );
  if (!resolution) throw new Error('the virtual controller should support LL privacy');
  return resolution;
}

/** A phone that uses resolvable private addresses and a sensor, on one air. */
async function phoneAndSensor() {
  const air = new VirtualAir();
  const phone = await Host.open(air.createController(), {
    bondStore: new MemoryBondStore(),
    privacy: { rotationMs: 60_000 },
  });
  const sensorTransport = air.createController();
  const sensor = await Host.open(sensorTransport, { bondStore: new MemoryBondStore() });
  opened.push(phone, sensor);
  return { phone, sensor, sensorTransport };
}

/** The phone bonds with the sensor (the sensor central) and they disconnect. */
async function phoneBondedToSensor() {
  const { phone, sensor, sensorTransport } = await phoneAndSensor();
  await phone.advertise({ name: 'phone' });
  const phoneSide = phone.accept();
  const first = await sensor.connect(phone.currentAddress);
  await phoneSide;
  const bonded = first.next('bonded');
  await first.pair();
  await bonded;
  await new Promise((resolve) => setTimeout(resolve, 20)); // the list written once the bond was saved
  await first.disconnect();
  return { phone, sensor, sensorTransport };
}

describe('controller privacy offload', () => {
  it('central: the controller resolves the bonded peripheral’s new RPA; scan, connect and encrypt by identity', async () => {
    const { phone, sensor, sensorTransport } = await phoneBondedToSensor();
    const identity = formatAddress(phone.identityAddress);

    const resolution = await offload(sensor);
    expect(await resolution.sync()).toBe('written');
    expect(resolution.identities).toEqual([identity]);
    const state = sensorTransport.controller.state;
    expect(state.addressResolution).toBe(true);
    expect(state.resolving.entries.map((e) => e.privacyMode)).toEqual([1]);
    expect(await resolution.sync()).toBe('unchanged');

    await phone.rotatePrivateAddress();
    const reports: AdvertisingReport[] = [];
    sensor.hci.on('advertisingReport', (report) => reports.push(report));
    const phoneAgain = phone.accept();
    // The controller reports the phone by its identity (type 2): the host never sees the new RPA in a report.
    const found = await sensor.findAdvertiser(identity, { timeoutMs: 2000 });
    expect(found.addressText).toBe(identity);
    expect(reports.some((r) => r.addressType === 2)).toBe(true);
    expect(reports.some((r) => r.addressType === 1)).toBe(false);
    const second = await sensor.connect(found.address);
    await phoneAgain;
    expect(second.identity).toBe(identity);
    // The address on the air, from Enhanced Connection Complete's peer RPA field.
    expect(formatAddress(second.peerAddress)).toBe(formatAddress(phone.currentAddress));
    expect(randomAddressKind(second.peerAddress)).toBe('resolvable');
    expect(second.bonded).toBe(true);
    await second.encrypt();
    expect(second.encrypted).toBe(true);
  });

  it('peripheral: the controller resolves the bonded central’s new RPA; the bond answers its encryption', async () => {
    const { phone, sensor } = await phoneAndSensor();
    await sensor.advertise({ name: 'sensor' });
    let sensorSide = sensor.accept();
    const first = await phone.connect(sensor.identityAddress);
    const firstRemote = await sensorSide;
    const bonded = firstRemote.next('bonded');
    await first.pair();
    await bonded;
    await first.disconnect();
    const identity = formatAddress(phone.identityAddress);

    const resolution = await offload(sensor);
    // Advertising again after the disconnection: the controller refuses to change the list under it.
    await new Promise((r) => setTimeout(r, 50));
    expect(await resolution.sync()).toBe('busy');
    await sensor.stopAdvertising();
    expect(await resolution.sync()).toBe('written');
    await sensor.advertise({ name: 'sensor' });

    await phone.rotatePrivateAddress();
    const completes: LeConnectionComplete[] = [];
    sensor.hci.on('connectionComplete', (event) => completes.push(event as LeConnectionComplete));
    sensorSide = sensor.accept();
    const second = await phone.connect(sensor.identityAddress);
    const remote = await sensorSide;
    expect(remote.identity).toBe(identity);
    expect(completes[0]?.peerAddressType).toBe(2);
    expect(formatAddress(remote.peerAddress)).toBe(formatAddress(phone.currentAddress));
    const encrypted = remote.next('encrypted');
    await second.encrypt();
    await encrypted;
    expect(remote.encrypted).toBe(true);
  });

  it('is not used on a controller without LL Privacy or without LE Set Privacy Mode', async () => {
    const air = new VirtualAir();
    const host = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
    opened.push(host);
    const info = host.hci.info;
    expect(controllerResolvesAddresses(info)).toBe(true);
    const noPrivacy = { ...info, leFeatures: info.leFeatures.map((b, i) => (i === 0 ? b & ~0x40 : b)) };
    expect(controllerResolvesAddresses(noPrivacy)).toBe(false);
    const noMode = {
      ...info,
      supportedCommands: info.supportedCommands.map((b, i) => (i === 39 ? b & ~0x04 : b)),
    };
    expect(controllerResolvesAddresses(noMode)).toBe(false);
  });
});

describe('controller privacy through Host (the default)', () => {
  it('a bond made while connected goes into the controller list; the peer behind a new RPA is found by identity', async () => {
    const { phone, sensor, sensorTransport } = await phoneBondedToSensor();
    const identity = formatAddress(phone.identityAddress);
    // Written when the bond was saved (the sensor was connected, neither advertising nor scanning).
    const state = sensorTransport.controller.state;
    expect(state.addressResolution).toBe(true);
    expect(state.resolving.entries).toHaveLength(1);

    await phone.rotatePrivateAddress();
    const phoneAgain = phone.accept();
    const found = await sensor.findAdvertiser(identity, { timeoutMs: 2000 });
    const second = await sensor.connect(found.address);
    await phoneAgain;
    expect(second.identity).toBe(identity);
    await second.encrypt();
    expect(second.encrypted).toBe(true);
    // Forgetting the bond takes the peer out of the controller's list too.
    await second.disconnect();
    await sensor.forget(identity);
    expect(state.resolving.entries).toHaveLength(0);
  });
});

/** The resolving-list commands a controller received, by name. */
const listCommands = new Map<number, string>([
  [Opcode.leReadResolvingListSize, 'size'],
  [Opcode.leSetAddressResolutionEnable, 'enable'],
  [Opcode.leClearResolvingList, 'clear'],
  [Opcode.leAddDeviceToResolvingList, 'add'],
  [Opcode.leSetPrivacyMode, 'mode'],
]);
const listCommandsIn = (log: readonly number[]) =>
  log.flatMap((opcode) => {
    const name = listCommands.get(opcode);
    return name ? [name] : [];
  });

describe('resolving-list commands after a reset (the list is empty, resolution off)', () => {
  it('open sends none without bonded IRKs; the first bond reads the size, adds, sets the mode, enables', async () => {
    const { sensor, sensorTransport } = await phoneBondedToSensor();
    const log = sensorTransport.controller.commandLog;
    // Nothing before the bond (open included): the pairing's commands came first, then the write.
    const firstListCommand = log.findIndex((opcode) => listCommands.has(opcode));
    expect(log.slice(0, firstListCommand)).toContain(Opcode.leEnableEncryption);
    expect(listCommandsIn(log)).toEqual(['size', 'add', 'mode', 'enable']);
    expect(sensorTransport.controller.state.resolving.entries).toHaveLength(1);
    // Forgetting the only bond turns resolution off and empties the list.
    const [bond] = sensor.bondStore.list();
    expect(await sensor.forget(bond?.address ?? '')).toBe(true);
    expect(listCommandsIn(log).slice(4)).toEqual(['enable', 'clear']);
    expect(sensorTransport.controller.state.addressResolution).toBe(false);
    expect(sensorTransport.controller.state.resolving.entries).toHaveLength(0);
  });

  it('a host opened on a store with a bonded IRK writes it at open without clearing first', async () => {
    const { sensor } = await phoneBondedToSensor();
    const air = new VirtualAir();
    const transport = air.createController();
    const again = await Host.open(transport, { bondStore: sensor.bondStore });
    opened.push(again);
    expect(listCommandsIn(transport.controller.commandLog)).toEqual(['size', 'add', 'mode', 'enable']);
    expect(transport.controller.state.addressResolution).toBe(true);
    expect(transport.controller.state.resolving.entries).toHaveLength(1);
  });

  it('the list is written again after a Hardware Error reset the controller', async () => {
    const { sensor, sensorTransport } = await phoneBondedToSensor();
    const controller = sensorTransport.controller;
    expect(controller.state.resolving.entries).toHaveLength(1);
    controller.addFault({ at: controller.packetsToHost + 1, action: 'hardware-error' });
    const restored = sensor.next('controllerReset');
    await sensor.hci.execute('leRand', {}).catch(() => undefined);
    await restored;
    expect(controller.state.addressResolution).toBe(true);
    expect(controller.state.resolving.entries).toHaveLength(1);
  });
});
