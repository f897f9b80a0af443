/**
 * Bluetooth device addresses (Core 6.0 Vol 6 Part B 1.3). People write an address most significant octet first,
 * `F0:F1:F2:F3:F4:F5`; on air and in HCI it travels least significant octet first (Vol 4 Part E 5.2).
 * `Address.bytes` is always the on-air order, so HCI, L2CAP and SMP take it unchanged; text is made and read
 * only at the edges.
 */
import { ADDRESS_LENGTH, RandomAddressSubType } from './constants.js';
import { err, ok, type Result } from './result.js';

export type AddressType = 'public' | 'random';

export interface Address {
  /** Six octets, least significant first (on-air order). */
  readonly bytes: Uint8Array;
  readonly type: AddressType;
}

export interface AddressParseError {
  readonly code: 'invalid-address';
  readonly input: string;
  readonly message: string;
}

const ADDRESS_PATTERN = /^([0-9a-f]{2})(?::([0-9a-f]{2})){5}$/i;
const HEX_UPPER = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0').toUpperCase());

/**
 * Parses `XX:XX:XX:XX:XX:XX` with an optional `/public` or `/random` suffix. Without a suffix the type is
 * `undefined`, so the caller can decide how to learn it (the CLI scans briefly).
 */
export function parseAddressText(
  text: string,
): Result<{ bytes: Uint8Array; type: AddressType | undefined }, AddressParseError> {
  const [hex = '', suffix, ...rest] = text.trim().split('/');
  const fail = (why: string) =>
    err<AddressParseError>({
      code: 'invalid-address',
      input: text,
      message: `"${text}" is not an address: ${why}`,
    });
  if (rest.length > 0) return fail('more than one "/"');
  if (!ADDRESS_PATTERN.test(hex))
    return fail('expected six hex octets separated by colons, like F0:F1:F2:F3:F4:F5');
  let type: AddressType | undefined;
  if (suffix !== undefined) {
    const lower = suffix.toLowerCase();
    if (lower !== 'public' && lower !== 'random')
      return fail(`the type must be /public or /random, not /${suffix}`);
    type = lower;
  }
  const octets = hex.split(':').map((octet) => Number.parseInt(octet, 16));
  return ok({ bytes: Uint8Array.from(octets.reverse()), type });
}

/** Parses an address that must carry its type (as stored in the bond store). */
export function parseAddress(text: string): Result<Address, AddressParseError> {
  const parsed = parseAddressText(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.type === undefined) {
    return err({
      code: 'invalid-address',
      input: text,
      message: `"${text}" needs its type: append /public or /random`,
    });
  }
  return ok({ bytes: parsed.value.bytes, type: parsed.value.type });
}

/** The address as people write it, most significant octet first, without the type: `F0:F1:F2:F3:F4:F5`. */
export function formatAddressBytes(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = bytes.length - 1; i >= 0; i--) parts.push(HEX_UPPER[bytes[i] as number] as string);
  return parts.join(':');
}

/** `F0:F1:F2:F3:F4:F5/random`: the canonical text form, also the bond store's key. */
export function formatAddress(address: Address): string {
  return `${formatAddressBytes(address.bytes)}/${address.type}`;
}

/** An address from six on-air octets (copied); a RangeError for any other length. */
export function addressFromBytes(bytes: Uint8Array, type: AddressType): Address {
  if (bytes.length !== ADDRESS_LENGTH)
    throw new RangeError(`an address has ${ADDRESS_LENGTH} octets, got ${bytes.length}`);
  // A copy, and a plain Uint8Array even from a Buffer; the constructor copies without Array.from's iterator walk.
  return { bytes: new Uint8Array(bytes), type };
}

export function addressEquals(a: Address, b: Address): boolean {
  if (a.type !== b.type || a.bytes.length !== b.bytes.length) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/** True for 00:00:00:00:00:00, which Zephyr's controller reports when it has no public address. */
export function isZeroAddress(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

export type RandomAddressKind = 'static' | 'resolvable' | 'non-resolvable' | 'reserved';

/** Core 6.0 Vol 6 Part B 1.3.2: the sub-type sits in the two most significant bits (last octet on air). */
export function randomAddressKind(address: Address): RandomAddressKind | undefined {
  if (address.type !== 'random') return undefined;
  switch ((address.bytes[ADDRESS_LENGTH - 1] ?? 0) >> 6) {
    case RandomAddressSubType.static:
      return 'static';
    case RandomAddressSubType.resolvable:
      return 'resolvable';
    case RandomAddressSubType.nonResolvable:
      return 'non-resolvable';
    default:
      return 'reserved';
  }
}

export function isResolvablePrivateAddress(address: Address): boolean {
  return randomAddressKind(address) === 'resolvable';
}

const randomOctets = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

/**
 * A fresh static random address (Vol 6 Part B 1.3.2.1): top two bits 0b11, and the random part neither all
 * zeros nor all ones. `random` gives `n` random octets (default: crypto.getRandomValues).
 */
export function generateStaticRandomAddress(random: (n: number) => Uint8Array = randomOctets): Address {
  for (;;) {
    const bytes = random(ADDRESS_LENGTH);
    const top = (bytes[ADDRESS_LENGTH - 1] ?? 0) & 0x3f;
    bytes[ADDRESS_LENGTH - 1] = top | 0xc0;
    const rest = bytes.subarray(0, ADDRESS_LENGTH - 1);
    const allZero = top === 0 && rest.every((b) => b === 0);
    const allOne = top === 0x3f && rest.every((b) => b === 0xff);
    if (!allZero && !allOne) return { bytes, type: 'random' };
  }
}
