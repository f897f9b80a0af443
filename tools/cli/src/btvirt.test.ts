import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatAddressBytes } from '@tsble/base';
import { Hci } from '@tsble/hci-transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseBtvirtLock, takeBtvirtLock } from './commands/e2e-helpers.test-support.js';

// BlueZ's controller emulator as an independent controller (ARCHITECTURE.md, testing tier 5), started by the
// repository's tools/interop/btvirt.sh.
const script = new URL('../../interop/btvirt.sh', import.meta.url).pathname;
const mainJs = new URL('../dist/main.js', import.meta.url).pathname;
const socket = 'unix:/tmp/bt-server-le';
let pid: string | undefined;
let skip: string | undefined;
let locked = false;

beforeAll(async () => {
  if (!existsSync(script)) {
    skip = `${script} not found`;
    return;
  }
  // The README block test and the other CLI suites start btvirt on the same fixed sockets: take turns.
  await takeBtvirtLock();
  locked = true;
  try {
    pid = execFileSync('bash', [script, 'start'], { encoding: 'utf8', timeout: 120_000 }).trim();
  } catch (error) {
    skip = `btvirt could not start: ${(error as Error).message}`;
  }
}, 130_000);

afterAll(() => {
  if (pid) execFileSync('bash', [script, 'stop', pid]);
  if (locked) releaseBtvirtLock();
});

function tsbleInfo(): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainJs, 'info', '--json', '--transport', socket]);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

describe('interop with BlueZ btvirt', () => {
  it('tsble info reports the emulator’s first controller address', async () => {
    if (skip) return console.warn(`skipping btvirt interop: ${skip}`);
    const r = await tsbleInfo();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      event: 'info',
      address: '00:AA:01:00:00:42',
      addressType: 'public',
    });
  }, 20_000);

  it('two connections advertise, connect, exchange ACL data and encrypt with equal LTKs', async () => {
    if (skip) return console.warn(`skipping btvirt interop: ${skip}`);
    const central = await Hci.open(socket);
    const peripheral = await Hci.open(socket);
    try {
      expect(formatAddressBytes(central.info.address)).not.toBe(formatAddressBytes(peripheral.info.address));
      await peripheral.execute('leSetAdvertisingParameters', {
        advertisingIntervalMin: 0x20,
        advertisingIntervalMax: 0x20,
        advertisingType: 0,
        ownAddressType: 0,
        peerAddressType: 0,
        peerAddress: new Uint8Array(6),
        advertisingChannelMap: 7,
        advertisingFilterPolicy: 0,
      });
      await peripheral.execute('leSetAdvertisingData', {
        advertisingData: Uint8Array.of(2, 1, 6, 5, 9, 0x74, 0x73, 0x62, 0x6c),
      });
      await peripheral.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });

      await central.execute('leSetScanParameters', {
        leScanType: 0,
        leScanInterval: 0x10,
        leScanWindow: 0x10,
        ownAddressType: 0,
        scanningFilterPolicy: 0,
      });
      const seen = new Promise<void>((resolve) => {
        central.on('advertisingReport', (r) => {
          if (formatAddressBytes(r.address) === formatAddressBytes(peripheral.info.address)) resolve();
        });
      });
      await central.execute('leSetScanEnable', { leScanEnable: 1, filterDuplicates: 0 });
      await seen;
      await central.execute('leSetScanEnable', { leScanEnable: 0, filterDuplicates: 0 });

      const connected = Promise.all([
        central.next('connectionComplete'),
        peripheral.next('connectionComplete'),
      ]);
      await central.execute('leCreateConnection', {
        leScanInterval: 0x10,
        leScanWindow: 0x10,
        initiatorFilterPolicy: 0,
        peerAddressType: 0,
        peerAddress: peripheral.info.address,
        ownAddressType: 0,
        connectionIntervalMin: 0x18,
        connectionIntervalMax: 0x28,
        maxLatency: 0,
        supervisionTimeout: 0x2a,
        minCeLength: 0,
        maxCeLength: 0,
      });
      const [[c], [p]] = await connected;
      expect(c.status).toBe(0);
      expect(c.role).toBe(0);
      expect(p.role).toBe(1);

      const atPeripheral: Uint8Array[] = [];
      const atCentral: Uint8Array[] = [];
      peripheral.on('acl', (_h, _pb, data) => atPeripheral.push(data));
      central.on('acl', (_h, _pb, data) => atCentral.push(data));
      // An L2CAP basic frame on an unused fixed channel (length 3, CID 0x0040): the emulator only forwards.
      const frame = Uint8Array.of(3, 0, 0x40, 0, 1, 2, 3);
      for (let i = 0; i < 20; i++) await central.sendAcl(c.connectionHandle, 0, frame);
      await peripheral.sendAcl(p.connectionHandle, 0, frame);
      for (let i = 0; i < 100 && (atPeripheral.length < 20 || atCentral.length < 1); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(atPeripheral).toHaveLength(20);
      expect([...(atCentral[0] ?? [])]).toEqual([...frame]);

      const ltk = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
      peripheral.on('ltkRequest', (e) => {
        void peripheral.execute('leLongTermKeyRequestReply', {
          connectionHandle: e.connectionHandle,
          longTermKey: ltk,
        });
      });
      const encrypted = Promise.all([central.next('encryptionChange'), peripheral.next('encryptionChange')]);
      await central.execute('leEnableEncryption', {
        connectionHandle: c.connectionHandle,
        randomNumber: new Uint8Array(8),
        encryptedDiversifier: 0,
        longTermKey: ltk,
      });
      const [[ce], [pe]] = await encrypted;
      expect(ce).toMatchObject({ status: 0, encryptionEnabled: 1 });
      expect(pe).toMatchObject({ status: 0, encryptionEnabled: 1 });

      const gone = peripheral.next('disconnection');
      await central.execute('disconnect', { connectionHandle: c.connectionHandle, reason: 0x13 });
      expect((await gone)[0].reason).toBe(0x13);
    } finally {
      await central.close();
      await peripheral.close();
    }
  }, 30_000);
});
