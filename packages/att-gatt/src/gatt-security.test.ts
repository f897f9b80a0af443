import { describe, expect, it } from 'vitest';
import { AttErrorCode } from './constants.js';
import type { AttError } from './errors.js';
import { MemoryClientConfigurationStore } from './memory-store.js';
import type { AccessRequirement } from './permissions.js';
import { PROTECTED_UUIDS, protectedService } from './protected-service.test-support.js';
import { signatureFor } from './signing.js';
import { gattStack, secureLink, settle } from './stack.test-support.js';

const E = AttErrorCode;
const OPEN = secureLink();
const ENC7 = secureLink({ encrypted: true, keySize: 7 });
const ENC16 = secureLink({ encrypted: true, keySize: 16 });
const AUTH = secureLink({ encrypted: true, authenticated: true, keySize: 16 });
const SC = secureLink({ encrypted: true, authenticated: true, sc: true, keySize: 16 });

/** requirement, link, expected read/write outcome (undefined = allowed). */
const MATRIX: [string, AccessRequirement, typeof OPEN, number | undefined][] = [
  ['none', {}, OPEN, undefined],
  ['encrypted on open link', { encrypted: true }, OPEN, E.insufficientEncryption],
  ['encrypted on encrypted link', { encrypted: true }, ENC7, undefined],
  ['authenticated on open link', { authenticated: true }, OPEN, E.insufficientAuthentication],
  [
    'authenticated on unauthenticated encryption',
    { authenticated: true },
    ENC16,
    E.insufficientAuthentication,
  ],
  ['authenticated on authenticated link', { authenticated: true }, AUTH, undefined],
  ['secure connections on legacy authenticated', { sc: true }, AUTH, E.insufficientAuthentication],
  ['secure connections on SC link', { sc: true }, SC, undefined],
  ['key size 16 on 7-octet key', { encrypted: true, minKeySize: 16 }, ENC7, E.insufficientEncryptionKeySize],
  ['key size 16 on 16-octet key', { encrypted: true, minKeySize: 16 }, ENC16, undefined],
  ['authorization refused', { authorize: () => false }, OPEN, E.insufficientAuthorization],
  ['authorization granted asynchronously', { authorize: async () => true }, OPEN, undefined],
  [
    'security checked before authorization',
    { encrypted: true, authorize: () => true },
    OPEN,
    E.insufficientEncryption,
  ],
];

describe('the attribute security gate', () => {
  for (const [name, requirement, security, expected] of MATRIX) {
    it(`read and write: ${name}`, async () => {
      const initial = Uint8Array.of(1, 2, 3);
      const stack = gattStack({
        server: {
          services: [
            {
              uuid: '1111',
              characteristics: [
                {
                  uuid: '2222',
                  properties: ['read', 'write'],
                  read: requirement,
                  write: requirement,
                  value: initial,
                },
              ],
            },
          ],
        },
      });
      stack.link.security = security;
      const c = stack.server.characteristic('2222')!;
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => undefined,
          (e: AttError) => {
            expect(e.handle).toBe(c.valueHandle);
            return e.code;
          },
        );
      expect(await outcome(stack.client.read(c.valueHandle))).toBe(expected);
      expect(await outcome(stack.client.write(c.valueHandle, Uint8Array.of(9)))).toBe(expected);
      expect(stack.server.getValue(c)).toEqual(expected === undefined ? Uint8Array.of(9) : initial);
      const long = new Uint8Array(100).fill(4);
      expect(await outcome(stack.client.write(c.valueHandle, long))).toBe(expected);
      expect(
        await outcome(
          stack.client.bearer.request({ op: 'read-blob-request', handle: c.valueHandle, offset: 0 }),
        ),
      ).toBe(expected);
      expect(await outcome(stack.client.readMultiple([c.valueHandle, c.valueHandle]))).toBe(expected);
      if (expected !== undefined) expect(stack.server.getValue(c)).toEqual(initial);
    });
  }

  it('Read Not Permitted / Write Not Permitted follow the properties', async () => {
    const { client, server } = gattStack({
      server: {
        services: [
          {
            uuid: '1111',
            characteristics: [
              { uuid: '2222', properties: ['read'], value: 'x' },
              { uuid: '3333', properties: ['write'] },
            ],
          },
        ],
      },
    });
    const ro = server.characteristic('2222')!;
    const wo = server.characteristic('3333')!;
    await expect(client.write(ro.valueHandle, Uint8Array.of(1))).rejects.toMatchObject({
      code: E.writeNotPermitted,
    });
    await expect(client.read(wo.valueHandle)).rejects.toMatchObject({ code: E.readNotPermitted });
    expect(server.getValue(ro)).toEqual(new TextEncoder().encode('x'));
  });

  it('read by type answers the first protected attribute with its error, and stops before later ones', async () => {
    const { client, server } = gattStack({
      server: {
        services: [
          {
            uuid: '1111',
            characteristics: [
              { uuid: '2222', properties: ['read'], value: 'a' },
              { uuid: '2222', properties: ['read'], read: { encrypted: true }, value: 'b' },
            ],
          },
        ],
      },
    });
    const entries = await client.readByUuid('2222');
    expect(entries.map((e) => e.handle)).toEqual([
      server.database.services[2]!.characteristics[0]!.valueHandle,
    ]);
    const second = server.database.services[2]!.characteristics[1]!;
    await expect(client.readByUuid('2222', second.valueHandle)).rejects.toMatchObject({
      code: E.insufficientEncryption,
      handle: second.valueHandle,
    });
  });

  it('the demo service answers as ARCHITECTURE.md specifies', async () => {
    const stack = gattStack({ server: { services: [protectedService()] } });
    const read = async (u: string) =>
      stack.client.read((await stack.client.characteristic(PROTECTED_UUIDS.service, u)).valueHandle);
    expect(new TextDecoder().decode(await read(PROTECTED_UUIDS.open))).toBe('open');
    const error = await read(PROTECTED_UUIDS.encrypted).catch((e: AttError) => e);
    expect(error).toMatchObject({ code: E.insufficientEncryption, needsSecurity: true });
    await expect(read(PROTECTED_UUIDS.authenticated)).rejects.toMatchObject({
      code: E.insufficientAuthentication,
    });
    stack.link.security = ENC16;
    expect(new TextDecoder().decode(await read(PROTECTED_UUIDS.encrypted))).toBe('encrypted');
    await expect(read(PROTECTED_UUIDS.authenticated)).rejects.toMatchObject({
      code: E.insufficientAuthentication,
    });
    stack.link.security = AUTH;
    expect(new TextDecoder().decode(await read(PROTECTED_UUIDS.authenticated))).toBe('authenticated');
  });
});

