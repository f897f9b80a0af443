/**
 * The controller reports an Encryption Change before the first data it protects (Core 6.0 Vol 4 Part E 7.7.8):
 * a request the central sends the moment its link is encrypted must find the peripheral's link encrypted too,
 * however long the peripheral takes to apply the change (it goes through the link's session). A bonded
 * reconnection, then at once a read of the encryption-required value on the raw GATT client (no automatic
 * pairing that would hide a refusal), many times over.
 */
import { DEMO_UUIDS, demoService } from '@tsble/att-gatt';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, expect, it } from 'vitest';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { Host } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

it('a request sent as soon as the central is encrypted is served encrypted by the peripheral', async () => {
  const air = new VirtualAir();
  const peripheral = await Host.open(air.createController(), {
    bondStore: new MemoryBondStore(),
    gatt: { services: [demoService()] },
  });
  const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
  opened.push(peripheral, central);
  const connect = async () => {
    await peripheral.advertise({ name: 'order' });
    const accepted = peripheral.accept();
    const ours = await central.connect(peripheral.identityAddress);
    return { ours, theirs: await accepted };
  };
  const first = await connect();
  const saved = first.theirs.next('bonded');
  await first.ours.pair();
  await saved;
  const handle = (await first.ours.gatt.client.characteristic(DEMO_UUIDS.service, DEMO_UUIDS.encrypted))
    .valueHandle;
  await first.ours.disconnect();
  const refused: string[] = [];
  for (let round = 0; round < 20; round++) {
    const { ours } = await connect();
    await ours.encrypt();
    const value = await ours.gatt.client.read(handle).catch((error: Error) => error);
    if (value instanceof Error) refused.push(`round ${round}: ${value.message}`);
    else expect(new TextDecoder().decode(value)).toBe('encrypted');
    await ours.disconnect();
  }
  expect(refused).toEqual([]);
});

it('a server that answers Insufficient Encryption on a link already encrypted is asked again, not paired with', async () => {
  const air = new VirtualAir();
  const peripheral = await Host.open(air.createController(), {
    bondStore: new MemoryBondStore(),
    gatt: { services: [demoService()] },
  });
  const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
  opened.push(peripheral, central);
  const connect = async () => {
    await peripheral.advertise({ name: 'lag' });
    const accepted = peripheral.accept();
    const ours = await central.connect(peripheral.identityAddress);
    return { ours, theirs: await accepted };
  };
  const first = await connect();
  const saved = first.theirs.next('bonded');
  await first.ours.pair();
  await saved;
  await first.ours.disconnect();
  const { ours, theirs } = await connect();
  await ours.encrypt();
  await ours.gatt.client.characteristic(DEMO_UUIDS.service, DEMO_UUIDS.encrypted); // discovered (and cached) first
  // The server lags: its first judgement after the encryption still sees the link as it was (a loaded peer).
  const real = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(theirs), 'securityState');
  let lagging = 1;
  Object.defineProperty(theirs, 'securityState', {
    get() {
      const state = real?.get?.call(theirs);
      if (lagging-- > 0) return { ...state, encrypted: false, securityLevel: 1, keySize: 0 };
      return state;
    },
  });
  let paired = false;
  ours.on('pairingRequest', () => {
    paired = true;
  });
  const value = await ours.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.encrypted);
  expect(new TextDecoder().decode(value)).toBe('encrypted');
  expect(lagging).toBeLessThan(0); // the lagging judgement did happen
  expect(paired).toBe(false);
});
