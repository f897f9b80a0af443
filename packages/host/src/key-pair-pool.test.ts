/** The key pair pool: computed ahead of need, and a different pair for every pairing. */
import { formatAddress } from '@tsble/base';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { Host } from './host.js';
import { keyPairPool } from './key-pair-pool.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const settled = <T>(promise: Promise<T>) =>
  Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);

describe('key pair pool', () => {
  it('has the next pair ready once prepared, and never hands out the same pair twice', async () => {
    keyPairPool.prepare();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const first = keyPairPool.take();
    expect(await settled(first)).toBe(true); // computed ahead: nothing left to wait for
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = keyPairPool.take();
    expect(await settled(second)).toBe(true);
    expect(hex((await first).privateKey)).not.toBe(hex((await second).privateKey));
  });

  it('two pairings of the same hosts send different public keys', async () => {
    const air = new VirtualAir();
    const peripheral = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
    const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
    opened.push(peripheral, central);
    const sentKeys: string[] = [];
    for (let round = 0; round < 2; round++) {
      await peripheral.advertise({ name: 'keys' });
      const accepted = peripheral.accept();
      const ours = await central.connect(peripheral.identityAddress);
      await accepted;
      const send = ours.smpChannel.send.bind(ours.smpChannel);
      ours.smpChannel.send = (pdu: Uint8Array) => {
        if (pdu[0] === 0x0c) sentKeys.push(hex(pdu.subarray(1)));
        return send(pdu);
      };
      await ours.pair();
      await ours.disconnect();
      await central.forget(formatAddress(peripheral.identityAddress));
      await peripheral.forget(formatAddress(central.identityAddress));
    }
    expect(sentKeys).toHaveLength(2);
    expect(sentKeys[0]).not.toBe(sentKeys[1]);
  });
});
