import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hci, openTransport } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';
import { openLinkedPair } from './linked-pair.js';
import { serveVirtualController } from './server.js';
import { registerSimTransport } from './sim.js';

describe('virtual controllers over sockets', () => {
  for (const listen of [`unix:${join(tmpdir(), `tsble-vc-${process.pid}.sock`)}`, 'tcp:127.0.0.1:0']) {
    it(`two hosts over ${listen.split(':')[0]} connect, exchange ACL data and encrypt`, async () => {
      const air = new VirtualAir();
      const server = await serveVirtualController(air, listen, {
        strict: true,
        onViolation: (m) => {
          throw new Error(m);
        },
      });
      const central = await Hci.open(server.spec);
      const peripheral = await Hci.open(server.spec);
      expect(server.controllers.size).toBe(2);
      expect(central.leAclDataPacketLength).toBe(27);
      const pair = await openLinkedPair({ air: new VirtualAir() }); // independent in-process pair still works alongside
      await pair.close();

      await peripheral.execute('leSetAdvertisingParameters', {
        advertisingIntervalMin: 32,
        advertisingIntervalMax: 32,
        advertisingType: 0,
        ownAddressType: 0,
        peerAddressType: 0,
        peerAddress: new Uint8Array(6),
        advertisingChannelMap: 7,
        advertisingFilterPolicy: 0,
      });
      await peripheral.execute('leSetAdvertisingData', { advertisingData: Uint8Array.of(2, 1, 6) });
      await peripheral.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });
      await central.execute('leSetScanParameters', {
        leScanType: 1,
        leScanInterval: 16,
        leScanWindow: 16,
        ownAddressType: 0,
        scanningFilterPolicy: 0,
      });
      const report = central.next('advertisingReport');
      await central.execute('leSetScanEnable', { leScanEnable: 1, filterDuplicates: 1 });
      const [adv] = await report;
      expect(adv.address).toEqual(peripheral.info.address);
      expect([...adv.data]).toEqual([2, 1, 6]);
      await central.execute('leSetScanEnable', { leScanEnable: 0, filterDuplicates: 0 });

      const connected = Promise.all([
        central.next('connectionComplete'),
        peripheral.next('connectionComplete'),
      ]);
      await central.execute('leCreateConnection', {
        leScanInterval: 16,
        leScanWindow: 16,
        initiatorFilterPolicy: 0,
        peerAddressType: 0,
        peerAddress: peripheral.info.address,
        ownAddressType: 0,
        connectionIntervalMin: 24,
        connectionIntervalMax: 24,
        maxLatency: 0,
        supervisionTimeout: 100,
        minCeLength: 0,
        maxCeLength: 0,
      });
      const [[c], [p]] = await connected;
      expect(c.role).toBe(0);
      expect(p.role).toBe(1);
      expect(p.peerAddress).toEqual(central.info.address);

      const got: Uint8Array[] = [];
      peripheral.on('acl', (_h, _pb, data) => got.push(data));
      for (let i = 0; i < 200; i++) await central.sendAcl(c.connectionHandle, 0, new Uint8Array(27).fill(i));
      while (got.length < 200) await new Promise((r) => setTimeout(r, 5));
      expect(got[199]?.[0]).toBe(199);

      const ltk = new Uint8Array(16).fill(7);
      peripheral.on(
        'ltkRequest',
        (e) =>
          void peripheral.execute('leLongTermKeyRequestReply', {
            connectionHandle: e.connectionHandle,
            longTermKey: ltk,
          }),
      );
      const encrypted = central.next('encryptionChange');
      await central.execute('leEnableEncryption', {
        connectionHandle: c.connectionHandle,
        randomNumber: new Uint8Array(8),
        encryptedDiversifier: 0,
        longTermKey: ltk,
      });
      expect((await encrypted)[0].encryptionEnabled).toBe(1);

      const gone = peripheral.next('disconnection');
      await central.close();
      expect((await gone)[0].reason).toBe(0x08);
      await peripheral.close();
      await server.close();
      air.close();
    });
  }

  it('opens `sim` through the transport registry', async () => {
    const air = registerSimTransport(new VirtualAir());
    const a = await Hci.open('sim');
    const b = await Hci.open(await openTransport('sim:zephyr'));
    expect(air.controllers.size).toBe(2);
    expect(b.info.manufacturer).toBe(0x05f1);
    await a.close();
    await b.close();
    air.close();
  });
});

describe('fixed addresses per client', () => {
  const a = Uint8Array.of(0xaa, 0, 0, 0, 0, 0xc0);
  const b = Uint8Array.of(0xbb, 0, 0, 0, 0, 0xc0);

  it('hands the listed addresses out in order, and a client that comes back gets its address again', async () => {
    const air = new VirtualAir();
    const seen: number[] = [];
    const gone: number[] = [];
    const server = await serveVirtualController(
      air,
      'tcp:127.0.0.1:0',
      {},
      {
        addresses: [a, b],
        onClient: (_c, index) => seen.push(index),
        onClientGone: (_c, index) => gone.push(index),
      },
    );
    const first = await Hci.open(server.spec);
    const second = await Hci.open(server.spec);
    expect(first.info.address).toEqual(a);
    expect(second.info.address).toEqual(b);
    await first.close();
    await new Promise((r) => setTimeout(r, 50));
    // The first client restarts: it gets the first free address, its own.
    const again = await Hci.open(server.spec);
    expect(again.info.address).toEqual(a);
    // A fourth client finds the list taken and gets an address of the default sequence.
    const extra = await Hci.open(server.spec);
    expect(extra.info.address).not.toEqual(a);
    expect(extra.info.address).not.toEqual(b);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(gone).toEqual([0]);
    for (const hci of [second, again, extra]) await hci.close();
    await server.close();
    air.close();
  });

  it('reports every packet a client exchanges with its controller, in both directions', async () => {
    const air = new VirtualAir();
    const packets: string[] = [];
    const server = await serveVirtualController(
      air,
      'tcp:127.0.0.1:0',
      {},
      {
        onClient: (controller) =>
          controller.on('packet', (packet, direction) =>
            packets.push(
              `${direction} ${packet.type}${packet.type === 'command' ? ` ${packet.opcode}` : ''}`,
            ),
          ),
      },
    );
    const hci = await Hci.open(server.spec);
    expect(packets[0]).toBe(`sent command ${0x0c03}`);
    expect(packets[1]).toBe('received event');
    expect(packets.filter((p) => p.startsWith('sent command')).length).toBe(
      packets.filter((p) => p === 'received event').length,
    );
    await hci.close();
    await server.close();
    air.close();
  });
});
