import { err, ok, putU16, putU32, type Result, u16, u32 } from '@tsble/base';
import { decodeError, isDecodeError } from './decode-error.js';
import type { DecodeError } from './errors.js';

/**
 * A tiny declarative layout language for fixed-layout HCI parameters, so that each command and event is
 * written once as data and gets an encoder and a decoder that are exact inverses (Core 6.0 Vol 4 Part E 5.2:
 * little-endian integers, BD_ADDR and keys as octet strings least significant octet first).
 */
export type FieldKind =
  | 'u8'
  | 'u16'
  | 'u24'
  | 'u32'
  | 'addr'
  | 'bytes2'
  | 'bytes5'
  | 'bytes8'
  | 'bytes16'
  | 'bytes64'
  | 'mask64'
  | 'advData';

export type FieldValue<K extends FieldKind> = K extends 'u8' | 'u16' | 'u24' | 'u32'
  ? number
  : K extends 'mask64'
    ? bigint
    : Uint8Array;

export type Layout = readonly (readonly [string, FieldKind])[];

/** The object type a layout describes: `[['handle','u16']]` -> `{ handle: number }`. */
export type LayoutValues<L extends Layout> = { [E in L[number] as E[0]]: FieldValue<E[1]> };

const fixedSize: Record<FieldKind, number> = {
  u8: 1,
  u16: 2,
  u24: 3,
  u32: 4,
  addr: 6,
  bytes2: 2,
  bytes5: 5,
  bytes8: 8,
  bytes16: 16,
  bytes64: 64,
  mask64: 8,
  // Advertising and scan response data: a length octet and 31 octets, zero padded. Core 6.0 Vol 4 Part E 7.8.7.
  advData: 32,
};

/** Total octets of a layout. */
export function layoutSize(layout: Layout): number {
  // Indexed loops without destructuring here and below: these run for every command and event, often on cold
  // code, where a for-of over entries destructured as [name, kind] steps two iterators per field.
  let size = 0;
  for (let i = 0; i < layout.length; i++) size += fixedSize[(layout[i] as Layout[number])[1]];
  return size;
}

/** Encodes values into a new array. Numbers are masked to their width; byte fields are copied or zero-padded. */
export function encodeLayout<L extends Layout>(layout: L, values: LayoutValues<L>): Uint8Array {
  const out = new Uint8Array(layoutSize(layout));
  let at = 0;
  const record = values as Record<string, number | bigint | Uint8Array>;
  for (let i = 0; i < layout.length; i++) {
    const field = layout[i] as Layout[number];
    const kind = field[1];
    writeField(out, at, kind, record[field[0]]);
    at += fixedSize[kind];
  }
  return out;
}

/** Decodes a layout from the start of `bytes`; shorter input is a decode error (longer is allowed). */
export function decodeLayout<L extends Layout>(
  layout: L,
  bytes: Uint8Array,
): Result<LayoutValues<L>, DecodeError> {
  const decoded = decodeLayoutValues(layout, bytes);
  return isDecodeError(decoded) ? err(decoded) : ok(decoded);
}

/** @internal `decodeLayout` for this package's event decoders, which pass the error up as a value. */
export function decodeLayoutValues<L extends Layout>(
  layout: L,
  bytes: Uint8Array,
): LayoutValues<L> | DecodeError {
  const size = layoutSize(layout);
  if (bytes.length < size) return decodeError(`expected at least ${size} octets, got ${bytes.length}`);
  const out: Record<string, number | bigint | Uint8Array> = {};
  let at = 0;
  for (let i = 0; i < layout.length; i++) {
    const field = layout[i] as Layout[number];
    const kind = field[1];
    const value = readField(bytes, at, kind);
    if (typeof value === 'object' && 'kind' in value) return value;
    out[field[0]] = value;
    at += fixedSize[kind];
  }
  return out as LayoutValues<L>;
}

function writeField(out: Uint8Array, at: number, kind: FieldKind, value: unknown): void {
  switch (kind) {
    case 'u8':
      out[at] = Number(value) & 0xff;
      return;
    case 'u16':
      putU16(out, at, Number(value));
      return;
    case 'u24':
      putU16(out, at, Number(value) & 0xffff);
      out[at + 2] = (Number(value) >>> 16) & 0xff;
      return;
    case 'u32':
      putU32(out, at, Number(value));
      return;
    case 'mask64': {
      // Two 32-bit halves: two BigInt operations instead of sixteen.
      const v = BigInt.asUintN(64, BigInt(value as bigint));
      putU32(out, at, Number(v & 0xffffffffn));
      putU32(out, at + 4, Number(v >> 32n));
      return;
    }
    case 'advData': {
      const data = (value as Uint8Array).subarray(0, 31);
      out[at] = data.length;
      out.set(data, at + 1);
      return;
    }
    default:
      out.set((value as Uint8Array).subarray(0, fixedSize[kind]), at);
  }
}

function readField(
  bytes: Uint8Array,
  at: number,
  kind: FieldKind,
): number | bigint | Uint8Array | DecodeError {
  switch (kind) {
    case 'u8':
      return bytes[at] ?? 0;
    case 'u16':
      return u16(bytes, at);
    case 'u24':
      return u16(bytes, at) | ((bytes[at + 2] ?? 0) << 16);
    case 'u32':
      return u32(bytes, at);
    case 'mask64':
      return (BigInt(u32(bytes, at + 4)) << 32n) | BigInt(u32(bytes, at));
    case 'advData': {
      const length = bytes[at] ?? 0;
      if (length > 31) return decodeError(`advertising data length ${length} exceeds 31`);
      return bytes.slice(at + 1, at + 1 + length);
    }
    default:
      return bytes.slice(at, at + fixedSize[kind]);
  }
}

/** A 64-bit mask with the given bits set (event masks, feature sets). */
export function maskOf(bits: readonly number[]): bigint {
  return bits.reduce((mask, bit) => mask | (1n << BigInt(bit)), 0n);
}

/** Whether bit `bit` of octet `octet` is set in a bit-field array (supported commands, features). */
export function hasBit(bytes: Uint8Array, octet: number, bit: number): boolean {
  return (((bytes[octet] ?? 0) >> bit) & 1) === 1;
}
