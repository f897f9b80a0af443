/**
 * Octets. Every multi-octet field in HCI, L2CAP, ATT and SMP travels least significant octet first
 * (Core 6.0 Vol 4 Part E 5.2, Vol 3 Part A 1.4); `u16`..`putU32` read and write that order.
 */

export function u16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8);
}

export function u24(bytes: Uint8Array, offset: number): number {
  return u16(bytes, offset) | ((bytes[offset + 2] ?? 0) << 16);
}

export function u32(bytes: Uint8Array, offset: number): number {
  return (u16(bytes, offset) | (u16(bytes, offset + 2) << 16)) >>> 0;
}

export function putU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
}

export function putU32(bytes: Uint8Array, offset: number, value: number): void {
  putU16(bytes, offset, value & 0xffff);
  putU16(bytes, offset + 2, (value >>> 16) & 0xffff);
}

/** The concatenation of `parts`, in the order given. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Whether two arrays hold the same octets. Constant time for equal lengths: the running time does not depend on
 * where they differ, so it may compare secrets (confirm values, MACs, keys).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Two hex digits per octet value: one lookup per octet instead of a toString and a padStart. */
const HEX_OCTETS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes` in the order given, no separators. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += HEX_OCTETS[b] as string;
  return hex;
}

/** The octets of hex text (no separators, either case), or undefined when it is not that (or not `octets` long). */
export function parseHex(value: unknown, octets?: number): Uint8Array | undefined {
  if (typeof value !== 'string' || value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) return undefined;
  if (octets !== undefined && value.length !== octets * 2) return undefined;
  const out = new Uint8Array(value.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The octets of hex text; throws a RangeError naming the text when it is not hex (for input already checked). */
export function fromHex(hex: string): Uint8Array {
  const bytes = parseHex(hex);
  if (bytes === undefined) throw new RangeError(`not hex: ${hex}`);
  return bytes;
}

/** A number as the specification writes it: `0x` and at least `digits` lower-case hex digits (`hexNumber(6)` is `0x06`). */
export function hexNumber(value: number, digits = 2): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}
