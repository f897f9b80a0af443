/**
 * Turns raw advertising reports into what applications want: one `Advertisement` per device, its advertising
 * data and scan response merged and decoded, the identity of a bonded peer behind an RPA, and duplicates
 * filtered (a device is reported again only when what it says changed, or not at all when asked).
 */
import { type Address, formatAddress } from '@tsble/base';
import { type AdvertisingData, decodeAdvertisingData } from './advertising-data.js';

/** A raw report as HCI delivers it (Core 6.0 Vol 4 Part E 7.7.65.2). */
export interface RawAdvertisingReport {
  /** 0 ADV_IND, 1 ADV_DIRECT_IND, 2 ADV_SCAN_IND, 3 ADV_NONCONN_IND, 4 SCAN_RSP. */
  readonly eventType: number;
  readonly address: Address;
  readonly data: Uint8Array;
  readonly rssi: number;
  /** The controller resolved the advertiser's RPA itself: `address` is already the identity. */
  readonly resolvedByController?: boolean;
}

export interface Advertisement {
  /** The address the device advertises with. */
  readonly address: Address;
  /** Its text form, `F0:F1:F2:F3:F4:F5/random`. */
  readonly addressText: string;
  /** The bonded identity behind a resolvable private address, when we hold the peer's IRK. */
  readonly identity?: string;
  readonly connectable: boolean;
  readonly rssi: number;
  readonly name?: string;
  readonly serviceUuids: string[];
  /** Advertising data and scan response, decoded and merged. */
  readonly data: AdvertisingData;
  /** Structures that did not decode, as typed error messages (the rest is still reported). */
  readonly problems?: string[];
}

// Core 6.0 Vol 4 Part E 7.7.65.2: the legacy event types.
const SCAN_RSP = 4;
const CONNECTABLE_TYPES = new Set([0, 1]);

interface DeviceState {
  advertising?: AdvertisingData;
  scanResponse?: AdvertisingData;
  connectable: boolean;
  lastKey?: string;
  problems: string[];
}

export interface ScanReportOptions {
  /** Report a device every time it advertises (default false: only when its data changes). */
  duplicates?: boolean;
  /** The identity behind an address, when it is a bonded peer's RPA. */
  resolve?: (address: Address) => string | undefined;
}

export class ScanReports {
  private devices = new Map<string, DeviceState>();

  constructor(private readonly options: ScanReportOptions = {}) {}

  /** The advertisement to report for this raw report, or undefined when it is a duplicate. */
  accept(report: RawAdvertisingReport): Advertisement | undefined {
    const addressText = formatAddress(report.address);
    let state = this.devices.get(addressText);
    if (!state) {
      state = { connectable: false, problems: [] };
      this.devices.set(addressText, state);
    }
    const decoded = decodeAdvertisingData(report.data);
    const data = decoded.ok ? decoded.value : {};
    if (!decoded.ok) state.problems = [decoded.error.message];
    if (report.eventType === SCAN_RSP) {
      state.scanResponse = data;
    } else {
      state.advertising = data;
      state.connectable = CONNECTABLE_TYPES.has(report.eventType);
    }
    const merged = mergeData(state.advertising, state.scanResponse);
    const key = JSON.stringify([merged, state.connectable], (_k, v) =>
      v instanceof Uint8Array ? Array.from(v) : v,
    );
    if (!this.options.duplicates && key === state.lastKey) return undefined;
    state.lastKey = key;
    const identity = report.resolvedByController ? addressText : this.options.resolve?.(report.address);
    const name = merged.name ?? merged.shortName;
    return {
      address: report.address,
      addressText,
      ...(identity !== undefined ? { identity } : {}),
      connectable: state.connectable,
      rssi: report.rssi,
      ...(name !== undefined ? { name } : {}),
      serviceUuids: [...(merged.serviceUuids16 ?? []), ...(merged.serviceUuids128 ?? [])],
      data: merged,
      ...(state.problems.length > 0 ? { problems: state.problems } : {}),
    };
  }

  /** Forget what was seen (a new scan reports every device again). */
  reset(): void {
    this.devices.clear();
  }
}

function mergeData(
  advertising: AdvertisingData | undefined,
  scanResponse: AdvertisingData | undefined,
): AdvertisingData {
  const a = advertising ?? {};
  const s = scanResponse ?? {};
  const merged: AdvertisingData = { ...s, ...a };
  const concat = <T>(x: T[] | undefined, y: T[] | undefined) =>
    x || y ? [...(x ?? []), ...(y ?? [])] : undefined;
  const u16 = concat(a.serviceUuids16, s.serviceUuids16);
  const u128 = concat(a.serviceUuids128, s.serviceUuids128);
  const manufacturer = concat(a.manufacturerData, s.manufacturerData);
  if (u16) merged.serviceUuids16 = [...new Set(u16)];
  if (u128) merged.serviceUuids128 = [...new Set(u128)];
  if (manufacturer) merged.manufacturerData = manufacturer;
  return merged;
}
