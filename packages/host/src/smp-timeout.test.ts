import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import type { PairingError } from './errors.js';
import { Host } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const host of opened.splice(0)) await host.close();
});

describe('the SMP timeout (Core 6.0 Vol 3 Part H 3.4)', () => {
  it('fails a pairing whose peer goes silent after 30 s, on both sides, and allows no more SMP on the link', async () => {
    const air = new VirtualAir();
    const peripheral = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
    const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
    opened.push(peripheral, central);
    await peripheral.advertise({});
    const accepted = peripheral.accept();
    const connection = await central.connect(peripheral.identityAddress);
    const remote = await accepted;
    // The central's SMP goes silent after its Pairing Request: nothing else it sends reaches the peer.
    const channel = connection.smpChannel;
    const send = channel.send.bind(channel);
    let sent = 0;
    channel.send = (pdu: Uint8Array) => (sent++ === 0 ? send(pdu) : Promise.resolve());
    // Only the clocks the SMP timer reads are faked; the virtual controller keeps real time.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const remoteFailed = remote.next('pairingFailed');
    let failedAt: number | undefined;
    remote.once('pairingFailed', () => {
      failedAt = performance.now();
    });
    const pairing = connection.pair().catch((error: PairingError) => error);
    await vi.waitFor(() => expect(sent).toBeGreaterThan(1), { timeout: 2000, interval: 10 });
    const started = performance.now();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(failedAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2_000);
    const [peerError] = await remoteFailed;
    expect(peerError).toMatchObject({ timedOut: true });
    expect((failedAt as number) - started).toBeGreaterThanOrEqual(29_000);
    expect(await pairing).toMatchObject({ code: 'pairing-failed', timedOut: true });
    await expect(connection.pair()).rejects.toMatchObject({ timedOut: true });
  });
});
