/** Codecs for the bit-field octets shared by several PDUs. Core 6.0 Vol 3 Part H 3.5.1 and 3.6.1. */
import { AuthReqBits, KeyDistributionBits } from '../constants.js';
import type { AuthReq, KeyDistribution } from './types.js';

export function decodeAuthReq(octet: number): AuthReq {
  return {
    // Only 0b01 means Bonding; the reserved values 0b10/0b11 are treated as No Bonding.
    bonding: (octet & AuthReqBits.BondingFlagsMask) === AuthReqBits.Bonding,
    mitm: (octet & AuthReqBits.Mitm) !== 0,
    sc: (octet & AuthReqBits.SecureConnections) !== 0,
    keypress: (octet & AuthReqBits.Keypress) !== 0,
    ct2: (octet & AuthReqBits.Ct2) !== 0,
  };
}

/** The AuthReq octet with RFU bits 0, as a sender must set them. */
export function encodeAuthReq(authReq: AuthReq): number {
  return (
    (authReq.bonding ? AuthReqBits.Bonding : 0) |
    (authReq.mitm ? AuthReqBits.Mitm : 0) |
    (authReq.sc ? AuthReqBits.SecureConnections : 0) |
    (authReq.keypress ? AuthReqBits.Keypress : 0) |
    (authReq.ct2 ? AuthReqBits.Ct2 : 0)
  );
}

export function decodeKeyDistribution(octet: number): KeyDistribution {
  return {
    encKey: (octet & KeyDistributionBits.EncKey) !== 0,
    idKey: (octet & KeyDistributionBits.IdKey) !== 0,
    signKey: (octet & KeyDistributionBits.SignKey) !== 0,
    linkKey: (octet & KeyDistributionBits.LinkKey) !== 0,
  };
}

export function encodeKeyDistribution(dist: KeyDistribution): number {
  return (
    (dist.encKey ? KeyDistributionBits.EncKey : 0) |
    (dist.idKey ? KeyDistributionBits.IdKey : 0) |
    (dist.signKey ? KeyDistributionBits.SignKey : 0) |
    (dist.linkKey ? KeyDistributionBits.LinkKey : 0)
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
