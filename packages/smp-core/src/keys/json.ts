/**
 * Bond <-> JSON. Keys are hex strings in on-air order (least significant octet first, as HCI and SMP carry
 * them), addresses are six octets of hex in the same order plus their type. Parsing checks every field and
 * returns a typed error rather than a half-valid bond.
 */
import { type Address, parseHex, toHex } from '@tsble/base';
import type { Bond, LongTermKey } from './types.js';

export interface LongTermKeyJson {
  key: string;
  ediv: number;
  rand: string;
}
export interface AddressJson {
  address: string;
  type: 'public' | 'random';
}
export interface BondJson {
  peerAddress: AddressJson;
  keySize: number;
  authenticated: boolean;
  sc: boolean;
  peerLtk?: LongTermKeyJson;
  localLtk?: LongTermKeyJson;
  peerIrk?: string;
  peerIdentityAddress?: AddressJson;
  peerCsrk?: string;
  localIrk?: string;
  localIdentityAddress?: AddressJson;
  localCsrk?: string;
  linkKey: boolean;
  ct2: boolean;
}

/** A bond JSON value that failed validation; `field` names the first offending field. */
export class BondFormatError extends Error {
  readonly code = 'invalid-bond' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`bond field ${field}: ${message}`);
    this.name = 'BondFormatError';
  }
}

const ltkToJson = (ltk: LongTermKey): LongTermKeyJson => ({
  key: toHex(ltk.key),
  ediv: ltk.ediv,
  rand: toHex(ltk.rand),
});
const addressToJson = (a: Address): AddressJson => ({ address: toHex(a.bytes), type: a.type });

export function bondToJson(bond: Bond): BondJson {
  const json: BondJson = {
    peerAddress: addressToJson(bond.peerAddress),
    keySize: bond.keySize,
    authenticated: bond.authenticated,
    sc: bond.sc,
    linkKey: bond.linkKey,
    ct2: bond.ct2,
  };
  if (bond.peerLtk) json.peerLtk = ltkToJson(bond.peerLtk);
  if (bond.localLtk) json.localLtk = ltkToJson(bond.localLtk);
  if (bond.peerIrk) json.peerIrk = toHex(bond.peerIrk);
  if (bond.peerIdentityAddress) json.peerIdentityAddress = addressToJson(bond.peerIdentityAddress);
  if (bond.peerCsrk) json.peerCsrk = toHex(bond.peerCsrk);
  if (bond.localIrk) json.localIrk = toHex(bond.localIrk);
  if (bond.localIdentityAddress) json.localIdentityAddress = addressToJson(bond.localIdentityAddress);
  if (bond.localCsrk) json.localCsrk = toHex(bond.localCsrk);
  return json;
}

type Parsed<T> = T | BondFormatError;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function key16(value: unknown, field: string): Parsed<Uint8Array | undefined> {
  if (value === undefined) return undefined;
  return parseHex(value, 16) ?? new BondFormatError(field, 'expected 32 hex digits');
}

function parseAddress(value: unknown, field: string): Parsed<Address | undefined> {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return new BondFormatError(field, 'expected an object');
  const bytes = parseHex(value.address, 6);
  if (!bytes) return new BondFormatError(`${field}.address`, 'expected 12 hex digits');
  if (value.type !== 'public' && value.type !== 'random')
    return new BondFormatError(`${field}.type`, "expected 'public' or 'random'");
  return { bytes, type: value.type };
}

function parseLtk(value: unknown, field: string): Parsed<LongTermKey | undefined> {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return new BondFormatError(field, 'expected an object');
  const key = parseHex(value.key, 16);
  const rand = parseHex(value.rand, 8);
  const ediv = value.ediv;
  if (!key) return new BondFormatError(`${field}.key`, 'expected 32 hex digits');
  if (!rand) return new BondFormatError(`${field}.rand`, 'expected 16 hex digits');
  if (typeof ediv !== 'number' || !Number.isInteger(ediv) || ediv < 0 || ediv > 0xffff) {
    return new BondFormatError(`${field}.ediv`, 'expected an integer 0..65535');
  }
  return { key, ediv, rand };
}

/** Parses what `bondToJson` produced (after a JSON round trip). Never throws. */
export function bondFromJson(
  value: unknown,
): { ok: true; bond: Bond } | { ok: false; error: BondFormatError } {
  if (!isRecord(value)) return { ok: false, error: new BondFormatError('(root)', 'expected an object') };
  const { keySize, authenticated, sc, linkKey, ct2 } = value;
  if (typeof keySize !== 'number' || !Number.isInteger(keySize) || keySize < 7 || keySize > 16) {
    return { ok: false, error: new BondFormatError('keySize', 'expected an integer 7..16') };
  }
  for (const [name, flag] of Object.entries({ authenticated, sc, linkKey, ct2 })) {
    if (typeof flag !== 'boolean')
      return { ok: false, error: new BondFormatError(name, 'expected a boolean') };
  }
  const fields = {
    peerAddress:
      parseAddress(value.peerAddress, 'peerAddress') ?? new BondFormatError('peerAddress', 'missing'),
    peerLtk: parseLtk(value.peerLtk, 'peerLtk'),
    localLtk: parseLtk(value.localLtk, 'localLtk'),
    peerIrk: key16(value.peerIrk, 'peerIrk'),
    peerIdentityAddress: parseAddress(value.peerIdentityAddress, 'peerIdentityAddress'),
    peerCsrk: key16(value.peerCsrk, 'peerCsrk'),
    localIrk: key16(value.localIrk, 'localIrk'),
    localIdentityAddress: parseAddress(value.localIdentityAddress, 'localIdentityAddress'),
    localCsrk: key16(value.localCsrk, 'localCsrk'),
  };
  const bond: Record<string, unknown> = { keySize, authenticated, sc, linkKey, ct2 };
  for (const [name, parsed] of Object.entries(fields)) {
    if (parsed instanceof BondFormatError) return { ok: false, error: parsed };
    if (parsed !== undefined) bond[name] = parsed;
  }
  return { ok: true, bond: bond as unknown as Bond };
}
