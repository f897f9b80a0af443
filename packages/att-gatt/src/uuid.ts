/**
 * UUIDs as canonical lowercase strings: 16-bit ones as four hex digits ('2a00'), everything else as the
 * 36-character form. A 128-bit UUID on the Bluetooth Base UUID is folded to its 16-bit alias so both
 * spellings compare equal (Core 6.0 Vol 3 Part B 2.5.1). On the air a 128-bit UUID is least
 * significant octet first.
 */
import { fromHex, toHex } from '@tsble/base';
export type Uuid = string;

const BASE_SUFFIX = '-0000-1000-8000-00805f9b34fb';
const UUID16 = /^[0-9a-f]{4}$/;
const FULL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Parses '2A00', '0x2a00', 0x2a00, '00002a00-0000-1000-8000-00805f9b34fb' or any 128-bit UUID. */
export function parseUuid(input: string | number): Uuid | undefined {
  if (typeof input === 'number') {
    return Number.isInteger(input) && input >= 0 && input <= 0xffff
      ? input.toString(16).padStart(4, '0')
      : undefined;
  }
  // Already canonical (every UUID the stack itself declares): no trimming and lowering to do.
  if (input.length === 4 && UUID16.test(input)) return input;
  const text = input.trim().toLowerCase().replace(/^0x/, '');
  if (UUID16.test(text)) return text;
  if (/^[0-9a-f]{8}$/.test(text)) return fold(`${text}${BASE_SUFFIX}`);
  if (FULL.test(text)) return fold(text);
  if (/^[0-9a-f]{32}$/.test(text)) {
    return fold(
      `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`,
    );
  }
  return undefined;
}

/** parseUuid that throws on bad input: for declaring services in code, where a typo is a programming error. */
export function uuid(input: string | number): Uuid {
  const parsed = parseUuid(input);
  if (parsed === undefined) throw new TypeError(`not a UUID: ${String(input)}`);
  return parsed;
}

function fold(full: string): Uuid {
  return full.startsWith('0000') && full.endsWith(BASE_SUFFIX) ? full.slice(4, 8) : full;
}

export function isUuid16(value: Uuid): boolean {
  return value.length === 4;
}

/** The full 128-bit form, even for 16-bit aliases. */
export function toUuid128(value: Uuid): string {
  return isUuid16(value) ? `0000${value}${BASE_SUFFIX}` : value;
}

/** On-air octets: 2 for a 16-bit UUID, else 16, least significant octet first. */
export function uuidToBytes(value: Uuid): Uint8Array {
  if (isUuid16(value)) {
    const n = Number.parseInt(value, 16);
    const out = new Uint8Array(2);
    out[0] = n & 0xff;
    out[1] = n >>> 8;
    return out;
  }
  return fromHex(value.replace(/-/g, '')).reverse();
}

/** Reads a 2- or 16-octet on-air UUID; undefined for any other length. */
export function uuidFromBytes(bytes: Uint8Array): Uuid | undefined {
  if (bytes.length !== 2 && bytes.length !== 16) return undefined;
  const hex = toHex(bytes.slice().reverse());
  return bytes.length === 2 ? hex : parseUuid(hex);
}
