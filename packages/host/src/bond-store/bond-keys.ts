/**
 * Between smp-core's Bond (bytes, as the pairing session produces and consumes it) and the store's BondRecord
 * (hex, as the file keeps it).
 */
import {
  type Address,
  formatAddress,
  fromHex,
  isResolvablePrivateAddress,
  parseAddress,
  toHex,
} from '@tsble/base';
import type { Bond, LongTermKey } from '@tsble/smp-core';
import type { BondRecord, CsrkRecord, LtkRecord } from './bond-record.js';

/** The address a bond is stored under: the identity the peer distributed, else the address it paired from. */
export function bondIdentity(bond: Bond): string {
  return formatAddress(bond.peerIdentityAddress ?? bond.peerAddress);
}

function ltkRecord(ltk: LongTermKey | undefined, bond: Bond): LtkRecord | undefined {
  if (!ltk) return undefined;
  return {
    ltk: toHex(ltk.key),
    ediv: ltk.ediv,
    rand: toHex(ltk.rand),
    keySize: bond.keySize,
    authenticated: bond.authenticated,
    sc: bond.sc,
  };
}

function csrkRecord(
  csrk: Uint8Array | undefined,
  bond: Bond,
  previous: CsrkRecord | undefined,
): CsrkRecord | undefined {
  if (!csrk) return undefined;
  const hex = toHex(csrk);
  // A new key restarts its SignCounter (Vol 3 Part C 10.4.1); the same key keeps counting.
  return {
    csrk: hex,
    signCounter: previous?.csrk === hex ? previous.signCounter : 0,
    authenticated: bond.authenticated,
  };
}

/** The record to store for a fresh bond; CCCD state of the same peer is kept (a re-pairing keeps subscriptions). */
export function recordFromBond(
  bond: Bond,
  previous?: BondRecord,
  /** The address the peer used on the link it paired over. */
  linkAddress?: Address,
): Omit<BondRecord, 'createdAt' | 'updatedAt'> {
  const record: { -readonly [K in keyof BondRecord]?: BondRecord[K] } = { address: bondIdentity(bond) };
  const peerLtk = ltkRecord(bond.peerLtk, bond);
  const localLtk = ltkRecord(bond.localLtk, bond);
  if (peerLtk) record.peerLtk = peerLtk;
  if (localLtk) record.localLtk = localLtk;
  if (bond.peerIrk) record.peerIrk = toHex(bond.peerIrk);
  const linkRpa = linkAddress !== undefined && isResolvablePrivateAddress(linkAddress);
  if (linkRpa || previous?.peerUsesPrivateAddress) record.peerUsesPrivateAddress = true;
  const peerCsrk = csrkRecord(bond.peerCsrk, bond, previous?.peerCsrk);
  const localCsrk = csrkRecord(bond.localCsrk, bond, previous?.localCsrk);
  if (peerCsrk) record.peerCsrk = peerCsrk;
  if (localCsrk) record.localCsrk = localCsrk;
  if (previous?.cccd) record.cccd = previous.cccd;
  return record as Omit<BondRecord, 'createdAt' | 'updatedAt'>;
}

function ltkFromRecord(record: LtkRecord | undefined): LongTermKey | undefined {
  return record ? { key: fromHex(record.ltk), ediv: record.ediv, rand: fromHex(record.rand) } : undefined;
}

/** What smp-core needs to know about a stored bond (for Security Requests and the no-downgrade rule). */
export function bondFromRecord(record: BondRecord): Bond | undefined {
  const parsed = parseAddress(record.address);
  if (!parsed.ok) return undefined;
  const strength = record.peerLtk ?? record.localLtk;
  const bond: Bond = {
    peerAddress: parsed.value,
    peerIdentityAddress: parsed.value,
    keySize: strength?.keySize ?? 16,
    authenticated: strength?.authenticated ?? false,
    sc: strength?.sc ?? false,
    linkKey: false,
    ct2: false,
  };
  const peerLtk = ltkFromRecord(record.peerLtk);
  const localLtk = ltkFromRecord(record.localLtk);
  if (peerLtk) bond.peerLtk = peerLtk;
  if (localLtk) bond.localLtk = localLtk;
  if (record.peerIrk) bond.peerIrk = fromHex(record.peerIrk);
  if (record.peerCsrk) bond.peerCsrk = fromHex(record.peerCsrk.csrk);
  if (record.localCsrk) bond.localCsrk = fromHex(record.localCsrk.csrk);
  return bond;
}

/** Security level of a stored key (Vol 3 Part C 10.2.1). */
export function recordSecurityLevel(ltk: LtkRecord): 1 | 2 | 3 | 4 {
  if (!ltk.authenticated) return 2;
  return ltk.sc && ltk.keySize === 16 ? 4 : 3;
}
