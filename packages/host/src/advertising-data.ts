/**
 * Advertising and scan response data (Core 6.0 Vol 3 Part C 11; Core Specification Supplement Part A): a
 * sequence of [length][AD type][data] structures. UUIDs are lower-case strings: `180f` for 16-bit ones and the
 * full dashed form for 128-bit ones.
 */

import { parseUuid, toUuid128, uuidFromBytes, uuidToBytes } from '@tsble/att-gatt';
import { err, ok, type Result } from '@tsble/base';
import { AdType, LEGACY_ADV_DATA_MAX } from './constants.js';

export interface ManufacturerData {
  /** Company identifier (Assigned Numbers 7), carried little-endian. */
  readonly companyId: number;
  readonly data: Uint8Array;
}

export interface AdvertisingData {
  flags?: number;
  /** Complete local name; see `shortName` for the shortened form. */
  name?: string;
  shortName?: string;
  /** 16-bit service UUIDs as four hex digits. */
  serviceUuids16?: string[];
  /** 128-bit service UUIDs in the dashed form. */
  serviceUuids128?: string[];
  /** True when the advertiser marked its UUID lists incomplete. */
  serviceUuidsIncomplete?: boolean;
  txPowerLevel?: number;
  appearance?: number;
  manufacturerData?: ManufacturerData[];
  /** Structures of other types, kept raw so nothing is lost. */
  other?: { type: number; data: Uint8Array }[];
}

export type AdvertisingDataError =
  | { readonly code: 'ad-truncated'; readonly offset: number; readonly message: string }
  | {
      readonly code: 'ad-bad-field';
      readonly offset: number;
      readonly adType: number;
      readonly message: string;
    }
  | { readonly code: 'ad-too-long'; readonly length: number; readonly message: string }
  | { readonly code: 'ad-bad-uuid'; readonly uuid: string; readonly message: string };

/** 128-bit UUID text (36 characters) -> 16 octets, least significant first as AD carries it. */
function uuid128Octets(text: string): Uint8Array | undefined {
  const parsed = parseUuid(text);
  return parsed !== undefined && text.trim().length === 36 ? uuidToBytes(toUuid128(parsed)) : undefined;
}

type FieldDecoder = (
  data: Uint8Array,
  into: AdvertisingData,
  offset: number,
  type: number,
) => AdvertisingDataError | undefined;

const text = new TextDecoder('utf-8', { fatal: false });

function decodeUuids16(data: Uint8Array, into: AdvertisingData, offset: number, type: number) {
  if (data.length % 2 !== 0) return badField(offset, type, '16-bit UUID list length is odd');
  into.serviceUuids16 ??= [];
  const list = into.serviceUuids16;
  for (let i = 0; i < data.length; i += 2) list.push(uuidFromBytes(data.subarray(i, i + 2)) as string);
  if (type === AdType.incompleteServiceUuids16) into.serviceUuidsIncomplete = true;
  return undefined;
}

function decodeUuids128(data: Uint8Array, into: AdvertisingData, offset: number, type: number) {
  if (data.length % 16 !== 0)
    return badField(offset, type, '128-bit UUID list length is not a multiple of 16');
  into.serviceUuids128 ??= [];
  const list = into.serviceUuids128;
  // The full form even for a UUID on the Bluetooth Base UUID: the list says the peer sent 128 bits.
  for (let i = 0; i < data.length; i += 16)
    list.push(toUuid128(uuidFromBytes(data.subarray(i, i + 16)) as string));
  if (type === AdType.incompleteServiceUuids128) into.serviceUuidsIncomplete = true;
  return undefined;
}

const decoders: Partial<Record<number, FieldDecoder>> = {
  [AdType.flags]: (data, into, offset, type) => {
    if (data.length < 1) return badField(offset, type, 'flags field is empty');
    into.flags = data[0];
    return undefined;
  },
  [AdType.incompleteServiceUuids16]: decodeUuids16,
  [AdType.completeServiceUuids16]: decodeUuids16,
  [AdType.incompleteServiceUuids128]: decodeUuids128,
  [AdType.completeServiceUuids128]: decodeUuids128,
  [AdType.completeLocalName]: (data, into) => {
    into.name = text.decode(data);
    return undefined;
  },
  [AdType.shortenedLocalName]: (data, into) => {
    into.shortName = text.decode(data);
    return undefined;
  },
  [AdType.txPowerLevel]: (data, into, offset, type) => {
    if (data.length !== 1) return badField(offset, type, 'TX power level must be one octet');
    into.txPowerLevel = ((data[0] ?? 0) << 24) >> 24;
    return undefined;
  },
  [AdType.appearance]: (data, into, offset, type) => {
    if (data.length !== 2) return badField(offset, type, 'appearance must be two octets');
    into.appearance = (data[0] ?? 0) | ((data[1] ?? 0) << 8);
    return undefined;
  },
  [AdType.manufacturerSpecificData]: (data, into, offset, type) => {
    if (data.length < 2)
      return badField(offset, type, 'manufacturer data needs a two-octet company identifier');
    into.manufacturerData ??= [];
    into.manufacturerData.push({
      companyId: (data[0] ?? 0) | ((data[1] ?? 0) << 8),
      data: data.slice(2),
    });
    return undefined;
  },
};

