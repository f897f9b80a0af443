import { describe, expect, it } from 'vitest';
import { AttErrorCode, CharacteristicProperty, GattUuid } from './constants.js';
import type { AttError } from './errors.js';
import { PROTECTED_UUIDS, protectedService } from './protected-service.test-support.js';
import { gattStack, secureLink, settle } from './stack.test-support.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const LONG = Uint8Array.from({ length: 512 }, (_, i) => (i * 13) & 0xff);

function stackWithDemo(extra: Parameters<typeof gattStack>[0] = {}) {
  return gattStack({
    ...extra,
    server: {
      deviceName: 'tsble-test',
      services: [
        protectedService(),
        {
          uuid: '180a',
          characteristics: [
            { uuid: '2a29', properties: ['read'], value: 'tsble', userDescription: 'maker' },
            { uuid: 'a0a00001-0000-4000-8000-000000000001', properties: ['read', 'write'], value: LONG },
            {
              uuid: '2a19',
              properties: ['read', 'notify', 'indicate'],
              value: Uint8Array.of(42),
              presentationFormat: { format: 0x04, unit: 0x27ad },
            },
          ],
        },
      ],
      ...extra.server,
    },
  });
}

describe('GATT discovery', () => {
  it('discovers all services, their characteristics and descriptors as declared', async () => {
    const { client, server } = stackWithDemo();
    const services = await client.discoverServices();
    expect(services.map((s) => s.uuid)).toEqual(['1800', '1801', PROTECTED_UUIDS.service, '180a']);
    expect(services.map((s) => [s.startHandle, s.endHandle])).toEqual(
      server.database.services.map((s) => [s.startHandle, s.endHandle]),
    );
    const info = services[3]!;
    const characteristics = await client.discoverCharacteristics(info);
    expect(characteristics.map((c) => c.uuid)).toEqual([
      '2a29',
      'a0a00001-0000-4000-8000-000000000001',
      '2a19',
    ]);
    const battery = characteristics[2]!;
    expect(battery.properties).toBe(
      CharacteristicProperty.read | CharacteristicProperty.notify | CharacteristicProperty.indicate,
    );
    expect((await client.discoverDescriptors(battery)).map((d) => d.uuid)).toEqual([
      GattUuid.clientCharacteristicConfiguration,
      GattUuid.characteristicPresentationFormat,
    ]);
    const maker = (await client.discoverDescriptors(characteristics[0]!))[0]!;
    expect(text(await client.read(maker.handle))).toBe('maker');
  });

  it('discovers by UUID: services (16- and 128-bit) and characteristics', async () => {
    const { client } = stackWithDemo();
    const [demo] = await client.discoverServices(PROTECTED_UUIDS.service);
    expect(demo?.uuid).toBe(PROTECTED_UUIDS.service);
    expect(await client.discoverServices('1234')).toEqual([]);
    const [open] = await client.discoverCharacteristics(demo!, PROTECTED_UUIDS.open);
    expect(text(await client.read(open!.valueHandle))).toBe('open');
    expect((await client.readByUuid(PROTECTED_UUIDS.open))[0]?.value).toEqual(
      new TextEncoder().encode('open'),
    );
  });

  it('finds included services, with 16-bit UUIDs inline and 128-bit ones read from the declaration', async () => {
    const inner = { uuid: 'c0ffee00-0000-4000-8000-000000000000', primary: false, characteristics: [] };
    const battery = { uuid: '180f', primary: false };
    const { client } = gattStack({
      server: { services: [{ uuid: '1808', includes: [inner, battery] }, inner, battery] },
    });
    const [glucose] = await client.discoverServices('1808');
    const included = await client.discoverIncludedServices(glucose!);
    expect(included.map((s) => s.uuid)).toEqual(['c0ffee00-0000-4000-8000-000000000000', '180f']);
  });

  it('reads the GAP device name and appearance', async () => {
    const { client } = stackWithDemo({ server: { appearance: 0x03c1 } });
    expect(text((await client.readByUuid(GattUuid.deviceName))[0]!.value)).toBe('tsble-test');
    expect([...(await client.readByUuid(GattUuid.appearance))[0]!.value]).toEqual([0xc1, 0x03]);
  });
});

