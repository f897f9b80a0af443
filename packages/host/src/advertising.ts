/** Legacy advertising (Core 6.0 Vol 4 Part E 7.8.5-7.8.9): parameters, data, scan response, enable. */
import { AdvertisingType, type Hci } from '@tsble/hci-transport';
import { type AdvertisingData, encodeAdvertisingData } from './advertising-data.js';
import { AdFlag, Defaults } from './constants.js';
import { HostError } from './errors.js';

export interface AdvertiseOptions {
  /** The complete local name (put in the scan response when it does not fit the advertising data). */
  name?: string;
  /** Service UUIDs to advertise: four hex digits or 128-bit dashed form. */
  serviceUuids?: string[];
  /** Accept connections (default true). */
  connectable?: boolean;
  /** Interval in milliseconds (default 100). */
  intervalMs?: number;
  /** Extra fields for the advertising data. */
  data?: AdvertisingData;
  /** Explicit scan response data (by default the name goes there when it does not fit). */
  scanResponse?: AdvertisingData;
}

/** Splits the options into advertising data and scan response that each fit 31 octets. */
export function buildAdvertisingPayloads(options: AdvertiseOptions): {
  advertising: Uint8Array;
  scanResponse: Uint8Array;
} {
  const uuids16 = (options.serviceUuids ?? []).filter((u) => /^[0-9a-f]{4}$/i.test(u));
  const uuids128 = (options.serviceUuids ?? []).filter((u) => !/^[0-9a-f]{4}$/i.test(u));
  const base: AdvertisingData = {
    flags: AdFlag.leGeneralDiscoverable | AdFlag.brEdrNotSupported,
    ...(uuids16.length ? { serviceUuids16: uuids16 } : {}),
    ...(uuids128.length ? { serviceUuids128: uuids128 } : {}),
    ...(options.data ?? {}),
  };
  const withName =
    options.name !== undefined && !options.scanResponse
      ? encodeAdvertisingData({ ...base, name: options.name })
      : undefined;
  const advertising = withName?.ok ? withName : encodeAdvertisingData(base);
  if (!advertising.ok) throw new HostError('invalid-argument', advertising.error.message);
  const responseData =
    options.scanResponse ?? (withName?.ok || options.name === undefined ? {} : { name: options.name });
  const scanResponse = encodeAdvertisingData(responseData);
  if (!scanResponse.ok) throw new HostError('invalid-argument', scanResponse.error.message);
  return { advertising: advertising.value, scanResponse: scanResponse.value };
}

export async function startAdvertising(
  hci: Hci,
  ownAddressType: number,
  options: AdvertiseOptions,
): Promise<void> {
  const { advertising, scanResponse } = buildAdvertisingPayloads(options);
  const interval = Math.max(
    0x20,
    Math.min(0x4000, Math.round((options.intervalMs ?? Defaults.advertisingInterval * 0.625) / 0.625)),
  );
  await hci.execute('leSetAdvertisingEnable', { advertisingEnable: 0 }).catch(() => undefined);
  await hci.execute('leSetAdvertisingParameters', {
    advertisingIntervalMin: interval,
    advertisingIntervalMax: interval,
    advertisingType:
      options.connectable === false
        ? scanResponse.length
          ? AdvertisingType.scannableUndirected
          : AdvertisingType.nonConnectableUndirected
        : AdvertisingType.connectableUndirected,
    ownAddressType,
    peerAddressType: 0,
    peerAddress: new Uint8Array(6),
    advertisingChannelMap: 0x07,
    advertisingFilterPolicy: 0,
  });
  await hci.execute('leSetAdvertisingData', { advertisingData: advertising });
  await hci.execute('leSetScanResponseData', { scanResponseData: scanResponse });
  await hci.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });
}

export async function stopAdvertising(hci: Hci): Promise<void> {
  await hci.execute('leSetAdvertisingEnable', { advertisingEnable: 0 });
}
