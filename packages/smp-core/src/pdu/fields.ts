/** Codecs for the bit-field octets shared by several PDUs. Core 6.0 Vol 3 Part H 3.5.1 and 3.6.1. */
import { AuthReqBits, KeyDistributionBits } from '../constants.js';
import type { AuthReq, KeyDistribution } from './types.js';

export function decodeAuthReq(octet: number): AuthReq {
  return {
    // Only 0b01 means Bonding; the reserved values 0b10/0b11 are treated as No Bonding.
    bonding: (octet & AuthReqBits.bondingFlagsMask) === AuthReqBits.bonding,
    mitm: (octet & AuthReqBits.mitm) !== 0,
    sc: (octet & AuthReqBits.secureConnections) !== 0,
    keypress: (octet & AuthReqBits.keypress) !== 0,
    ct2: (octet & AuthReqBits.ct2) !== 0,
  };
}

/** The AuthReq octet with RFU bits 0, as a sender must set them. */
export function encodeAuthReq(authReq: AuthReq): number {
  return (
    (authReq.bonding ? AuthReqBits.bonding : 0) |
    (authReq.mitm ? AuthReqBits.mitm : 0) |
    (authReq.sc ? AuthReqBits.secureConnections : 0) |
    (authReq.keypress ? AuthReqBits.keypress : 0) |
    (authReq.ct2 ? AuthReqBits.ct2 : 0)
  );
}

export function decodeKeyDistribution(octet: number): KeyDistribution {
  return {
    encKey: (octet & KeyDistributionBits.encKey) !== 0,
    idKey: (octet & KeyDistributionBits.idKey) !== 0,
    signKey: (octet & KeyDistributionBits.signKey) !== 0,
    linkKey: (octet & KeyDistributionBits.linkKey) !== 0,
  };
}

export function encodeKeyDistribution(dist: KeyDistribution): number {
  return (
    (dist.encKey ? KeyDistributionBits.encKey : 0) |
    (dist.idKey ? KeyDistributionBits.idKey : 0) |
    (dist.signKey ? KeyDistributionBits.signKey : 0) |
    (dist.linkKey ? KeyDistributionBits.linkKey : 0)
  );
}

/** The intersection of two key distribution fields (what both sides agreed to). */
export function intersectKeyDistribution(a: KeyDistribution, b: KeyDistribution): KeyDistribution {
  return {
    encKey: a.encKey && b.encKey,
    idKey: a.idKey && b.idKey,
    signKey: a.signKey && b.signKey,
    linkKey: a.linkKey && b.linkKey,
  };
}

export const NO_KEYS: KeyDistribution = Object.freeze({
  encKey: false,
  idKey: false,
  signKey: false,
  linkKey: false,
});
