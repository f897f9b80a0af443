/**
 * Interop with an independent GATT implementation (ble-host) over the virtual controller: our client
 * against its server, and its client against our server, both ways through real HCI and L2CAP.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hci, type LeConnectionComplete } from '@tsble/hci-transport';
import { FixedCid, L2cap } from '@tsble/l2cap';
import { createConnectionTo, VirtualAir } from '@tsble/virtual-controller';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttBearer } from './att-bearer.js';
import { bleHostOn } from './ble-host-peer.test-support.js';
import { GattClient } from './gatt-client.js';
import { GattServer } from './gatt-server.js';
import { PROTECTED_UUIDS, protectedService } from './protected-service.test-support.js';

const THEIR_ADDRESS = Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0x05, 0xc6);
const OUR_ADDRESS = Uint8Array.of(0x11, 0x12, 0x13, 0x14, 0x15, 0xc6);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const hexAddress = (a: Uint8Array): string =>
  [...a]
    .reverse()
    .map((b) => b.toString(16).padStart(2, '0'))
    .join(':')
    .toUpperCase();

/** ble-host keeps bonds under the working directory: keep them out of the repository. */
let workDir = '';
let previousDir = '';
beforeAll(() => {
  previousDir = process.cwd();
  workDir = mkdtempSync(join(tmpdir(), 'gatt-interop-'));
  process.chdir(workDir);
});
afterAll(() => {
  process.chdir(previousDir);
  rmSync(workDir, { recursive: true, force: true });
});

async function ourStack(air: VirtualAir, role: 'central' | 'peripheral') {
  const hci = await Hci.open(air.createController({ name: 'tsble', address: OUR_ADDRESS }));
  const connected = hci.next('connectionComplete');
  return {
    hci,
    async link(): Promise<{ l2cap: L2cap; bearer: AttBearer }> {
      const [event] = await connected;
      const handle = (event as LeConnectionComplete).connectionHandle;
      const l2cap = new L2cap(hci.aclLink(handle), { role });
      hci.on('acl', (h, pb, data) => h === handle && l2cap.receiveAcl(pb, data));
      return { l2cap, bearer: new AttBearer(l2cap.fixedChannel(FixedCid.att)) };
    },
  };
}