function badField(offset: number, adType: number, why: string): AdvertisingDataError {
  return {
    code: 'ad-bad-field',
    offset,
    adType,
    message: `AD structure at offset ${offset} (type 0x${adType.toString(16)}): ${why}`,
  };
}

/** Decodes AD structures. A zero length octet ends the data early (the spec's padding), as controllers send it. */
export function decodeAdvertisingData(bytes: Uint8Array): Result<AdvertisingData, AdvertisingDataError> {
  const out: AdvertisingData = {};
  let offset = 0;
  while (offset < bytes.length) {
    const length = bytes[offset] ?? 0;
    if (length === 0) break;
    if (offset + 1 + length > bytes.length) {
      return err({
        code: 'ad-truncated',
        offset,
        message: `AD structure at offset ${offset} claims ${length} octets, only ${bytes.length - offset - 1} remain`,
      });
    }
    const type = bytes[offset + 1] ?? 0;
    const data = bytes.subarray(offset + 2, offset + 1 + length);
    const decode = decoders[type];
    if (decode) {
      const failure = decode(data, out, offset, type);
      if (failure) return err(failure);
    } else {
      out.other ??= [];
      out.other.push({ type, data: data.slice() });
    }
    offset += 1 + length;
  }
  return ok(out);
}

function structure(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out[0] = data.length + 1;
  out[1] = type;
  out.set(data, 2);
  return out;
}

function encodeUuids(ad: AdvertisingData): Result<Uint8Array[], AdvertisingDataError> {
  const parts: Uint8Array[] = [];
  const incomplete = ad.serviceUuidsIncomplete === true;
  if (ad.serviceUuids16?.length) {
    const data = new Uint8Array(ad.serviceUuids16.length * 2);
    for (const [i, uuid] of ad.serviceUuids16.entries()) {
      if (!/^[0-9a-f]{4}$/i.test(uuid))
        return err({
          code: 'ad-bad-uuid',
          uuid,
          message: `"${uuid}" is not a 16-bit UUID (four hex digits)`,
        });
      const value = Number.parseInt(uuid, 16);
      data[i * 2] = value & 0xff;
      data[i * 2 + 1] = value >> 8;
    }
    parts.push(structure(incomplete ? AdType.incompleteServiceUuids16 : AdType.completeServiceUuids16, data));
  }
  if (ad.serviceUuids128?.length) {
    const data = new Uint8Array(ad.serviceUuids128.length * 16);
    for (const [i, uuid] of ad.serviceUuids128.entries()) {
      const bytes = uuid128Octets(uuid);
      if (!bytes) return err({ code: 'ad-bad-uuid', uuid, message: `"${uuid}" is not a 128-bit UUID` });
      data.set(bytes, i * 16);
    }
    parts.push(
      structure(incomplete ? AdType.incompleteServiceUuids128 : AdType.completeServiceUuids128, data),
    );
  }
  return ok(parts);
}

/**
 * Encodes AD structures in a fixed order (flags, UUIDs, name, the rest). Fails when the result would not fit
 * `maxLength` (31 for legacy advertising) rather than cutting a structure in half.
 */
export function encodeAdvertisingData(
  ad: AdvertisingData,
  maxLength = LEGACY_ADV_DATA_MAX,
): Result<Uint8Array, AdvertisingDataError> {
  const parts: Uint8Array[] = [];
  if (ad.flags !== undefined) parts.push(structure(AdType.flags, Uint8Array.of(ad.flags & 0xff)));
  const uuids = encodeUuids(ad);
  if (!uuids.ok) return uuids;
  parts.push(...uuids.value);
  const utf8 = new TextEncoder();
  if (ad.name !== undefined) parts.push(structure(AdType.completeLocalName, utf8.encode(ad.name)));
  if (ad.shortName !== undefined) parts.push(structure(AdType.shortenedLocalName, utf8.encode(ad.shortName)));
  if (ad.txPowerLevel !== undefined)
    parts.push(structure(AdType.txPowerLevel, Uint8Array.of(ad.txPowerLevel & 0xff)));
  if (ad.appearance !== undefined)
    parts.push(
      structure(AdType.appearance, Uint8Array.of(ad.appearance & 0xff, (ad.appearance >> 8) & 0xff)),
    );
  for (const m of ad.manufacturerData ?? []) {
    const data = new Uint8Array(m.data.length + 2);
    data[0] = m.companyId & 0xff;
    data[1] = (m.companyId >> 8) & 0xff;
    data.set(m.data, 2);
    parts.push(structure(AdType.manufacturerSpecificData, data));
  }
  for (const o of ad.other ?? []) parts.push(structure(o.type, o.data));
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  if (length > maxLength || parts.some((p) => p.length > 256)) {
    return err({
      code: 'ad-too-long',
      length,
      message: `advertising data needs ${length} octets, at most ${maxLength} fit; shorten the name or move fields to the scan response`,
    });
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return ok(out);
}
