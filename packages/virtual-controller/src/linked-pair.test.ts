import { Hci, HciStatus } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { openLinkedPair } from './linked-pair.js';

/** Waits for `done` (links may run on connection events: see TSBLE_SIM_INTERVAL_MS). */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('two hosts over the virtual air', () => {
  it('connect, and each side knows its role and the peer', async () => {
    const pair = await openLinkedPair();
    expect(pair.central.connectionHandles.has(pair.centralHandle)).toBe(true);
    expect(pair.peripheral.connectionHandles.has(pair.peripheralHandle)).toBe(true);
    expect(pair.central.info.manufacturer).toBe(0xffff);
    expect(pair.central.leAclDataPacketLength).toBe(251);
    expect(pair.central.info.bufferSizeSource).toBe('le-v2');
    await pair.close();
  });

  it('carries ACL data both ways, refragmented to the link data length', async () => {
    const pair = await openLinkedPair();
    const received: { pb: number; data: Uint8Array }[] = [];
    pair.peripheral.on('acl', (_h, pb, data) => received.push({ pb, data }));
    const payload = Uint8Array.from({ length: 60 }, (_, i) => i);
    await pair.central.sendAcl(pair.centralHandle, 0x00, payload);
    await until(() => received.length >= 3);
    expect(received.map((r) => r.pb)).toEqual([0x02, 0x01, 0x01]);
    expect(received.map((r) => r.data.length)).toEqual([27, 27, 6]);
    expect(Buffer.concat(received.map((r) => r.data))).toEqual(Buffer.from(payload));
    await pair.close();
  });

  it('encrypts when the LTKs match', async () => {
    const pair = await openLinkedPair();
    const ltk = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    pair.peripheral.on('ltkRequest', (e) => {
      void pair.peripheral.execute('leLongTermKeyRequestReply', {
        connectionHandle: e.connectionHandle,
        longTermKey: ltk,
      });
    });
    const both = Promise.all([
      pair.central.next('encryptionChange'),
      pair.peripheral.next('encryptionChange'),
    ]);
    await pair.central.execute('leEnableEncryption', {
      connectionHandle: pair.centralHandle,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
      longTermKey: ltk,
    });
    const [[c], [p]] = await both;
    expect(c.status).toBe(0);
    expect(c.encryptionEnabled).toBe(1);
    expect(p.status).toBe(0);
    const refresh = pair.central.next('keyRefresh');
    await pair.central.execute('leEnableEncryption', {
      connectionHandle: pair.centralHandle,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
      longTermKey: ltk,
    });
    expect((await refresh)[0].status).toBe(0);
    await pair.close();
  });

  it('fails with PIN or Key Missing and disconnects when the keys differ', async () => {
    const pair = await openLinkedPair();
    pair.peripheral.on('ltkRequest', (e) => {
      void pair.peripheral.execute('leLongTermKeyRequestReply', {
        connectionHandle: e.connectionHandle,
        longTermKey: new Uint8Array(16).fill(9),
      });
    });
    const change = pair.central.next('encryptionChange');
    const gone = pair.central.next('disconnection');
    await pair.central.execute('leEnableEncryption', {
      connectionHandle: pair.centralHandle,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
      longTermKey: new Uint8Array(16).fill(1),
    });
    expect((await change)[0].status).toBe(HciStatus.pinOrKeyMissing);
    expect((await gone)[0].reason).toBe(HciStatus.connectionTerminatedMicFailure);
    expect(pair.central.connectionHandles.size).toBe(0);
    await pair.close();
  });

  it('rejects the encryption start on an LTK negative reply and keeps the link up unencrypted', async () => {
    // Core 6.0 Vol 6 Part B 5.1.3.1: LL_REJECT_EXT_IND with PIN or Key Missing; the connection stays.
    const pair = await openLinkedPair();
    pair.peripheral.on('ltkRequest', (e) => {
      void pair.peripheral.execute('leLongTermKeyRequestNegativeReply', {
        connectionHandle: e.connectionHandle,
      });
    });
    const peripheralEvents: string[] = [];
    pair.peripheral.on('encryptionChange', () => peripheralEvents.push('encryptionChange'));
    pair.peripheral.on('disconnection', () => peripheralEvents.push('disconnection'));
    const centralGone: number[] = [];
    pair.central.on('disconnection', (e) => centralGone.push(e.reason));
    const change = pair.central.next('encryptionChange');
    await pair.central.execute('leEnableEncryption', {
      connectionHandle: pair.centralHandle,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
      longTermKey: new Uint8Array(16),
    });
    const [event] = await change;
    expect(event.status).toBe(HciStatus.pinOrKeyMissing);
    expect(event.encryptionEnabled).toBe(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(centralGone).toEqual([]);
    expect(peripheralEvents).toEqual([]);
    expect(pair.central.connectionHandles.has(pair.centralHandle)).toBe(true);
    // Still a working link: data flows, and a later encryption with the right key succeeds.
    const received = pair.peripheral.next('acl');
    await pair.central.sendAcl(pair.centralHandle, 0x00, Uint8Array.of(1, 2, 3));
    expect(Array.from((await received)[2])).toEqual([1, 2, 3]);
    const size = await pair.central
      .execute('readEncryptionKeySize', { connectionHandle: pair.centralHandle })
      .then(
        () => 'answered',
        () => 'refused',
      );
    expect(size).toBe('refused');
    await pair.close();
  });

  it('leaves the link up and unencrypted when a key refresh is refused', async () => {
    const pair = await openLinkedPair();
    const ltk = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    let refuse = false;
    pair.peripheral.on('ltkRequest', (e) => {
      void (refuse
        ? pair.peripheral.execute('leLongTermKeyRequestNegativeReply', {
            connectionHandle: e.connectionHandle,
          })
        : pair.peripheral.execute('leLongTermKeyRequestReply', {
            connectionHandle: e.connectionHandle,
            longTermKey: ltk,
          }));
    });
    const start = {
      connectionHandle: pair.centralHandle,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
    };
    const first = pair.central.next('encryptionChange');
    await pair.central.execute('leEnableEncryption', { ...start, longTermKey: ltk });
    expect((await first)[0].status).toBe(0);
    refuse = true;
    const change = pair.central.next('encryptionChange');
    await pair.central.execute('leEnableEncryption', { ...start, longTermKey: ltk });
    expect((await change)[0]).toMatchObject({ status: HciStatus.pinOrKeyMissing, encryptionEnabled: 0 });
    await new Promise((r) => setTimeout(r, 30));
    expect(pair.central.connectionHandles.has(pair.centralHandle)).toBe(true);
    await pair.close();
  });
});

describe('link procedures', () => {
  it('updates connection parameters on both sides', async () => {
    const pair = await openLinkedPair();
    const both = Promise.all([
      pair.central.next('connectionUpdate'),
      pair.peripheral.next('connectionUpdate'),
    ]);
    await pair.central.execute('leConnectionUpdate', {
      connectionHandle: pair.centralHandle,
      connectionIntervalMin: 6,
      connectionIntervalMax: 12,
      maxLatency: 2,
      supervisionTimeout: 200,
      minCeLength: 0,
      maxCeLength: 0,
    });
    const [[c], [p]] = await both;
    expect(c).toMatchObject({
      status: 0,
      connectionInterval: 12,
      peripheralLatency: 2,
      supervisionTimeout: 200,
    });
    expect(p.connectionHandle).toBe(pair.peripheralHandle);
    await pair.close();
  });

  it('changes the data length, and the peer then receives 251-octet fragments', async () => {
    const pair = await openLinkedPair();
    const change = Promise.all([
      pair.central.next('dataLengthChange'),
      pair.peripheral.next('dataLengthChange'),
    ]);
    await pair.central.execute('leSetDataLength', {
      connectionHandle: pair.centralHandle,
      txOctets: 251,
      txTime: 2120,
    });
    const [[c], [p]] = await change;
    expect(c).toMatchObject({ maxTxOctets: 251, maxRxOctets: 27 });
    expect(p).toMatchObject({ maxTxOctets: 27, maxRxOctets: 251 });
    const sizes: number[] = [];
    pair.peripheral.on('acl', (_h, _pb, data) => sizes.push(data.length));
    await pair.central.sendAcl(pair.centralHandle, 0, new Uint8Array(251));
    await until(() => sizes.length >= 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(sizes).toEqual([251]);
    await pair.close();
  });

  it('reads the remote LE features', async () => {
    const pair = await openLinkedPair();
    const features = pair.central.next('remoteFeatures');
    await pair.central.execute('leReadRemoteFeatures', { connectionHandle: pair.centralHandle });
    const [event] = await features;
    expect(event.status).toBe(0);
    expect((event.leFeatures[0] ?? 0) & 1).toBe(1);
    await pair.close();
  });

  it('cancels a pending connection with status Unknown Connection Identifier', async () => {
    const pair = await openLinkedPair();
    const completion = pair.central.next('connectionComplete');
    await pair.central.execute('leCreateConnection', {
      leScanInterval: 16,
      leScanWindow: 16,
      initiatorFilterPolicy: 0,
      peerAddressType: 0,
      peerAddress: Uint8Array.of(1, 1, 1, 1, 1, 1),
      ownAddressType: 0,
      connectionIntervalMin: 24,
      connectionIntervalMax: 24,
      maxLatency: 0,
      supervisionTimeout: 100,
      minCeLength: 0,
      maxCeLength: 0,
    });
    await pair.central.execute('leCreateConnectionCancel', {});
    expect((await completion)[0].status).toBe(HciStatus.unknownConnectionIdentifier);
    await expect(pair.central.execute('leCreateConnectionCancel', {})).rejects.toMatchObject({
      status: HciStatus.commandDisallowed,
    });
    await pair.close();
  });

  it('gives an active scanner the scan response, and reports each once with duplicate filtering', async () => {
    const pair = await openLinkedPair();
    const advertiser = pair.air.createController({ name: 'beacon' });
    const beacon = await Hci.open(advertiser);
    await beacon.execute('leSetAdvertisingParameters', {
      advertisingIntervalMin: 32,
      advertisingIntervalMax: 32,
      advertisingType: 2,
      ownAddressType: 0,
      peerAddressType: 0,
      peerAddress: new Uint8Array(6),
      advertisingChannelMap: 7,
      advertisingFilterPolicy: 0,
    });
    await beacon.execute('leSetAdvertisingData', { advertisingData: Uint8Array.of(2, 1, 4) });
    await beacon.execute('leSetScanResponseData', { scanResponseData: Uint8Array.of(3, 9, 0x68, 0x69) });
    await beacon.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });
    const reports: { type: number; data: number[] }[] = [];
    pair.central.on('advertisingReport', (r) => reports.push({ type: r.eventType, data: [...r.data] }));
    await pair.central.execute('leSetScanParameters', {
      leScanType: 1,
      leScanInterval: 16,
      leScanWindow: 16,
      ownAddressType: 0,
      scanningFilterPolicy: 0,
    });
    await pair.central.execute('leSetScanEnable', { leScanEnable: 1, filterDuplicates: 1 });
    await new Promise((r) => setTimeout(r, 100));
    await pair.central.execute('leSetScanEnable', { leScanEnable: 0, filterDuplicates: 0 });
    expect(reports).toEqual([
      { type: 0x02, data: [2, 1, 4] },
      { type: 0x04, data: [3, 9, 0x68, 0x69] },
    ]);
    await beacon.close();
    await pair.close();
  });
});
