import { formatAddress, fromHex } from '@tsble/base';
import { FixedCid } from '@tsble/l2cap';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTECTED_UUIDS, protectedService } from '../../att-gatt/src/protected-service.test-support.js';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { BondLostError, PairingError } from './errors.js';
import { Host, type HostOptions } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function setup(central: HostOptions = {}, peripheral: HostOptions = {}) {
  const air = new VirtualAir();
  const server = await Host.open(air.createController(), {
    bondStore: new MemoryBondStore(),
    gatt: { services: [protectedService()] },
    ...peripheral,
  });
  const client = await Host.open(air.createController(), { bondStore: new MemoryBondStore(), ...central });
  opened.push(server, client);
  await server.advertise({ name: 'demo' });
  const accepted = server.accept();
  const connection = await client.connect(server.identityAddress);
  return { server, client, connection, remote: await accepted };
}

describe('GATT through the host', () => {
  it('reads the open value without security and pairs on Insufficient Encryption, then retries', async () => {
    const { connection } = await setup();
    expect(text(await connection.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.open))).toBe('open');
    expect(connection.encrypted).toBe(false);
    expect(text(await connection.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.encrypted))).toBe(
      'encrypted',
    );
    expect(connection.encrypted).toBe(true);
    expect(connection.bonded).toBe(true);
  });

  it('refuses the authenticated value when neither side can do MITM', async () => {
    const { connection } = await setup();
    await expect(
      connection.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.authenticated),
    ).rejects.toBeInstanceOf(PairingError);
  });

  it('pairs with Passkey Entry (display on the peripheral, keyboard on the central) and reads the authenticated value', async () => {
    let shown: string | undefined;
    const { connection } = await setup(
      { pairing: { io: 'keyboard' }, delegate: { requestPasskey: () => shown } },
      {
        pairing: { io: 'display' },
        delegate: {
          displayPasskey: (passkey) => {
            shown = passkey;
          },
        },
      },
    );
    expect(text(await connection.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.authenticated))).toBe(
      'authenticated',
    );
    expect(connection.authenticated).toBe(true);
    expect(connection.securityLevel).toBe(4);
    expect(shown).toMatch(/^\d{6}$/);
  });

  it('pairs with Numeric Comparison when both confirm the same number', async () => {
    const numbers: string[] = [];
    const confirm = (value: string) => {
      numbers.push(value);
      return true;
    };
    const { connection } = await setup(
      { pairing: { io: 'display-yesno' }, delegate: { confirmNumericComparison: confirm } },
      { pairing: { io: 'display-yesno' }, delegate: { confirmNumericComparison: confirm } },
    );
    const result = await connection.pair({ mitm: true });
    expect(result.method).toBe('numeric-comparison');
    expect(numbers).toHaveLength(2);
    expect(numbers[0]).toBe(numbers[1]);
  });

  it('fails Numeric Comparison when the user says no', async () => {
    const { connection } = await setup(
      { pairing: { io: 'display-yesno' }, delegate: { confirmNumericComparison: () => false } },
      { pairing: { io: 'display-yesno' }, delegate: { confirmNumericComparison: () => true } },
    );
    await expect(connection.pair({ mitm: true })).rejects.toMatchObject({ reason: 0x0c });
    expect(connection.encrypted).toBe(false);
  });

  it('pairs with legacy Just Works and legacy Passkey Entry', async () => {
    const jw = await setup();
    const legacy = await jw.connection.pair({ leSecure: false });
    expect(legacy).toMatchObject({ method: 'just-works', sc: false });
    let shown: string | undefined;
    const pk = await setup(
      { pairing: { io: 'keyboard', leSecure: false }, delegate: { requestPasskey: () => shown } },
      {
        pairing: { io: 'display', leSecure: false },
        delegate: {
          displayPasskey: (p) => {
            shown = p;
          },
        },
      },
    );
    const result = await pk.connection.pair({ mitm: true });
    expect(result).toMatchObject({
      method: 'passkey-entry',
      sc: false,
      authenticated: true,
      securityLevel: 3,
    });
    expect(text(await pk.connection.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.authenticated))).toBe(
      'authenticated',
    );
  });

  it('verifies signed writes from a bonded client on an unencrypted link and refuses a replayed counter', async () => {
    const written: string[] = [];
    // Resolves once `count` writes have reached the server: Write Commands have no response to wait for.
    let arrived: { count: number; resolve: () => void } | undefined;
    const writes = (count: number) =>
      new Promise<void>((resolve) => {
        arrived = { count, resolve };
        if (written.length >= count) resolve();
      });
    const service = {
      uuid: 'b1e50100-3c9b-4e7a-9f1d-5e2a7c4d8b00',
      characteristics: [
        {
          uuid: 'b1e50101-3c9b-4e7a-9f1d-5e2a7c4d8b00',
          properties: ['authenticatedSignedWrites' as const, 'read' as const],
          onWrite: (value: Uint8Array) => {
            written.push(text(value));
            if (arrived && written.length >= arrived.count) arrived.resolve();
          },
        },
      ],
    };
    const { connection, client, server } = await setup({}, { gatt: { services: [service] } });
    const remotePaired = [...server.connections.values()][0]?.next('paired');
    await connection.pair();
    await remotePaired;
    await connection.disconnect();
    const accepted = server.accept();
    const again = await client.connect(server.identityAddress);
    await accepted;
    expect(again.encrypted).toBe(false);
    await again.gatt.signedWrite(
      service.uuid,
      service.characteristics[0]?.uuid as string,
      new TextEncoder().encode('one'),
    );
    await again.gatt.signedWrite(
      service.uuid,
      service.characteristics[0]?.uuid as string,
      new TextEncoder().encode('two'),
    );
    await writes(2);
    expect(written).toEqual(['one', 'two']);
    // A replay: the same counter again is dropped by the server.
    const record = client.bondStore.get(again.identity);
    const csrk = record?.localCsrk;
    if (!record || !csrk) throw new Error('no local CSRK after bonding');
    const characteristic = await again.gatt.client.characteristic(
      service.uuid,
      service.characteristics[0]?.uuid as string,
    );
    await again.gatt.client.signedWrite(
      characteristic.valueHandle,
      new TextEncoder().encode('replay'),
      fromHex(csrk.csrk),
      csrk.signCounter - 1,
    );
    // Commands are handled in order: once a later valid write has arrived, the replay was handled (dropped).
    await again.gatt.signedWrite(
      service.uuid,
      service.characteristics[0]?.uuid as string,
      new TextEncoder().encode('three'),
    );
    await writes(3);
    expect(written).toEqual(['one', 'two', 'three']);
    // The server keeps the next expected SignCounter with the bond, so a replay stays refused after a restart.
    await server.bondStore.load(); // queued behind the counter's save
    expect(server.bondStore.get(formatAddress(client.identityAddress))?.peerCsrk?.signCounter).toBe(3);
  });

  it('pairs out of band with the OOB data the delegate hands over', async () => {
    const { generateScOobData } = await import('@tsble/smp-core');
    const local = await generateScOobData();
    const { connection } = await setup(
      { delegate: { oobData: () => ({ random: local.random, confirm: local.confirm }) } },
      { pairing: { oob: { localSc: local } } },
    );
    const result = await connection.pair();
    expect(result).toMatchObject({ method: 'oob', sc: true, authenticated: true, securityLevel: 4 });
  });

  it('BLESA: a bonded central encrypts before any request, and reads nothing from a peer that lost the key', async () => {
    const serverStore = new MemoryBondStore();
    const { connection, server, client } = await setup({}, { bondStore: serverStore });
    await connection.pair();
    await connection.disconnect();
    // Still bonded: reading even the open value starts with encryption from the bond.
    const accepted = server.accept();
    const bonded = await client.connect(server.identityAddress);
    await accepted;
    expect(text(await bonded.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.open))).toBe('open');
    expect(bonded.encrypted).toBe(true);
    await bonded.disconnect();
    // The same address without the key (an impersonator, or a peer that lost the bond): no plaintext fallback.
    await serverStore.forgetAll();
    const acceptedAgain = server.accept();
    const spoofed = await client.connect(server.identityAddress);
    const requests: number[] = [];
    (await acceptedAgain).l2cap.fixedChannel(FixedCid.att).on('pdu', (pdu) => requests.push(pdu[0] ?? -1));
    await expect(spoofed.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.open)).rejects.toBeInstanceOf(
      BondLostError,
    );
    expect(spoofed.encrypted).toBe(false);
    // Not even discovery went out in plaintext (an MTU exchange carries no data).
    expect(requests.filter((opcode) => opcode !== 0x02)).toEqual([]);
  });

  it('BLESA holds for the raw GATT client too: it encrypts from the bond first, and refuses a peer without the key', async () => {
    const serverStore = new MemoryBondStore();
    const { connection, server, client } = await setup({}, { bondStore: serverStore });
    await connection.pair();
    await connection.disconnect();
    const accepted = server.accept();
    const bonded = await client.connect(server.identityAddress);
    await accepted;
    const open = await bonded.gatt.client.characteristic(PROTECTED_UUIDS.service, PROTECTED_UUIDS.open);
    expect(bonded.encrypted).toBe(true);
    expect(text(await bonded.gatt.client.read(open.valueHandle))).toBe('open');
    await bonded.disconnect();
    await serverStore.forgetAll();
    const acceptedAgain = server.accept();
    const spoofed = await client.connect(server.identityAddress);
    const requests: number[] = [];
    (await acceptedAgain).l2cap.fixedChannel(FixedCid.att).on('pdu', (pdu) => requests.push(pdu[0] ?? -1));
    // Two requests at once wait for the same encryption attempt, and both learn it failed.
    const outcomes = await Promise.allSettled([
      spoofed.gatt.client.read(open.valueHandle),
      spoofed.gatt.client.discoverServices(),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(BondLostError);
    }
    expect(spoofed.encrypted).toBe(false);
    expect(requests).toEqual([]);
  });

  it('keeps a bonded client subscription across reconnection in the bond store', async () => {
    const serverStore = new MemoryBondStore();
    const { connection, server, client } = await setup({}, { bondStore: serverStore });
    const stream = await connection.gatt.notifications(
      PROTECTED_UUIDS.service,
      PROTECTED_UUIDS.encryptedNotify,
    );
    expect(connection.encrypted).toBe(true);
    const characteristic = server.gattServer.characteristic(PROTECTED_UUIDS.encryptedNotify);
    if (!characteristic) throw new Error('demo notify characteristic missing');
    await server.gattServer.notify(characteristic, Uint8Array.of(1, 0, 0, 0));
    const first = await stream.next();
    expect(Array.from(first.value as Uint8Array)).toEqual([1, 0, 0, 0]);
    await serverStore.load(); // store changes run in order: this one waits for the CCCD's save
    const cccd = serverStore.list()[0]?.cccd;
    expect(cccd && Object.values(cccd)).toContain(1);
    await connection.disconnect();
    void client;
  });
});
