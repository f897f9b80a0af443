/** The security glue's ordering and configuration (ConnectionSecurity), over the virtual controller. */
import { PacketBoundary } from '@tsble/base';
import { encodeBasicFrame, FixedCid } from '@tsble/l2cap';
import { generateScOobData } from '@tsble/smp-core';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BondRecord } from './bond-store/bond-record.js';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import type { PairingError } from './errors.js';
import { Host, type HostOptions } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const host of opened.splice(0)) await host.close();
});

async function connectPair(centralOptions: HostOptions = {}, peripheralOptions: HostOptions = {}) {
  const air = new VirtualAir();
  const peripheral = await Host.open(air.createController(), {
    bondStore: new MemoryBondStore(),
    ...peripheralOptions,
  });
  const central = await Host.open(air.createController(), {
    bondStore: new MemoryBondStore(),
    ...centralOptions,
  });
  opened.push(peripheral, central);
  await peripheral.advertise({});
  const accepted = peripheral.accept();
  const connection = await central.connect(peripheral.identityAddress);
  return { central, peripheral, connection, remote: await accepted };
}

/** Pairing Request: NoInputNoOutput, no OOB, bonding + SC, 16-octet keys, no keys distributed (Vol 3 Part H 3.5.1). */
const PAIRING_REQUEST = Uint8Array.of(0x01, 0x03, 0x00, 0x09, 0x10, 0x00, 0x00);

describe('ConnectionSecurity', () => {
  it('starts the SMP timer on our own Pairing Request: a peer that never answers fails the pairing after 30 s', async () => {
    const { connection } = await connectPair();
    // Our Pairing Request never reaches the peer: it stays silent.
    connection.smpChannel.send = () => Promise.resolve();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    let failed = false;
    const pairing = connection.pair().catch((error: PairingError) => {
      failed = true;
      return error;
    });
    // The SMP timer is the only interval: it must run although the session took the request in asynchronously.
    await vi.waitFor(() => expect(vi.getTimerCount()).toBe(1), { timeout: 2000, interval: 10 });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(failed).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await pairing).toMatchObject({ code: 'pairing-failed', timedOut: true });
  });

  it('a second Pairing Request before the first is taken in goes to the same session (one pairing, then failed)', async () => {
    const { remote } = await connectPair();
    const sent: number[] = [];
    const send = remote.smpChannel.send.bind(remote.smpChannel);
    remote.smpChannel.send = (pdu: Uint8Array) => {
      sent.push(pdu[0] ?? -1);
      return send(pdu);
    };
    let requests = 0;
    remote.on('pairingRequest', () => {
      requests += 1;
    });
    const failed = remote.next('pairingFailed');
    // Both arrive in one go, before the session has processed the first.
    remote.l2cap.receiveAcl(PacketBoundary.firstFlushable, encodeBasicFrame(FixedCid.smp, PAIRING_REQUEST));
    remote.l2cap.receiveAcl(PacketBoundary.firstFlushable, encodeBasicFrame(FixedCid.smp, PAIRING_REQUEST));
    const [error] = await failed;
    expect(error.reason).toBe(0x08); // Unspecified Reason: a Pairing Request in the middle of a pairing
    expect(requests).toBe(1);
    expect(sent.filter((opcode) => opcode === 0x02)).toHaveLength(1); // one Pairing Response
  });

  it('combines OOB data from the pairing options and from the delegate: both sides hold each other\u2019s ({1,1})', async () => {
    const centralOob = await generateScOobData();
    const peripheralOob = await generateScOobData();
    const peerData = (oob: typeof centralOob) => ({ random: oob.random, confirm: oob.confirm });
    const { connection, remote } = await connectPair(
      { pairing: { oob: { localSc: centralOob } }, delegate: { oobData: () => peerData(peripheralOob) } },
      { pairing: { oob: { localSc: peripheralOob } }, delegate: { oobData: () => peerData(centralOob) } },
    );
    const remotePaired = remote.next('paired');
    const result = await connection.pair();
    expect(result).toMatchObject({ method: 'oob', sc: true, authenticated: true });
    expect((await remotePaired)[0]).toMatchObject({ method: 'oob', sc: true, authenticated: true });
  });

  it('tells a connection’s events in the order they happened: encrypted, paired, then disconnected', async () => {
    let release: () => void = () => undefined;
    const saving = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The peripheral's bond is still being saved when the central disconnects right after pairing.
    class SlowStore extends MemoryBondStore {
      override async put(record: Omit<BondRecord, 'createdAt' | 'updatedAt'>): Promise<BondRecord> {
        await saving;
        return super.put(record);
      }
    }
    const { connection, remote } = await connectPair({}, { bondStore: new SlowStore() });
    const events: string[] = [];
    for (const name of ['encrypted', 'paired', 'disconnected'] as const)
      remote.on(name, () => events.push(name));
    const gone = remote.next('disconnected');
    await connection.pair();
    await connection.disconnect();
    await vi.waitFor(() => expect(remote.connected).toBe(false), { timeout: 5000, interval: 5 });
    release();
    await gone;
    expect(events).toEqual(['encrypted', 'paired', 'disconnected']);
  });
});