describe('GATT interop with ble-host', () => {
  it("our client discovers, reads (long) and writes ble-host's server, and receives its notifications", async () => {
    const air = new VirtualAir();
    const manager = await bleHostOn(air, THEIR_ADDRESS);
    const long = 'x'.repeat(300);
    let written = '';
    // biome-ignore lint/suspicious/noExplicitAny: ble-host connection
    let theirConnection: any;
    manager.gattDb.setDeviceName('ble-host');
    const notifier = {
      uuid: 'c0de0003-0000-4000-8000-000000000000',
      properties: ['notify'],
    };
    manager.gattDb.addServices([
      {
        uuid: 'c0de0000-0000-4000-8000-000000000000',
        characteristics: [
          { uuid: 'c0de0001-0000-4000-8000-000000000000', properties: ['read'], value: long },
          {
            uuid: 'c0de0002-0000-4000-8000-000000000000',
            properties: ['read', 'write'],
            value: '',
            onWrite: (
              _c: unknown,
              _needsResponse: boolean,
              value: Buffer,
              callback: (err: number) => void,
            ) => {
              written = value.toString();
              callback(0);
            },
          },
          notifier,
        ],
      },
    ]);
    manager.startAdvertising({}, (_status: unknown, conn: unknown) => {
      theirConnection = conn;
    });
    const ours = await ourStack(air, 'central');
    await createConnectionTo(ours.hci, THEIR_ADDRESS, 0, 0);
    const { bearer } = await ours.link();
    const client = new GattClient(bearer);
    try {
      expect(await client.exchangeMtu()).toBeGreaterThanOrEqual(23);
      const services = await client.discoverServices();
      expect(services.map((s) => s.uuid)).toContain('c0de0000-0000-4000-8000-000000000000');
      expect(text((await client.readByUuid('2a00'))[0]!.value)).toBe('ble-host');
      const longChar = await client.characteristic(
        'c0de0000-0000-4000-8000-000000000000',
        'c0de0001-0000-4000-8000-000000000000',
      );
      expect(text(await client.read(longChar.valueHandle))).toBe(long);
      const writable = await client.characteristic(
        'c0de0000-0000-4000-8000-000000000000',
        'c0de0002-0000-4000-8000-000000000000',
      );
      const longWrite = 'w'.repeat(200);
      await client.write(writable.valueHandle, new TextEncoder().encode(longWrite));
      expect(written).toBe(longWrite);
      const notifying = await client.characteristic(
        'c0de0000-0000-4000-8000-000000000000',
        'c0de0003-0000-4000-8000-000000000000',
      );
      const stream = client.notifications(notifying);
      await client.subscribe(notifying);
      // ble-host attaches notify() to the declared characteristic object when the service is added.
      expect(
        (notifier as unknown as { notify: (c: unknown, v: Buffer) => boolean }).notify(
          theirConnection,
          Buffer.from('hi'),
        ),
      ).toBe(true);
      expect(text((await stream.next()).value as Uint8Array)).toBe('hi');
    } finally {
      await ours.hci.close();
      air.close();
    }
  });

  it("ble-host's client discovers our server and meets our security gate", async () => {
    const air = new VirtualAir();
    const manager = await bleHostOn(air, THEIR_ADDRESS);
    const ours = await ourStack(air, 'peripheral');
    await ours.hci.execute('leSetAdvertisingParameters', {
      advertisingIntervalMin: 0x20,
      advertisingIntervalMax: 0x20,
      advertisingType: 0,
      ownAddressType: 0,
      peerAddressType: 0,
      peerAddress: new Uint8Array(6),
      advertisingChannelMap: 7,
      advertisingFilterPolicy: 0,
    });
    await ours.hci.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });
    const server = new GattServer({ deviceName: 'tsble', services: [protectedService()] });
    // biome-ignore lint/suspicious/noExplicitAny: ble-host connection
    const theirs: any = await new Promise((resolve) =>
      manager.connect('public', hexAddress(OUR_ADDRESS), {}, resolve),
    );
    const { bearer } = await ours.link();
    server.attach(bearer);
    try {
      // biome-ignore lint/suspicious/noExplicitAny: ble-host service objects
      const services: any[] = await new Promise((resolve) => theirs.gatt.discoverAllPrimaryServices(resolve));
      const demo = services.find((s) => s.uuid.toLowerCase() === PROTECTED_UUIDS.service);
      expect(demo).toBeDefined();
      // biome-ignore lint/suspicious/noExplicitAny: ble-host characteristic objects
      const characteristics: any[] = await new Promise((resolve) => demo.discoverCharacteristics(resolve));
      const byUuid = (u: string) => characteristics.find((c) => c.uuid.toLowerCase() === u);
      const read = (c: { read: (cb: (err: number, value: Buffer) => void) => void }) =>
        new Promise<[number, string]>((resolve) =>
          c.read((err, value) => resolve([err, value ? value.toString() : ''])),
        );
      expect(await read(byUuid(PROTECTED_UUIDS.open))).toEqual([0, 'open']);
      expect((await read(byUuid(PROTECTED_UUIDS.encrypted)))[0]).toBe(0x0f); // Insufficient Encryption
      expect((await read(byUuid(PROTECTED_UUIDS.authenticated)))[0]).toBe(0x05); // Insufficient Authentication
    } finally {
      await ours.hci.close();
      air.close();
    }
  });

  // ble-host 1.0.3 ignores credits for channels it initiated (its connect path never maps the peer's CID),
  // so the interop direction is: we connect to an SPSM ble-host registered.
  it('LE credit-based channels with ble-host: we connect to its SPSM and move 100 kB each way with credits', async () => {
    const air = new VirtualAir();
    const manager = await bleHostOn(air, THEIR_ADDRESS);
    const ours = await ourStack(air, 'peripheral');
    await ours.hci.execute('leSetAdvertisingParameters', {
      advertisingIntervalMin: 0x20,
      advertisingIntervalMax: 0x20,
      advertisingType: 0,
      ownAddressType: 0,
      peerAddressType: 0,
      peerAddress: new Uint8Array(6),
      advertisingChannelMap: 7,
      advertisingFilterPolicy: 0,
    });
    await ours.hci.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });
    // biome-ignore lint/suspicious/noExplicitAny: ble-host connection
    const theirs: any = await new Promise((resolve) =>
      manager.connect('public', hexAddress(OUR_ADDRESS), {}, resolve),
    );
    const { l2cap } = await ours.link();
    // biome-ignore lint/suspicious/noExplicitAny: ble-host L2CAPCoC
    let coc: any;
    theirs.l2capCoCManager.registerLePsm(
      0x0080,
      (_txMtu: number, accept: (result: number, paused: boolean, rxMtu: number) => unknown) => {
        coc = accept(0, false, 1000);
      },
    );
    try {
      const channel = await l2cap.connect(0x0080, { mtu: 1000, mps: 100, initialCredits: 4 });
      expect(channel.state).toBe('open');
      expect(channel.parameters.remoteMtu).toBe(1000);
      const total = 100_000;
      const chunk = 1000;
      let theyGot = 0;
      let theirSum = 0;
      const theyDone = new Promise<void>((resolve) =>
        coc.on('data', (sdu: Buffer) => {
          for (const b of sdu) theirSum = (theirSum + b) % 65521;
          theyGot += sdu.length;
          if (theyGot >= total) resolve();
        }),
      );
      let weGot = 0;
      let ourSum = 0;
      const weDone = new Promise<void>((resolve) =>
        channel.on('sdu', (sdu) => {
          for (const b of sdu) ourSum = (ourSum + b) % 65521;
          weGot += sdu.length;
          if (weGot >= total) resolve();
        }),
      );
      let expected = 0;
      for (let offset = 0; offset < total; offset += chunk) {
        const sdu = Uint8Array.from({ length: chunk }, (_, i) => (offset + i) % 253);
        for (const b of sdu) expected = (expected + b) % 65521;
        void channel.send(sdu);
        coc.send(Buffer.from(sdu));
      }
      await Promise.all([theyDone, weDone]);
      expect([theyGot, weGot]).toEqual([total, total]);
      expect([theirSum, ourSum]).toEqual([expected, expected]);
    } finally {
      await ours.hci.close();
      air.close();
    }
  }, 30_000);
});