describe('GATT reads and writes across MTUs', () => {
  for (const mtu of [23, 100, 185, 517]) {
    it(`reads and writes a 512-octet value with ATT_MTU ${mtu}`, async () => {
      const { client, clientBearer, serverBearer } = stackWithDemo({ localMtu: mtu });
      expect(await client.exchangeMtu()).toBe(mtu);
      expect(serverBearer.mtu).toBe(mtu);
      const c = await client.characteristic('180a', 'a0a00001-0000-4000-8000-000000000001');
      expect(await client.read(c.valueHandle)).toEqual(LONG);
      const next = LONG.map((v) => v ^ 0x5a);
      await client.write(c.valueHandle, next);
      expect(await client.read(c.valueHandle)).toEqual(next);
      const short = Uint8Array.of(1, 2, 3);
      await client.write(c.valueHandle, short);
      expect(await client.read(c.valueHandle)).toEqual(short);
      expect(clientBearer.mtu).toBe(mtu);
    });
  }

  it('a value ending exactly on a PDU boundary reads whole', async () => {
    const exact = new Uint8Array(44).fill(7); // 2 x (ATT_MTU 23 - 1)
    const { client } = gattStack({
      server: {
        services: [{ uuid: '1111', characteristics: [{ uuid: '2222', properties: ['read'], value: exact }] }],
      },
    });
    const c = await client.characteristic('1111', '2222');
    expect(await client.read(c.valueHandle)).toEqual(exact);
  });

  it('refuses values over 512 octets before sending, and the server refuses them too', async () => {
    const { client, clientBearer } = stackWithDemo();
    const c = await client.characteristic('180a', 'a0a00001-0000-4000-8000-000000000001');
    await expect(client.write(c.valueHandle, new Uint8Array(513))).rejects.toMatchObject({
      kind: 'value-too-long',
    });
    await clientBearer.exchangeMtu();
    await expect(
      clientBearer.request({ op: 'write-request', handle: c.valueHandle, value: new Uint8Array(513) }),
    ).rejects.toMatchObject({
      code: AttErrorCode.invalidAttributeValueLength,
    });
    expect(await client.read(c.valueHandle)).toEqual(LONG);
  });

  it('read multiple and read multiple variable', async () => {
    const { client, server } = stackWithDemo();
    const open = server.characteristic(PROTECTED_UUIDS.open)!;
    const maker = server.characteristic('2a29')!;
    expect(text(await client.readMultiple([open.valueHandle, maker.valueHandle]))).toBe('opentsble');
    expect((await client.readMultipleVariable([open.valueHandle, maker.valueHandle])).map(text)).toEqual([
      'open',
      'tsble',
    ]);
  });

  it('write without response stores the value; refused ones change nothing and get no answer', async () => {
    const { client, server, link } = stackWithDemo();
    const rw = server.characteristic('a0a00001-0000-4000-8000-000000000001')!;
    await client.writeWithoutResponse(rw.valueHandle, Uint8Array.of(9, 9));
    const enc = server.characteristic(PROTECTED_UUIDS.encryptedWrite)!;
    await client.writeWithoutResponse(enc.valueHandle, Uint8Array.of(1));
    await settle();
    expect(server.getValue(rw)).toEqual(Uint8Array.of(9, 9));
    expect(server.getValue(enc)).toEqual(new Uint8Array(0));
    link.security = secureLink({ encrypted: true, keySize: 16 });
    await client.writeWithoutResponse(enc.valueHandle, Uint8Array.of(1));
    await settle();
    expect(server.getValue(enc)).toEqual(Uint8Array.of(1));
  });

  it('prepared writes: cancel discards, invalid offsets and queue overflow are refused', async () => {
    const { client, clientBearer, server } = stackWithDemo();
    const rw = server.characteristic('a0a00001-0000-4000-8000-000000000001')!;
    await clientBearer.request({
      op: 'prepare-write-request',
      handle: rw.valueHandle,
      offset: 0,
      value: Uint8Array.of(1),
    });
    await clientBearer.request({ op: 'execute-write-request', flags: 0 });
    expect(server.getValue(rw)).toEqual(LONG);
    await clientBearer.request({
      op: 'prepare-write-request',
      handle: rw.valueHandle,
      offset: 600,
      value: Uint8Array.of(1),
    });
    await expect(clientBearer.request({ op: 'execute-write-request', flags: 1 })).rejects.toMatchObject({
      code: AttErrorCode.invalidOffset,
      handle: rw.valueHandle,
    });
    expect(server.getValue(rw)).toEqual(LONG);
    for (let i = 0; i < 64; i++)
      await clientBearer.request({
        op: 'prepare-write-request',
        handle: rw.valueHandle,
        offset: i,
        value: Uint8Array.of(i),
      });
    await expect(
      clientBearer.request({
        op: 'prepare-write-request',
        handle: rw.valueHandle,
        offset: 64,
        value: Uint8Array.of(1),
      }),
    ).rejects.toMatchObject({
      code: AttErrorCode.prepareQueueFull,
    });
    await client.bearer.request({ op: 'execute-write-request', flags: 1 });
    expect(server.getValue(rw).subarray(0, 64)).toEqual(Uint8Array.from({ length: 64 }, (_, i) => i));
  });

  it('onWrite may refuse with an application error; onRead supplies live values', async () => {
    let reads = 0;
    const { client, server } = gattStack({
      server: {
        services: [
          {
            uuid: '1111',
            characteristics: [
              {
                uuid: '2222',
                properties: ['write', 'read'],
                onWrite: (v) => (v[0] === 0 ? 0x80 : undefined),
              },
              { uuid: '3333', properties: ['read'], onRead: () => Uint8Array.of(++reads) },
            ],
          },
        ],
      },
    });
    const c = await client.characteristic('1111', '2222');
    await expect(client.write(c.valueHandle, Uint8Array.of(0))).rejects.toMatchObject({
      code: 0x80,
      handle: c.valueHandle,
    });
    expect(server.getValue(server.characteristic('2222')!)).toEqual(new Uint8Array(0));
    await client.write(c.valueHandle, Uint8Array.of(5));
    expect(await client.read(c.valueHandle)).toEqual(Uint8Array.of(5));
    const live = await client.characteristic('1111', '3333');
    expect(await client.read(live.valueHandle)).toEqual(Uint8Array.of(1));
    expect(await client.read(live.valueHandle)).toEqual(Uint8Array.of(2));
  });
});

