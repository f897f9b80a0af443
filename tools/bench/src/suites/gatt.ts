/**
 * L2CAP and ATT/GATT throughput end to end through the real stack: notifications per second (20-octet
 * values, one 27-octet ACL fragment each) and LE credit-based channel MB/s, first with two L2CAP
 * instances joined in memory, then through the virtual controller (HCI, controller flow control and
 * link-layer refragmentation included). Each figure carries heap use before and after, to show memory
 * stays flat.
 */
import {
  AttBearer,
  type GattCharacteristic,
  GattClient,
  GattServer,
  type GattServerConnection,
} from '@tsble/att-gatt';
import { type AclLink, createLoopbackAclLinks, FixedCid, L2cap, type LeCreditChannel } from '@tsble/l2cap';
import { openLinkedPair } from '@tsble/virtual-controller';
import type { BenchCase, BenchSuite, Measurement } from '../harness.js';

interface Wired {
  central: L2cap;
  peripheral: L2cap;
  close(): Promise<void>;
}

/** Two L2CAP instances joined in memory with fragments of `fragment` octets (27: no LE Data Length Extension). */
function inMemory(fragment = 27): Wired {
  const [a, b] = createLoopbackAclLinks(0x40, fragment);
  return wire(
    a,
    b,
    (receive) => a.attach(receive.central),
    (receive) => b.attach(receive.peripheral),
    async () => {},
  );
}

async function overVirtualController(): Promise<Wired> {
  const pair = await openLinkedPair();
  const wired = wire(
    pair.central.aclLink(pair.centralHandle),
    pair.peripheral.aclLink(pair.peripheralHandle),
    (receive) => pair.central.on('acl', (_h, pb, d) => receive.central(pb, d)),
    (receive) => pair.peripheral.on('acl', (_h, pb, d) => receive.peripheral(pb, d)),
    () => pair.close(),
  );
  return wired;
}

type Receivers = {
  central: (pb: number, d: Uint8Array) => void;
  peripheral: (pb: number, d: Uint8Array) => void;
};

function wire(
  centralLink: AclLink,
  peripheralLink: AclLink,
  attachCentral: (r: Receivers) => void,
  attachPeripheral: (r: Receivers) => void,
  close: () => Promise<void>,
): Wired {
  const central = new L2cap(centralLink, { role: 'central' });
  const peripheral = new L2cap(peripheralLink, { role: 'peripheral' });
  const receivers: Receivers = {
    central: (pb, d) => central.receiveAcl(pb, d),
    peripheral: (pb, d) => peripheral.receiveAcl(pb, d),
  };
  attachCentral(receivers);
  attachPeripheral(receivers);
  return { central, peripheral, close };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
}

/** Sends `count` notifications in windows of `window`, waiting for the client to receive each window. */
async function notificationsPerSecond(
  open: () => Wired | Promise<Wired>,
  count: number,
): Promise<Measurement> {
  const wired = await open();
  const server = new GattServer({
    services: [{ uuid: '1111', characteristics: [{ uuid: '2222', properties: ['notify'] }] }],
  });
  const connection: GattServerConnection = server.attach(
    new AttBearer(wired.peripheral.fixedChannel(FixedCid.att)),
  );
  const client = new GattClient(new AttBearer(wired.central.fixedChannel(FixedCid.att)));
  await client.subscribe(await client.characteristic('1111', '2222'));
  const characteristic = server.characteristic('2222') as GattCharacteristic;
  let received = 0;
  let wake: (() => void) | undefined;
  let target = 0;
  client.on('notification', () => {
    received += 1;
    if (received >= target) wake?.();
  });
  const value = new Uint8Array(20);
  const window = 500;
  const before = heapMb();
  const start = performance.now();
  for (let sent = 0; sent < count; sent += window) {
    target = Math.min(sent + window, count);
    const arrived = new Promise<void>((resolve) => {
      wake = resolve;
    });
    for (let i = sent; i < target; i++) void connection.notify(characteristic, value);
    await arrived;
  }
  const seconds = (performance.now() - start) / 1000;
  const after = heapMb();
  await wired.close();
  return {
    value: Math.round(count / seconds),
    unit: 'notifications/s',
    extra: { count, heapMbBefore: before, heapMbAfter: after },
  };
}

/** Sends `megabytes` MB of 2048-octet SDUs over a credit-based channel and waits for the last one. */
async function creditChannelMegabytesPerSecond(
  open: () => Wired | Promise<Wired>,
  megabytes: number,
): Promise<Measurement> {
  const wired = await open();
  let server: LeCreditChannel | undefined;
  wired.peripheral.listen(0x0080, {
    mtu: 2048,
    mps: 247,
    initialCredits: 32,
    onChannel: (c) => (server = c),
  });
  const client = await wired.central.connect(0x0080, { mtu: 2048, mps: 247, initialCredits: 32 });
  const total = megabytes * 1048576;
  let received = 0;
  const done = new Promise<void>((resolve) =>
    (server as LeCreditChannel).on('sdu', (sdu) => {
      received += sdu.length;
      if (received >= total) resolve();
    }),
  );
  const sdu = new Uint8Array(2048).fill(0x5a);
  const before = heapMb();
  const start = performance.now();
  // Keep a bounded number of SDUs queued so the measurement is the channel, not our queue.
  for (let sent = 0; sent < total; sent += sdu.length * 16) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < 16 && sent + i * sdu.length < total; i++) batch.push(client.send(sdu));
    await Promise.all(batch);
  }
  await done;
  const seconds = (performance.now() - start) / 1000;
  const after = heapMb();
  await wired.close();
  return {
    value: Math.round((megabytes / seconds) * 100) / 100,
    unit: 'MB/s',
    extra: { megabytes, heapMbBefore: before, heapMbAfter: after },
  };
}

export const suite: BenchSuite = {
  name: 'gatt',
  cases: async (): Promise<BenchCase[]> => [
    {
      name: 'notifications/s, in memory (L2CAP+ATT+GATT)',
      measure: () => notificationsPerSecond(() => inMemory(27), 100_000),
    },
    {
      name: 'notifications/s, virtual controller (HCI+L2CAP+ATT+GATT)',
      measure: () => notificationsPerSecond(overVirtualController, 20_000),
    },
    {
      name: 'CoC MB/s, in memory, 27-octet fragments',
      measure: () => creditChannelMegabytesPerSecond(() => inMemory(27), 4),
    },
    {
      name: 'CoC MB/s, in memory, 251-octet fragments',
      measure: () => creditChannelMegabytesPerSecond(() => inMemory(251), 16),
    },
    {
      name: 'CoC MB/s, virtual controller',
      measure: () => creditChannelMegabytesPerSecond(overVirtualController, 2),
    },
  ],
};
