import { HciStatus } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { openLinkedPair } from './linked-pair.js';

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
    await new Promise((r) => setTimeout(r, 20));
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

  it('treats an LTK negative reply as a missing key', async () => {
    const pair = await openLinkedPair();
    pair.peripheral.on('ltkRequest', (e) => {
      void pair.peripheral.execute('leLongTermKeyRequestNegativeReply', {
        connectionHandle: e.connectionHandle,
      });
    });
    const change = pair.central.next('encryptionChange');
    const gone = pair.central.next('disconnection');
    await pair.central.execute('leEnableEncryption', {
      connectionHandle: pair.centralHandle,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
      longTermKey: new Uint8Array(16),
    });
    expect((await change)[0].status).toBe(HciStatus.pinOrKeyMissing);
    expect((await gone)[0].reason).toBe(HciStatus.pinOrKeyMissing);
    await pair.close();
  });
});
