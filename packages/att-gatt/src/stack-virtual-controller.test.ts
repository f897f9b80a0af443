import { FixedCid } from '@tsble/l2cap';
import { describe, expect, it } from 'vitest';
import { AttErrorCode } from './constants.js';
import { PROTECTED_UUIDS, protectedService } from './protected-service.test-support.js';
import { virtualStack } from './virtual-stack.test-support.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('GATT over the virtual controller', () => {
  it('discovers the demo service, is refused the protected values, and reads them once really encrypted', async () => {
    const s = await virtualStack({ server: { services: [protectedService()] } });
    try {
      const services = await s.client.discoverServices();
      expect(services.map((x) => x.uuid)).toEqual(['1800', '1801', PROTECTED_UUIDS.service]);
      const [demo] = await s.client.discoverServices(PROTECTED_UUIDS.service);
      const chars = await s.client.discoverCharacteristics(demo!);
      expect(chars.map((c) => c.uuid)).toEqual(Object.values(PROTECTED_UUIDS).slice(1));
      const [open, encrypted, authenticated, writable, notify] = chars;
      expect(text(await s.client.read(open!.valueHandle))).toBe('open');
      await expect(s.client.read(encrypted!.valueHandle)).rejects.toMatchObject({
        code: AttErrorCode.insufficientEncryption,
        handle: encrypted!.valueHandle,
      });
      await expect(s.client.write(writable!.valueHandle, Uint8Array.of(1))).rejects.toMatchObject({
        code: AttErrorCode.insufficientEncryption,
      });
      await expect(s.client.subscribe(notify!)).rejects.toMatchObject({
        code: AttErrorCode.insufficientEncryption,
      });

      await s.encrypt();
      expect(s.security.encrypted).toBe(true);
      expect(text(await s.client.read(encrypted!.valueHandle))).toBe('encrypted');
      await expect(s.client.read(authenticated!.valueHandle)).rejects.toMatchObject({
        code: AttErrorCode.insufficientAuthentication,
      });
      await s.client.write(writable!.valueHandle, new TextEncoder().encode('hello'));
      expect(text(await s.client.read(writable!.valueHandle))).toBe('hello');
      await s.client.subscribe(notify!);
      const stream = s.client.notifications(notify!);
      const counter = s.server.characteristic(PROTECTED_UUIDS.encryptedNotify)!;
      for (let i = 1; i <= 3; i++) await s.server.notify(counter, Uint8Array.of(i, 0, 0, 0));
      const got: number[] = [];
      for await (const value of stream) {
        got.push(value[0]!);
        if (got.length === 3) break;
      }
      expect(got).toEqual([1, 2, 3]);
    } finally {
      await s.close();
    }
  });

  for (const mtu of [23, 247, 517]) {
    it(`long reads and writes with ATT_MTU ${mtu} through 27-octet link fragments`, async () => {
      const value = Uint8Array.from({ length: 512 }, (_, i) => (i * 31) & 0xff);
      const s = await virtualStack({
        localMtu: mtu,
        server: {
          services: [
            { uuid: '1111', characteristics: [{ uuid: '2222', properties: ['read', 'write'], value }] },
          ],
        },
      });
      try {
        expect(await s.client.exchangeMtu()).toBe(mtu);
        const c = await s.client.characteristic('1111', '2222');
        expect(await s.client.read(c.valueHandle)).toEqual(value);
        const next = value.map((v) => 255 - v);
        await s.client.write(c.valueHandle, next);
        expect(s.server.getValue(s.server.characteristic('2222')!)).toEqual(next);
      } finally {
        await s.close();
      }
    });
  }

  it('read multiple (variable), indications, write commands and signed writes cross the controller', async () => {
    const csrk = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);
    const s = await virtualStack({
      server: {
        services: [
          {
            uuid: '1111',
            characteristics: [
              {
                uuid: '2222',
                properties: ['read', 'writeWithoutResponse', 'authenticatedSignedWrites'],
                value: 'ab',
              },
              { uuid: '3333', properties: ['read', 'indicate'], value: 'cde' },
            ],
          },
        ],
      },
    });
    try {
      s.connection.setSigning({ csrk });
      const a = await s.client.characteristic('1111', '2222');
      const b = await s.client.characteristic('1111', '3333');
      expect(text(await s.client.readMultiple([a.valueHandle, b.valueHandle]))).toBe('abcde');
      expect((await s.client.readMultipleVariable([a.valueHandle, b.valueHandle])).map(text)).toEqual([
        'ab',
        'cde',
      ]);
      const [info] = await s.client.discoverDescriptors(b);
      expect(info?.uuid).toBe('2902');
      await s.client.subscribe(b, 'indication');
      const indicated = new Promise<Uint8Array>((resolve) =>
        s.client.on('indication', (_h, v) => resolve(v)),
      );
      expect(await s.server.indicate(s.server.characteristic('3333')!, Uint8Array.of(7))).toBe(1);
      expect([...(await indicated)]).toEqual([7]);
      await s.client.writeWithoutResponse(a.valueHandle, Uint8Array.of(1));
      await s.client.signedWrite(a.valueHandle, Uint8Array.of(2), csrk, 1);
      await s.client.signedWrite(a.valueHandle, Uint8Array.of(3), csrk, 1); // replay: dropped
      expect([...(await s.client.read(a.valueHandle))]).toEqual([2]);
    } finally {
      await s.close();
    }
  });

  it('1000 notifications arrive complete and in order', async () => {
    const s = await virtualStack({
      server: { services: [{ uuid: '1111', characteristics: [{ uuid: '2222', properties: ['notify'] }] }] },
    });
    try {
      const remote = await s.client.characteristic('1111', '2222');
      await s.client.subscribe(remote);
      const got: number[] = [];
      const done = new Promise<void>((resolve) =>
        s.client.on('notification', (_h, v) => {
          got.push(v[0]! | (v[1]! << 8));
          if (got.length === 1000) resolve();
        }),
      );
      const c = s.server.characteristic('2222')!;
      for (let i = 0; i < 1000; i++)
        void s.connection.notify(c, Uint8Array.of(i & 0xff, i >> 8, ...new Array(18).fill(0)));
      await done;
      expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    } finally {
      await s.close();
    }
  });

  it('malformed ACL and L2CAP input from the peer is dropped; the server keeps answering', async () => {
    const s = await virtualStack({ server: { services: [protectedService()] } });
    try {
      const answer = new Promise<Uint8Array>((resolve) =>
        s.central.fixedChannel(FixedCid.att).on('pdu', resolve),
      );
      const send = (pb: 0 | 1, bytes: number[]) =>
        s.pair.central.sendAcl(s.pair.centralHandle, pb, Uint8Array.from(bytes));
      await send(1, [1, 2, 3]); // continuation without start
      await send(0, [2, 0, 4, 0, 0x0a, 1, 0, 9, 9]); // length field disagrees with the data
      await send(0, [0xff, 0xff, 4, 0, 0x0a]); // a 65535-octet PDU announced...
      await send(0, [3, 0, 0x33, 0, 1, 2, 3]); // ...abandoned; a PDU for an unknown CID
      await send(0, [1, 0, 4, 0, 0x0a]); // an ATT Read Request too short: Invalid PDU
      expect([...(await answer)]).toEqual([0x01, 0x0a, 0, 0, AttErrorCode.invalidPdu]);
      const [gap] = await s.client.discoverServices('1800');
      expect(gap?.startHandle).toBe(1);
    } finally {
      await s.close();
    }
  });
});