describe('GATT errors', () => {
  it('answers the spec errors for bad handles, ranges, group types and opcodes', async () => {
    const { clientBearer } = stackWithDemo();
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: AttError) => [e.code, e.handle],
      );
    expect(await fail(clientBearer.request({ op: 'read-request', handle: 0x0999 }))).toEqual([
      AttErrorCode.invalidHandle,
      0x0999,
    ]);
    expect(await fail(clientBearer.request({ op: 'read-request', handle: 0 }))).toEqual([
      AttErrorCode.invalidHandle,
      0,
    ]);
    expect(
      await fail(clientBearer.request({ op: 'find-information-request', startHandle: 5, endHandle: 4 })),
    ).toEqual([AttErrorCode.invalidHandle, 5]);
    expect(
      await fail(
        clientBearer.request({ op: 'find-information-request', startHandle: 0x900, endHandle: 0xffff }),
      ),
    ).toEqual([AttErrorCode.attributeNotFound, 0x900]);
    expect(
      await fail(
        clientBearer.request({
          op: 'read-by-group-type-request',
          startHandle: 1,
          endHandle: 0xffff,
          type: '2803',
        }),
      ),
    ).toEqual([AttErrorCode.unsupportedGroupType, 1]);
    expect(await fail(clientBearer.request({ op: 'read-blob-request', handle: 3, offset: 200 }))).toEqual([
      AttErrorCode.invalidOffset,
      3,
    ]);
    expect(await fail(clientBearer.request({ op: 'execute-write-request', flags: 7 }))).toEqual([
      AttErrorCode.invalidPdu,
      0,
    ]);
  });

  it('answers a malformed request with Invalid PDU and an unknown one with Request Not Supported; ignores unknown commands', async () => {
    const { central, peripheral } = stackWithDemo();
    const answers: number[][] = [];
    const channel = central.fixedChannel(4);
    channel.on('pdu', (p) => answers.push([...p]));
    await channel.send(Uint8Array.of(0x0a, 1));
    await channel.send(Uint8Array.of(0x3e, 1, 2));
    await channel.send(Uint8Array.of(0x7f, 1, 2));
    await settle();
    expect(answers).toEqual([
      [0x01, 0x0a, 0, 0, AttErrorCode.invalidPdu],
      [0x01, 0x3e, 0, 0, AttErrorCode.requestNotSupported],
    ]);
    expect(peripheral).toBeDefined();
  });
});
