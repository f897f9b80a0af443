import { silentLogger, withBindings } from '@tsble/base';
import { getCryptoProvider, setCryptoProvider } from '@tsble/smp-core';
import { nodeCryptoProvider } from '@tsble/smp-core/node';
import { VirtualAir } from '@tsble/virtual-controller';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalIdentity } from './bond-store/bond-record.js';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { Host, type HostOptions } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
  setCryptoProvider(undefined);
});

async function open(air: VirtualAir, options: HostOptions = {}): Promise<Host> {
  const host = await Host.open(air.createController(), { bondStore: new MemoryBondStore(), ...options });
  opened.push(host);
  return host;
}

async function connected(centralOptions: HostOptions = {}, peripheralOptions: HostOptions = {}) {
  const air = new VirtualAir();
  const peripheral = await open(air, peripheralOptions);
  const central = await open(air, centralOptions);
  await peripheral.advertise({});
  const accepted = peripheral.accept();
  const connection = await central.connect(peripheral.identityAddress);
  return { central, peripheral, connection, remote: await accepted };
}

/** A store that counts how often our local identity is written. */
class CountingStore extends MemoryBondStore {
  identityWrites = 0;
  override async setLocalIdentity(identity: LocalIdentity): Promise<void> {
    this.identityWrites += 1;
    await super.setLocalIdentity(identity);
  }
}

describe('Host.open options', () => {
  it("switches smp-core to node:crypto by default, and leaves the provider alone with crypto: 'default'", async () => {
    const air = new VirtualAir();
    await open(air, { crypto: 'default' });
    expect(getCryptoProvider()).not.toBe(nodeCryptoProvider);
    await open(air);
    expect(getCryptoProvider()).toBe(nodeCryptoProvider);
  });

  it('saves a fresh IRK and a generated identity address in one write, and none when both are stored', async () => {
    const air = new VirtualAir();
    const store = new CountingStore();
    const first = await open(air, { bondStore: store });
    expect(store.identityWrites).toBe(1);
    expect(store.localIdentity()?.irk).toMatch(/^[0-9a-f]{32}$/);
    await first.close();
    await open(air, { bondStore: store });
    expect(store.identityWrites).toBe(1);
  });

  it('uses a silent logger when none is given: children are silent, trace is off', () => {
    const child = withBindings(silentLogger, { layer: 'x' });
    expect(child.isLevelEnabled?.('trace')).toBe(false);
    expect(() => child.warn({ a: 1 }, 'dropped')).not.toThrow();
    expect(withBindings(child, { more: true })).toBe(silentLogger);
  });
});

describe('pairing options and logs', () => {
  it("applies a peripheral's pair() options to the pairing its Security Request leads to", async () => {
    const { connection, remote, central, peripheral } = await connected();
    const paired = connection.next('paired');
    // The host defaults are LE Secure Connections with bonding; this pair() asks for neither.
    const requested = remote.pair({ leSecure: false, bond: false });
    const [centralResult] = await paired;
    const result = await requested;
    expect(result.sc).toBe(false);
    expect(centralResult.sc).toBe(false);
    expect(result.bonded).toBe(false);
    expect(peripheral.bondStore.list()).toEqual([]);
    expect(central.bondStore.list()).toEqual([]);
  });

  it('logs a failed pairing once at info, naming the peer once, with the details at debug', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const { connection } = await connected({ logger });
    // Neither side has IO: MITM protection cannot be had, so the pairing fails (Authentication Requirements).
    await expect(connection.pair({ mitm: true, scOnly: true })).rejects.toMatchObject({
      name: 'PairingError',
    });
    const failed = lines.filter((line) => line.includes('"msg":"pairing failed"'));
    expect(failed).toHaveLength(1);
    const record = JSON.parse(failed[0] as string) as Record<string, unknown>;
    expect(record.level).toBe(30);
    expect((failed[0] as string).match(/"peer":/g)).toHaveLength(1);
    expect(lines.some((line) => line.includes('"msg":"pairing failure detail"'))).toBe(true);
  });
});
