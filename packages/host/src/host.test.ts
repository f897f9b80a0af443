import { formatAddress } from '@tsble/base';
import { registerSimTransport, VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { BondLostError } from './errors.js';
import { Host, type HostOptions } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

async function open(air: VirtualAir, options: HostOptions = {}): Promise<Host> {
  const host = await Host.open(air.createController(), { bondStore: new MemoryBondStore(), ...options });
  opened.push(host);
  return host;
}

async function connectPair(
  air: VirtualAir,
  centralOptions: HostOptions = {},
  peripheralOptions: HostOptions = {},
) {
  const peripheral = await open(air, peripheralOptions);
  const central = await open(air, centralOptions);
  await peripheral.advertise({ name: 'periph' });
  const accepted = peripheral.accept();
  const connection = await central.connect(peripheral.identityAddress);
  const remote = await accepted;
  return { central, peripheral, connection, remote };
}

describe('Host over the virtual controller', () => {
  it('scans, sees the name and connects', async () => {
    const air = new VirtualAir();
    const peripheral = await open(air);
    const central = await open(air);
    await peripheral.advertise({ name: 'tsble test', serviceUuids: ['180f'] });
    let found: string | undefined;
    for await (const advertisement of central.scan({ durationMs: 2000 })) {
      if (advertisement.name === 'tsble test') {
        found = advertisement.addressText;
        expect(advertisement.serviceUuids).toContain('180f');
        break;
      }
    }
    expect(found).toBeDefined();
    const connection = await central.connect(found as string);
    expect(connection.role).toBe('central');
    await connection.disconnect();
    expect(connection.connected).toBe(false);
  });

  it('gives up connecting after the timeout, and on an abort signal, and can connect afterwards', async () => {
    const air = new VirtualAir();
    const central = await open(air);
    const silent = await open(air); // not advertising
    const started = Date.now();
    await expect(central.connect(silent.identityAddress, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'connect-timeout',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    const controller = new AbortController();
    const attempt = central.connect(silent.identityAddress, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(attempt).rejects.toMatchObject({ code: 'connect-cancelled' });
    await silent.advertise({});
    const connection = await central.connect(silent.identityAddress, { timeoutMs: 2000 });
    expect(connection.connected).toBe(true);
  });

  it('ends every connection when the controller goes away', async () => {
    const air = new VirtualAir();
    const { connection, central } = await connectPair(air);
    const gone = connection.waitForDisconnection();
    await central.hci.transport.close();
    expect(await gone).toBe(0x1f);
    expect(connection.connected).toBe(false);
    await expect(connection.pair()).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('keeps a generated static address as our identity when the controller has no public address', async () => {
    const air = new VirtualAir();
    const store = new MemoryBondStore();
    const first = await Host.open(air.createController({ address: new Uint8Array(6) }), { bondStore: store });
    const identity = formatAddress(first.identityAddress);
    await first.close();
    expect(identity).toMatch(/\/random$/);
    expect(store.localIdentity()?.staticAddress).toBe(identity);
    const reopened = await Host.open(air.createController({ address: new Uint8Array(6) }), {
      bondStore: store,
    });
    opened.push(reopened);
    expect(formatAddress(reopened.identityAddress)).toBe(identity);
  });

  it('pairs and re-encrypts over strict controllers (27-octet ACL buffers, one command credit)', async () => {
    const air = new VirtualAir();
    const violations: string[] = [];
    const strict = () => air.createController({ strict: true, onViolation: (m) => void violations.push(m) });
    const peripheral = await Host.open(strict(), { bondStore: new MemoryBondStore() });
    const central = await Host.open(strict(), { bondStore: new MemoryBondStore() });
    opened.push(peripheral, central);
    await peripheral.advertise({ name: 'strict' });
    const accepted = peripheral.accept();
    const connection = await central.connect(peripheral.identityAddress);
    const remote = await accepted;
    const remotePaired = remote.next('paired');
    expect((await connection.pair()).sc).toBe(true);
    await remotePaired;
    await connection.disconnect();
    const again = await central.connect(peripheral.identityAddress);
    await again.encrypt();
    expect(again.encrypted).toBe(true);
    expect(violations).toEqual([]);
  });

  it('pairs with LE Secure Connections Just Works, bonds both sides, and re-encrypts from the bond', async () => {
    const air = new VirtualAir();
    const centralStore = new MemoryBondStore();
    const peripheralStore = new MemoryBondStore();
    const { connection, remote, central, peripheral } = await connectPair(
      air,
      { bondStore: centralStore },
      { bondStore: peripheralStore },
    );
    const remotePaired = remote.next('paired');
    const result = await connection.pair();
    await remotePaired;
    expect(result).toMatchObject({
      method: 'just-works',
      sc: true,
      authenticated: false,
      keySize: 16,
      bonded: true,
      securityLevel: 2,
    });
    expect(connection.encrypted).toBe(true);
    expect(remote.encrypted).toBe(true);
    expect(centralStore.list()).toHaveLength(1);
    expect(peripheralStore.list()).toHaveLength(1);
    expect(centralStore.get(connection.identity)?.peerLtk?.ltk).toBe(
      peripheralStore.get(remote.identity)?.localLtk?.ltk,
    );
    await connection.disconnect();

    const accepted = peripheral.accept();
    const again = await central.connect(peripheral.identityAddress);
    const remoteAgain = await accepted;
    expect(again.bonded).toBe(true);
    const remoteEncrypted = remoteAgain.next('encrypted');
    await again.encrypt();
    expect(again.encrypted).toBe(true);
    expect(again.securityLevel).toBe(2);
    await remoteEncrypted;
    expect(remoteAgain.encrypted).toBe(true);
  });

  it('re-encrypts a legacy bond with the EDIV/Rand the peripheral distributed', async () => {
    const air = new VirtualAir();
    const { connection, remote, central, peripheral } = await connectPair(air);
    const remotePaired = remote.next('paired');
    const result = await connection.pair({ leSecure: false });
    await remotePaired;
    expect(result.sc).toBe(false);
    const stored = central.bondStore.get(connection.identity)?.peerLtk;
    expect(stored?.sc).toBe(false);
    expect(stored?.rand).not.toBe('0000000000000000');
    await connection.disconnect();
    const accepted = peripheral.accept();
    const again = await central.connect(peripheral.identityAddress);
    await accepted;
    await again.encrypt();
    expect(again.securityState).toMatchObject({ encrypted: true, sc: false, securityLevel: 2 });
  });

  it('drops the bond it just stored when the peer rejects the keys after pairing (Key Rejected)', async () => {
    const air = new VirtualAir();
    const { connection, remote, central } = await connectPair(air);
    const remotePaired = remote.next('paired');
    await connection.pair();
    await remotePaired;
    expect(central.bondStore.get(connection.identity)).toBeDefined();
    const failed = connection.next('pairingFailed');
    // Core 6.0 Vol 3 Part H 3.5.5: Pairing Failed, reason 0x0F Key Rejected.
    await remote.smpChannel.send(Uint8Array.of(0x05, 0x0f));
    const [error] = await failed;
    expect(error.reason).toBe(0x0f);
    await central.bondStore.load(); // store changes run in order: this one waits for the bond's removal
    expect(central.bondStore.get(connection.identity)).toBeUndefined();
  });

  it('answers a peripheral Security Request by pairing', async () => {
    const air = new VirtualAir();
    const { connection, remote } = await connectPair(air);
    const paired = connection.next('paired');
    const requested = remote.pair();
    const [result] = await paired;
    expect(result.sc).toBe(true);
    expect((await requested).bonded).toBe(true);
  });

  it('joins a pairing already under way instead of starting a second one', async () => {
    const air = new VirtualAir();
    const { connection, remote } = await connectPair(air);
    let pairedEvents = 0;
    connection.on('paired', () => {
      pairedEvents += 1;
    });
    const underWay = connection.next('pairingRequest');
    const requested = remote.pair(); // Security Request: the central starts pairing by itself
    // Join once the pairing is known to be under way (a fixed sleep raced a pairing that finished first).
    await underWay;
    const [ours, theirs] = await Promise.all([connection.pair(), requested]);
    expect(ours.sc).toBe(true);
    expect(theirs.sc).toBe(true);
    expect(pairedEvents).toBe(1);
  });

  it("resolves a peripheral's Security Request when the bonded central encrypts from its bond", async () => {
    const air = new VirtualAir();
    const { connection, remote, central, peripheral } = await connectPair(air);
    const remotePaired = remote.next('paired');
    await connection.pair();
    await remotePaired;
    await connection.disconnect();
    const accepted = peripheral.accept();
    const again = await central.connect(peripheral.identityAddress);
    const remoteAgain = await accepted;
    const encrypted = again.next('encrypted');
    const result = await remoteAgain.pair();
    await encrypted;
    expect(result).toMatchObject({ method: 'bond', sc: true, bonded: true });
    expect(again.encrypted).toBe(true);
  });

  it('reports a peer that lost the bond instead of re-pairing', async () => {
    const air = new VirtualAir();
    const centralStore = new MemoryBondStore();
    const peripheralStore = new MemoryBondStore();
    const { connection, remote, central, peripheral } = await connectPair(
      air,
      { bondStore: centralStore },
      { bondStore: peripheralStore },
    );
    const remoteBonded = remote.next('bonded');
    await connection.pair();
    await remoteBonded;
    await connection.disconnect();
    await peripheralStore.forgetAll();
    const again = await central.connect(peripheral.identityAddress);
    await expect(again.encrypt()).rejects.toBeInstanceOf(BondLostError);
    expect(again.encrypted).toBe(false);
  });

  it('rejects bad service definitions at open, and serves GAP to a client with no application services', async () => {
    const air = new VirtualAir();
    await expect(
      Host.open(air.createController(), {
        bondStore: new MemoryBondStore(),
        gatt: { services: [{ uuid: 'not-a-uuid', characteristics: [] }] },
      }),
    ).rejects.toThrow('not a UUID');
    const name = new TextEncoder().encode('lazy gap');
    const options = { deviceName: 'lazy gap' };
    const peripheral = await open(air, { gatt: options });
    // The name the host was opened with, even when the options object changes before anything connects.
    options.deviceName = 'changed';
    const central = await open(air);
    await peripheral.advertise({ name: 'periph' });
    const accepted = peripheral.accept();
    const connection = await central.connect(peripheral.identityAddress);
    await accepted;
    expect(await connection.gatt.read('1800', '2a00')).toEqual(name);
    expect(peripheral.gattServer.getValue(peripheral.gattServer.characteristic('2a00') as never)).toEqual(
      name,
    );
  });
});

void registerSimTransport;
