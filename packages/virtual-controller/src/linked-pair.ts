import { Hci, type HciOptions, type LeConnectionComplete } from '@tsble/hci-transport';
import { VirtualAir } from './air.js';
import type { ControllerOptions } from './options.js';
import type { VirtualControllerTransport } from './transport.js';

/** Two hosts' HCI layers with one LE connection between them, for stack tests. */
export interface LinkedPair {
  air: VirtualAir;
  central: Hci;
  peripheral: Hci;
  centralHandle: number;
  peripheralHandle: number;
  centralTransport: VirtualControllerTransport;
  peripheralTransport: VirtualControllerTransport;
  close(): Promise<void>;
}

/**
 * Opens two Hci layers on a fresh air (or `air`), makes the peripheral advertise connectably with its identity
 * address and the central connect to it, and resolves once both sides saw the connection complete.
 */
export async function openLinkedPair(
  options: { controller?: ControllerOptions; hci?: HciOptions; air?: VirtualAir } = {},
): Promise<LinkedPair> {
  const air = options.air ?? new VirtualAir();
  const centralTransport = air.createController({ name: 'central', ...options.controller });
  const peripheralTransport = air.createController({ name: 'peripheral', ...options.controller });
  const central = await Hci.open(centralTransport, options.hci);
  const peripheral = await Hci.open(peripheralTransport, options.hci);
  const ownType = peripheral.info.addressType === 'public' ? 0 : 1;
  await peripheral.execute('leSetAdvertisingParameters', {
    advertisingIntervalMin: 0x20,
    advertisingIntervalMax: 0x20,
    advertisingType: 0,
    ownAddressType: ownType,
    peerAddressType: 0,
    peerAddress: new Uint8Array(6),
    advertisingChannelMap: 7,
    advertisingFilterPolicy: 0,
  });
  await peripheral.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });
  const peripheralConnected = peripheral.next('connectionComplete');
  const centralConnected = central.next('connectionComplete');
  await createConnection(central, peripheral);
  const [[c], [p]] = await Promise.all([centralConnected, peripheralConnected]);
  return {
    air,
    central,
    peripheral,
    centralHandle: (c as LeConnectionComplete).connectionHandle,
    peripheralHandle: (p as LeConnectionComplete).connectionHandle,
    centralTransport,
    peripheralTransport,
    close: async () => {
      await central.close();
      await peripheral.close();
      air.close();
    },
  };
}

/** HCI LE Create Connection from `central` to `peripheral`'s identity address (which must be advertising). */
export function createConnection(central: Hci, peripheral: Hci): Promise<unknown> {
  const type = (hci: Hci) => (hci.info.addressType === 'public' ? 0 : 1);
  return createConnectionTo(central, peripheral.info.address, type(peripheral), type(central));
}

/**
 * HCI LE Create Connection to one advertiser by address (HCI address types: 0 public, 1 random), with the
 * parameters the test links use: 30-50 ms connection interval, no latency, 4 s supervision timeout.
 */
export function createConnectionTo(
  central: Hci,
  peerAddress: Uint8Array,
  peerAddressType: number,
  ownAddressType: number,
): Promise<unknown> {
  return central.execute('leCreateConnection', {
    leScanInterval: 0x10,
    leScanWindow: 0x10,
    initiatorFilterPolicy: 0,
    peerAddressType,
    peerAddress,
    ownAddressType,
    connectionIntervalMin: 24,
    connectionIntervalMax: 40,
    maxLatency: 0,
    supervisionTimeout: 400,
    minCeLength: 0,
    maxCeLength: 0,
  });
}
