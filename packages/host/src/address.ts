/**
 * Bluetooth device addresses (Core 6.0 Vol 6 Part B 1.3). People write an address most significant octet first,
 * `F0:F1:F2:F3:F4:F5`; on air and in HCI it travels least significant octet first. `Address.bytes` is always the
 * on-air order, so it can be handed to HCI and to smp-core unchanged.
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

/** The address as people write it, most significant octet first, without the type. */
export function formatAddressBytes(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = bytes.length - 1; i >= 0; i--)
    parts.push((bytes[i] ?? 0).toString(16).padStart(2, '0').toUpperCase());
  return parts.join(':');
}

/** `F0:F1:F2:F3:F4:F5/random`: the canonical text form, also the bond store's key. */
export function formatAddress(address: Address): string {
  return `${formatAddressBytes(address.bytes)}/${address.type}`;
}

export function addressFromBytes(bytes: Uint8Array, type: AddressType): Address {
  if (bytes.length !== ADDRESS_LENGTH)
    throw new RangeError(`an address has ${ADDRESS_LENGTH} octets, got ${bytes.length}`);
  // A copy, and a plain Uint8Array even from a Buffer; the constructor copies without Array.from's iterator walk.
  return { bytes: new Uint8Array(bytes), type };
}

export function addressEquals(a: Address, b: Address): boolean {
  if (a.type !== b.type) return false;
  for (let i = 0; i < ADDRESS_LENGTH; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

export type RandomAddressKind = 'static' | 'resolvable' | 'non-resolvable' | 'reserved';

/** Core 6.0 Vol 6 Part B 1.3.2: the sub-type sits in the two most significant bits (last octet on air). */
export function randomAddressKind(address: Address): RandomAddressKind | undefined {
  if (address.type !== 'random') return undefined;
  const subType = (address.bytes[ADDRESS_LENGTH - 1] ?? 0) >> 6;
  switch (subType) {
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

/**
 * A fresh static random address (Vol 6 Part B 1.3.2.1): top two bits 0b11, and the random part neither all
 * zeros nor all ones.
 */
export function generateStaticRandomAddress(): Address {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(ADDRESS_LENGTH));
    bytes[ADDRESS_LENGTH - 1] = ((bytes[ADDRESS_LENGTH - 1] ?? 0) & 0x3f) | 0xc0;
    const randomPart = Array.from(bytes).map((b, i) => (i === ADDRESS_LENGTH - 1 ? b & 0x3f : b));
    const allZero = randomPart.every((b) => b === 0);
    const allOne = randomPart.every((b, i) => (i === ADDRESS_LENGTH - 1 ? b === 0x3f : b === 0xff));
    if (!allZero && !allOne) return { bytes, type: 'random' };
  }
}
