import { formatAddress, randomAddressKind } from '@tsble/base';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { Host } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

describe('privacy through the host', () => {
  it('recognises a bonded peer behind a new resolvable private address, in scans and connections', async () => {
    const air = new VirtualAir();
    const phone = await Host.open(air.createController(), {
      bondStore: new MemoryBondStore(),
      privacy: { rotationMs: 60_000 },
    });
    // The host's own resolver (controllerPrivacy: false); controller-privacy.test.ts covers the offload.
    const sensor = await Host.open(air.createController(), {
      bondStore: new MemoryBondStore(),
      controllerPrivacy: false,
    });
    opened.push(phone, sensor);
    expect(randomAddressKind(phone.currentAddress)).toBe('resolvable');

    // The phone (private) advertises; the sensor connects and pairs, learning the phone's IRK and identity.
    await phone.advertise({ name: 'phone' });
    const phoneSide = phone.accept();
    const first = await sensor.connect(phone.currentAddress);
    await phoneSide;
    await first.pair();
    expect(first.identity).toBe(formatAddress(phone.identityAddress));
    expect(sensor.bondStore.get(first.identity)?.peerUsesPrivateAddress).toBe(true);
    await first.disconnect();

    // A new RPA: the sensor still knows who it is.
    const before = formatAddress(phone.currentAddress);
    await phone.rotatePrivateAddress();
    expect(formatAddress(phone.currentAddress)).not.toBe(before);
    let identity: string | undefined;
    for await (const advertisement of sensor.scan({ durationMs: 2000 })) {
      if (advertisement.addressText === formatAddress(phone.currentAddress)) {
        identity = advertisement.identity;
        break;
      }
    }
    expect(identity).toBe(formatAddress(phone.identityAddress));

    const phoneAgain = phone.accept();
    const found = await sensor.findAdvertiser(formatAddress(phone.identityAddress), { timeoutMs: 2000 });
    expect(found.addressText).toBe(formatAddress(phone.currentAddress));
    const second = await sensor.connect(found.address);
    await phoneAgain;
    expect(second.identity).toBe(formatAddress(phone.identityAddress));
    expect(second.bonded).toBe(true);
    await second.encrypt();
    expect(second.encrypted).toBe(true);
  });
});