describe('CCCDs, notifications and indications', () => {
  function notifyStack(options: Parameters<typeof gattStack>[0] = {}) {
    return gattStack({
      ...options,
      server: {
        services: [
          protectedService(),
          { uuid: '1111', characteristics: [{ uuid: '2222', properties: ['notify', 'indicate'] }] },
        ],
        ...options.server,
      },
    });
  }

  it('notifications flow only after the client subscribes, and stop after it unsubscribes', async () => {
    const { client, server } = notifyStack();
    const c = server.characteristic('2222')!;
    const remote = await client.characteristic('1111', '2222');
    const got: number[] = [];
    client.on('notification', (h, v) => h === remote.valueHandle && got.push(v[0]!));
    expect(await server.notify(c, Uint8Array.of(1))).toBe(0);
    await client.subscribe(remote, 'notification');
    expect(await server.notify(c, Uint8Array.of(2))).toBe(1);
    expect(await server.indicate(c, Uint8Array.of(3))).toBe(0);
    await client.subscribe(remote, 'none');
    expect(await server.notify(c, Uint8Array.of(4))).toBe(0);
    await settle();
    expect(got).toEqual([2]);
  });

  it('indications resolve on confirmation, one outstanding at a time, in order', async () => {
    const { client, server } = notifyStack();
    const c = server.characteristic('2222')!;
    await client.subscribe(await client.characteristic('1111', '2222'), 'indication');
    const got: number[] = [];
    client.on('indication', (_h, v) => got.push(v[0]!));
    const results = await Promise.all([1, 2, 3].map((n) => server.indicate(c, Uint8Array.of(n))));
    expect(results).toEqual([1, 1, 1]);
    expect(got).toEqual([1, 2, 3]);
  });

  it('subscribing to the encrypted-notify demo characteristic needs encryption', async () => {
    const { client, server, link } = notifyStack();
    const remote = await client.characteristic(PROTECTED_UUIDS.service, PROTECTED_UUIDS.encryptedNotify);
    await expect(client.subscribe(remote)).rejects.toMatchObject({ code: E.insufficientEncryption });
    expect(
      await server.notify(server.characteristic(PROTECTED_UUIDS.encryptedNotify)!, Uint8Array.of(1)),
    ).toBe(0);
    link.security = ENC16;
    await client.subscribe(remote);
    const stream = client.notifications(remote);
    expect(
      await server.notify(server.characteristic(PROTECTED_UUIDS.encryptedNotify)!, Uint8Array.of(7, 0, 0, 0)),
    ).toBe(1);
    expect((await stream.next()).value).toEqual(Uint8Array.of(7, 0, 0, 0));
    await stream.return?.();
  });

  it('refuses CCCD bits the characteristic does not support and malformed CCCD values', async () => {
    const { client, clientBearer, server } = gattStack({
      server: { services: [{ uuid: '1111', characteristics: [{ uuid: '2222', properties: ['notify'] }] }] },
    });
    const c = server.characteristic('2222')!;
    const cccd = c.cccdHandle!;
    await expect(
      clientBearer.request({ op: 'write-request', handle: cccd, value: Uint8Array.of(2, 0) }),
    ).rejects.toMatchObject({ code: E.valueNotAllowed });
    await expect(
      clientBearer.request({ op: 'write-request', handle: cccd, value: Uint8Array.of(1) }),
    ).rejects.toMatchObject({
      code: E.invalidAttributeValueLength,
    });
    expect(await client.read(cccd)).toEqual(Uint8Array.of(0, 0));
  });

  it('bonded clients keep their CCCDs across connections; others start clean', async () => {
    const store = new MemoryClientConfigurationStore();
    const first = notifyStack({ server: { store }, connection: { peer: 'AA:BB:CC:DD:EE:FF', bonded: true } });
    await first.client.subscribe(await first.client.characteristic('1111', '2222'), 'indication');
    const again = notifyStack({ server: { store }, connection: { peer: 'AA:BB:CC:DD:EE:FF', bonded: true } });
    const c = again.server.characteristic('2222')!;
    expect(await again.client.read(c.cccdHandle!)).toEqual(Uint8Array.of(2, 0));
    expect(await again.server.indicate(c, Uint8Array.of(1))).toBe(1);
    const stranger = notifyStack({
      server: { store },
      connection: { peer: 'AA:BB:CC:DD:EE:FF', bonded: false },
    });
    expect(await stranger.client.read(c.cccdHandle!)).toEqual(Uint8Array.of(0, 0));
  });

  it('a bonded client reconnecting to a changed database gets Service Changed; to the same one, nothing', async () => {
    const store = new MemoryClientConfigurationStore();
    const bonded = { peer: 'AA:BB:CC:DD:EE:01', bonded: true };
    const first = notifyStack({ server: { store }, connection: bonded });
    await first.client.enableServiceChanged();
    const again = async (services: Parameters<typeof notifyStack>[0]) => {
      const s = notifyStack(services);
      const changes: number[][] = [];
      s.client.on('indication', (_h, v) => changes.push([v[0]! | (v[1]! << 8), v[2]! | (v[3]! << 8)]));
      await s.client.readByUuid('2a00'); // any request: the connection has loaded its configuration
      await settle();
      return changes;
    };
    expect(await again({ server: { store }, connection: bonded })).toEqual([]);
    const grown = { uuid: '7777', characteristics: [{ uuid: '8888', properties: ['read' as const] }] };
    const changed = await again({
      server: {
        store,
        services: [
          protectedService(),
          { uuid: '1111', characteristics: [{ uuid: '2222', properties: ['notify', 'indicate'] }] },
          grown,
        ],
      },
      connection: bonded,
    });
    expect(changed).toEqual([[0x0001, 0xffff]]);
    expect(
      await again({
        server: {
          store,
          services: [
            protectedService(),
            { uuid: '1111', characteristics: [{ uuid: '2222', properties: ['notify', 'indicate'] }] },
            grown,
          ],
        },
        connection: bonded,
      }),
    ).toEqual([]);
  });

  it('a client that bonds mid-connection has its CCCDs saved', async () => {
    const store = new MemoryClientConfigurationStore();
    const s = notifyStack({ server: { store } });
    await s.client.subscribe(await s.client.characteristic('1111', '2222'), 'notification');
    expect(store.load('peer')).toBeUndefined();
    s.connection.setBonded('peer');
    await settle();
    expect(store.load('peer')?.[s.server.characteristic('2222')!.cccdHandle!]).toBe(1);
  });

  it('Client Supported Features: per client, bits cannot be cleared', async () => {
    const { client, clientBearer } = notifyStack();
    const [csf] = await client.readByUuid('2b29');
    await clientBearer.request({ op: 'write-request', handle: csf!.handle, value: Uint8Array.of(1) });
    await expect(
      clientBearer.request({ op: 'write-request', handle: csf!.handle, value: Uint8Array.of(0) }),
    ).rejects.toMatchObject({
      code: E.valueNotAllowed,
    });
    expect(await client.read(csf!.handle)).toEqual(Uint8Array.of(1));
  });

  it('multiple handle value notifications go out as one PDU only to clients that support them', async () => {
    const services = [
      {
        uuid: '1111',
        characteristics: ['2221', '2222', '2223'].map((u) => ({ uuid: u, properties: ['notify' as const] })),
      },
    ];
    for (const supports of [true, false]) {
      const s = gattStack({ server: { services } });
      const opcodes: number[] = [];
      s.central.fixedChannel(4).on('pdu', (p) => opcodes.push(p[0]!));
      if (supports) {
        const [csf] = await s.client.readByUuid('2b29');
        await s.client.write(csf!.handle, Uint8Array.of(0x04));
      }
      for (const u of ['2221', '2222']) await s.client.subscribe(await s.client.characteristic('1111', u));
      const got: [number, number][] = [];
      s.client.on('notification', (h, v) => got.push([h, v[0]!]));
      const entries = ['2221', '2222', '2223'].map((u, i) => ({
        characteristic: s.server.characteristic(u)!,
        value: Uint8Array.of(i),
      }));
      expect(await s.connection.notifyMultiple(entries)).toBe(2);
      await settle();
      expect(got).toEqual([
        [entries[0]!.characteristic.valueHandle, 0],
        [entries[1]!.characteristic.valueHandle, 1],
      ]);
      expect(opcodes.filter((o) => o === 0x23 || o === 0x1b)).toEqual(supports ? [0x23] : [0x1b, 0x1b]);
    }
  });

  it('Service Changed is indicated to subscribed clients, who drop their cache', async () => {
    const { client, server } = notifyStack();
    expect(await client.enableServiceChanged()).toBe(true);
    const before = (await client.discoverServices()).length;
    const changes: number[][] = [];
    client.on('serviceChanged', (s, e) => changes.push([s, e]));
    const end = server.database.lastHandle;
    await server.addServices([
      { uuid: '5555', characteristics: [{ uuid: '6666', properties: ['read'], value: 'new' }] },
    ]);
    expect(changes).toEqual([[end + 1, end + 3]]);
    expect((await client.discoverServices()).length).toBe(before + 1);
  });
});

