/**
 * Decoded SMP PDUs as a discriminated union on `op`. Multi-octet values stay in on-air order (least
 * significant octet first), exactly as they sit in the PDU. Core 6.0 Vol 3 Part H 3.5 and 3.6.
 */
import type { Result } from '@tsble/base';
import type { IoCapability, KeypressNotificationType } from '../constants.js';
import type { SmpError } from './smp-error.js';

/** The AuthReq octet, decoded. RFU bits (6-7) and reserved Bonding_Flags values are dropped. */
export interface AuthReq {
  bonding: boolean;
  mitm: boolean;
  sc: boolean;
  keypress: boolean;
  ct2: boolean;
}

/** A Key Distribution field, decoded. RFU bits (4-7) are dropped. Core 6.0 Vol 3 Part H 3.6.1. */
export interface KeyDistribution {
  encKey: boolean;
  idKey: boolean;
  signKey: boolean;
  linkKey: boolean;
}

/** The parameters shared by Pairing Request and Pairing Response. Core 6.0 Vol 3 Part H 3.5.1 and 3.5.2. */
export interface PairingFeatures {
  ioCapability: IoCapability;
  oobDataFlag: boolean;
  authReq: AuthReq;
  maxKeySize: number;
  initiatorKeyDistribution: KeyDistribution;
  responderKeyDistribution: KeyDistribution;
}

export type SmpPdu =
  | ({ op: 'pairing-request' } & PairingFeatures)
  | ({ op: 'pairing-response' } & PairingFeatures)
  | { op: 'pairing-confirm'; confirm: Uint8Array }
  | { op: 'pairing-random'; random: Uint8Array }
  | { op: 'pairing-failed'; reason: number }
  | { op: 'encryption-information'; ltk: Uint8Array }
  | { op: 'central-identification'; ediv: number; rand: Uint8Array }
  | { op: 'identity-information'; irk: Uint8Array }
  | { op: 'identity-address-information'; addressType: 'public' | 'random'; address: Uint8Array }
  | { op: 'signing-information'; csrk: Uint8Array }
  | { op: 'security-request'; authReq: AuthReq }
  | { op: 'pairing-public-key'; x: Uint8Array; y: Uint8Array }
  | { op: 'pairing-dhkey-check'; check: Uint8Array }
  | { op: 'keypress-notification'; notificationType: KeypressNotificationType };

export type SmpPduName = SmpPdu['op'];

/** The result of decoding: the PDU, or the error naming the Pairing Failed reason to answer with. */
export type DecodeResult = Result<SmpPdu, SmpError>;
