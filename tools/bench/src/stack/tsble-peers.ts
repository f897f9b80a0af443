/**
 * Two tsble hosts on one in-process virtual controller air, connected: the fixture of the whole-stack
 * figures. Every figure opens its own pair and closes it, so no host, timer or link outlives a measurement
 * and one case cannot warm or slow the next.
 */
import {
  type Connection,
  Host,
  type HostOptions,
  MemoryBondStore,
  type PairingMethodName,
} from '@tsble/host';
import type { LeCreditChannel } from '@tsble/l2cap';
import { setCryptoProvider } from '@tsble/smp-core';
import { VirtualAir } from '@tsble/virtual-controller';
import type { NotificationEnds, SduEnds } from './throughput.js';

/** The notify-only service both stacks serve in the data-path figures (16-bit UUIDs: ble-host takes numbers). */
export const NOTIFY_SERVICE = 0x1111;
export const NOTIFY_CHARACTERISTIC = 0x2222;

export interface ConnectedHosts {
  central: Host;
  peripheral: Host;
  /** The central's connection. */
  connection: Connection;
  /** The same link as the peripheral sees it. */
  remote: Connection;
  close(): Promise<void>;
}

/** Opens two hosts (in-memory bond stores) on a fresh air, advertises and connects; the link is ready. */
export async function openConnectedHosts(
  central: HostOptions = {},
  peripheral: HostOptions = {},
): Promise<ConnectedHosts> {
  const air = new VirtualAir();
  const hosts: Host[] = [];
  const close = async () => {
    for (const host of hosts) await host.close();
    air.close();
  };
  try {
    const peripheralHost = await Host.open(air.createController(), {
      bondStore: new MemoryBondStore(),
      ...peripheral,
    });
    hosts.push(peripheralHost);
    const centralHost = await Host.open(air.createController(), {
      bondStore: new MemoryBondStore(),
      ...central,
    });
    hosts.push(centralHost);
    await peripheralHost.advertise({});
    const accepted = peripheralHost.accept();
    const connection = await centralHost.connect(peripheralHost.identityAddress);
    const remote = await accepted;
    return { central: centralHost, peripheral: peripheralHost, connection, remote, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Milliseconds of one Host.open to ready on its own air; the host is closed afterwards, off the clock. */
export async function timeHostOpen(): Promise<number> {
  const air = new VirtualAir();
  // The controller is made inside the clock, as ble-host's start-up figure makes its own (openBleManager).
  const start = performance.now();
  const transport = air.createController();
  const host = await Host.open(transport, { bondStore: new MemoryBondStore() });
  const elapsed = performance.now() - start;
  await host.close();
  air.close();
  return elapsed;
}

/**
 * The same pairing on smp-core's platform default provider (WebCrypto) instead of the node:crypto provider
 * Host.open installs by default: both hosts opened with `crypto: 'default'`. smp-core's provider is
 * process-wide; the next Host opened with the defaults installs node:crypto again.
 */
export function timeHostPairingOnWebCrypto(scenario: PairingScenario): Promise<number> {
  setCryptoProvider(undefined);
  const onDefault = (options: HostOptions): HostOptions => ({ ...options, crypto: 'default' });
  return timeHostPairing({
    ...scenario,
    central: onDefault(scenario.central),
    peripheral: onDefault(scenario.peripheral),
  });
}

/** Host options of both sides and the association model they must end in. */
export interface PairingScenario {
  method: PairingMethodName;
  sc: boolean;
  central: HostOptions;
  peripheral: HostOptions;
}

const PASSKEY = 123456;

/** The four pairings the issue asks for, configured the way an application would. */
export const pairingScenarios = {
  'LE SC Just Works': { method: 'just-works', sc: true, central: {}, peripheral: {} },
  'LE SC Numeric Comparison': {
    method: 'numeric-comparison',
    sc: true,
    central: {
      pairing: { io: 'display-yesno', mitm: true },
      delegate: { confirmNumericComparison: () => true },
    },
    peripheral: {
      pairing: { io: 'display-yesno', mitm: true },
      delegate: { confirmNumericComparison: () => true },
    },
  },
  // The peripheral shows a fixed passkey and the central's user types it: no waiting on a person.
  'LE SC Passkey Entry': {
    method: 'passkey-entry',
    sc: true,
    central: { pairing: { io: 'keyboard', mitm: true }, delegate: { requestPasskey: () => PASSKEY } },
    peripheral: { pairing: { io: 'display', mitm: true, passkey: PASSKEY } },
  },
  'legacy Just Works': {
    method: 'just-works',
    sc: false,
    central: { pairing: { leSecure: false } },
    peripheral: { pairing: { leSecure: false } },
  },
} as const satisfies Record<string, PairingScenario>;

export type PairingScenarioName = keyof typeof pairingScenarios;

/**
 * Milliseconds from `connection.pair()` until both sides reported the pairing complete with their keys
 * stored; the connection is made before the clock starts. Throws when the pairing ended in another method
 * than the scenario's or a side stored no bond: the figure must be the pairing it names.
 */
export async function timeHostPairing(scenario: PairingScenario): Promise<number> {
  const hosts = await openConnectedHosts(scenario.central, scenario.peripheral);
  try {
    const remotePaired = hosts.remote.next('paired');
    const start = performance.now();
    const result = await hosts.connection.pair(); // the central host's `pairing` options are its base
    await remotePaired;
    const elapsed = performance.now() - start;
    if (result.method !== scenario.method || result.sc !== scenario.sc) {
      throw new Error(
        `expected ${scenario.method} (sc ${scenario.sc}), paired with ${result.method} (sc ${result.sc})`,
      );
    }
    if (hosts.central.bondStore.list().length !== 1 || hosts.peripheral.bondStore.list().length !== 1) {
      throw new Error('pairing completed without a bond stored on both sides');
    }
    return elapsed;
  } finally {
    await hosts.close();
  }
}

/** Host options of a peripheral serving the notify-only characteristic. */
export function notifyingPeripheral(): HostOptions {
  return {
    gatt: {
      services: [
        {
          uuid: NOTIFY_SERVICE.toString(16),
          characteristics: [{ uuid: NOTIFY_CHARACTERISTIC.toString(16), properties: ['notify'] }],
        },
      ],
    },
  };
}

/**
 * A connected pair whose central subscribed to the peripheral's notify characteristic: the pump's `send`
 * notifies through the peripheral's GATT server, arrivals are counted at the central's GATT client.
 */
export async function openNotifyingHosts(): Promise<{ hosts: ConnectedHosts; ends: NotificationEnds }> {
  const hosts = await openConnectedHosts({}, notifyingPeripheral());
  try {
    const client = hosts.connection.gatt.client;
    const characteristic = await client.characteristic(
      NOTIFY_SERVICE.toString(16),
      NOTIFY_CHARACTERISTIC.toString(16),
    );
    await client.subscribe(characteristic);
    const served = hosts.peripheral.gattServer.characteristic(NOTIFY_CHARACTERISTIC.toString(16));
    if (served === undefined) throw new Error('the peripheral does not serve the notify characteristic');
    const server = hosts.peripheral.gattServer;
    return {
      hosts,
      ends: {
        send: (value) => void server.notify(served, value),
        onNotification: (listener) => client.on('notification', listener),
      },
    };
  } catch (error) {
    await hosts.close();
    throw error;
  }
}

/** The parameters of an LE credit-based channel (Core 6.0 Vol 3 Part A 4.22): SDU size, PDU size, credits. */
export interface CreditChannelParameters {
  mtu: number;
  mps: number;
  initialCredits: number;
}

/**
 * A connected pair with an LE credit-based channel (SPSM 0x0080) opened by the central, carrying data from
 * the peripheral (the channel's server) to the central: the direction ble-host can sustain (see
 * openCreditChannelBleHosts), used for both stacks so their figures compare.
 */
export async function openCreditChannelHosts(
  parameters: CreditChannelParameters,
): Promise<{ hosts: ConnectedHosts; ends: SduEnds }> {
  const hosts = await openConnectedHosts();
  try {
    const spsm = 0x0080;
    let server: LeCreditChannel | undefined;
    hosts.remote.l2cap.listen(spsm, {
      ...parameters,
      onChannel: (channel) => {
        server = channel;
      },
    });
    const client = await hosts.connection.l2cap.connect(spsm, parameters);
    // The peripheral's side exists once it has answered the connection request the central just saw.
    if (server === undefined) throw new Error('the peripheral has no channel after the central connected');
    const sender = server;
    return {
      hosts,
      ends: {
        send: (sdu) => sender.send(sdu),
        onSdu: (listener) => client.on('sdu', (sdu) => listener(sdu.length)),
      },
    };
  } catch (error) {
    await hosts.close();
    throw error;
  }
}