describe('signed writes (Core Vol 3 Part H 2.4.5)', () => {
  const csrk = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

  function signedStack(lastCounter?: number) {
    const counters: number[] = [];
    const stack = gattStack({
      server: {
        services: [
          {
            uuid: '1111',
            characteristics: [{ uuid: '2222', properties: ['read', 'authenticatedSignedWrites'] }],
          },
        ],
      },
      connection: {
        signing: {
          csrk,
          ...(lastCounter !== undefined ? { lastCounter } : {}),
          onCounter: (c) => counters.push(c),
        },
      },
    });
    return { ...stack, counters, c: stack.server.characteristic('2222')! };
  }

  it('accepts a correctly signed write and records the counter', async () => {
    const s = signedStack();
    await s.client.signedWrite(s.c.valueHandle, Uint8Array.of(5, 6), csrk, 1);
    await settle();
    expect(s.server.getValue(s.c)).toEqual(Uint8Array.of(5, 6));
    expect(s.counters).toEqual([1]);
  });

  it('drops a bad signature, a wrong key and a replayed counter', async () => {
    const s = signedStack(10);
    await s.client.signedWrite(s.c.valueHandle, Uint8Array.of(1), csrk, 10);
    await s.client.signedWrite(s.c.valueHandle, Uint8Array.of(2), new Uint8Array(16), 11);
    const pdu = Uint8Array.of(0xd2, s.c.valueHandle, 0, 3);
    const sig = signatureFor(csrk, pdu, 12);
    sig[11] ^= 1;
    await s.clientBearer.send({
      op: 'signed-write-command',
      handle: s.c.valueHandle,
      value: Uint8Array.of(3),
      signature: sig,
    });
    await settle();
    expect(s.server.getValue(s.c)).toEqual(new Uint8Array(0));
    await s.client.signedWrite(s.c.valueHandle, Uint8Array.of(4), csrk, 11);
    await settle();
    expect(s.server.getValue(s.c)).toEqual(Uint8Array.of(4));
  });

  it('the signature is SignCounter then 8 MAC octets and changes with every input', () => {
    const a = signatureFor(csrk, Uint8Array.of(0xd2, 1, 0, 9), 0x01020304);
    expect([...a.subarray(0, 4)]).toEqual([4, 3, 2, 1]);
    expect(signatureFor(csrk, Uint8Array.of(0xd2, 1, 0, 8), 0x01020304)).not.toEqual(a);
    expect(signatureFor(csrk, Uint8Array.of(0xd2, 1, 0, 9), 0x01020305).subarray(4)).not.toEqual(
      a.subarray(4),
    );
  });
});
