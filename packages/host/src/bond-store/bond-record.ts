/**
 * What the bond store keeps, as plain JSON: keys are hex strings in on-air order (least significant octet
 * first, as HCI and SMP carry them), so a file can be compared with a btsnoop capture by eye.
 */
import { err, ok, type Result } from '@tsble/base';

/** An LTK with what it is worth (Core 6.0 Vol 3 Part H 2.4.1, 3.6.2). */
export interface LtkRecord {
  /** 16 octets, hex, least significant first. Keys shorter than 16 octets are already masked. */
  readonly ltk: string;
  /** Legacy pairing's EDIV (0 for LE Secure Connections). */
  readonly ediv: number;
  /** Legacy pairing's Rand, 8 octets hex (all zeros for LE Secure Connections). */
  readonly rand: string;
  readonly keySize: number;
  readonly authenticated: boolean;
  readonly sc: boolean;
}

/** A signature key and its SignCounter (Vol 3 Part H 2.4.2.2, Part C 10.4). */
export interface CsrkRecord {
  readonly csrk: string;
  readonly signCounter: number;
  readonly authenticated: boolean;
}

/** One bonded peer, stored under its identity address (`F0:F1:F2:F3:F4:F5/random` or `/public`). */
export interface BondRecord {
  readonly address: string;
  /**
   * The LTK to start encryption with when we are the central: the one the peer distributed (legacy) or the
   * shared LTK (LE Secure Connections).
   */
  readonly peerLtk?: LtkRecord;
  /**
   * The LTK to answer the controller's LTK request with when we are the peripheral: the one we distributed
   * (legacy) or the shared LTK (LE Secure Connections).
   */
  readonly localLtk?: LtkRecord;
  /** The peer's IRK, hex: resolves its resolvable private addresses. */
  readonly peerIrk?: string;
  readonly peerCsrk?: CsrkRecord;
  readonly localCsrk?: CsrkRecord;
  /** The peer connected from a resolvable private address: find it by scanning (RPA resolution) before connecting. */
  readonly peerUsesPrivateAddress?: boolean;
  /** Client Characteristic Configuration values this peer wrote to our server, by attribute handle. */
  readonly cccd?: Readonly<Record<string, number>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Our own identity, kept so it survives restarts (Vol 3 Part C 10.7; Vol 6 Part B 1.3.2.1). */
export interface LocalIdentity {
  /** Our IRK, hex; distributed to peers so they can resolve our RPAs. */
  readonly irk: string;
  /** A static random address we generated because the controller has no public one. */
  readonly staticAddress?: string;
}

export interface BondFileContents {
  readonly version: 1;
  readonly local?: LocalIdentity;
  readonly bonds: Readonly<Record<string, BondRecord>>;
}

export const EMPTY_CONTENTS: BondFileContents = { version: 1, bonds: {} };

const HEX = /^[0-9a-f]*$/;

function isHex(value: unknown, octets: number): value is string {
  return typeof value === 'string' && value.length === octets * 2 && HEX.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkLtk(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return `${where} is not an object`;
  if (!isHex(value.ltk, 16)) return `${where}.ltk is not 16 octets of hex`;
  if (!isHex(value.rand, 8)) return `${where}.rand is not 8 octets of hex`;
  if (!Number.isInteger(value.ediv) || (value.ediv as number) < 0 || (value.ediv as number) > 0xffff)
    return `${where}.ediv is not a 16-bit number`;
  if (!Number.isInteger(value.keySize) || (value.keySize as number) < 7 || (value.keySize as number) > 16)
    return `${where}.keySize is not 7..16`;
  if (typeof value.authenticated !== 'boolean' || typeof value.sc !== 'boolean')
    return `${where} lacks authenticated/sc flags`;
  return undefined;
}

function checkCsrk(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || !isHex(value.csrk, 16)) return `${where}.csrk is not 16 octets of hex`;
  if (!Number.isInteger(value.signCounter) || (value.signCounter as number) < 0)
    return `${where}.signCounter is not a counter`;
  if (typeof value.authenticated !== 'boolean') return `${where}.authenticated is not a boolean`;
  return undefined;
}

function checkBond(key: string, value: unknown): string | undefined {
  const where = `bonds["${key}"]`;
  if (!isObject(value)) return `${where} is not an object`;
  if (value.address !== key) return `${where}.address does not match its key`;
  if (value.peerIrk !== undefined && !isHex(value.peerIrk, 16))
    return `${where}.peerIrk is not 16 octets of hex`;
  if (
    value.cccd !== undefined &&
    (!isObject(value.cccd) || !Object.values(value.cccd).every(Number.isInteger))
  )
    return `${where}.cccd is not a map of numbers`;
  if (typeof value.createdAt !== 'string' || typeof value.updatedAt !== 'string')
    return `${where} lacks timestamps`;
  return (
    checkLtk(value.peerLtk, `${where}.peerLtk`) ??
    checkLtk(value.localLtk, `${where}.localLtk`) ??
    checkCsrk(value.peerCsrk, `${where}.peerCsrk`) ??
    checkCsrk(value.localCsrk, `${where}.localCsrk`)
  );
}

/** Checks a parsed file completely, so that a half-valid file is reported rather than half-used. */
export function validateBondFile(parsed: unknown): Result<BondFileContents, string> {
  if (!isObject(parsed)) return err('the top level is not an object');
  if (parsed.version !== 1) return err(`unknown version ${JSON.stringify(parsed.version)} (expected 1)`);
  if (!isObject(parsed.bonds)) return err('"bonds" is not an object');
  if (parsed.local !== undefined) {
    if (!isObject(parsed.local) || !isHex(parsed.local.irk, 16))
      return err('local.irk is not 16 octets of hex');
    if (parsed.local.staticAddress !== undefined && typeof parsed.local.staticAddress !== 'string')
      return err('local.staticAddress is not a string');
  }
  for (const [key, value] of Object.entries(parsed.bonds)) {
    const problem = checkBond(key, value);
    if (problem) return err(problem);
  }
  return ok(parsed as unknown as BondFileContents);
}
