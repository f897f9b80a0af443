/**
 * Constants of the SMP cryptographic toolbox, Core 6.0 Vol 3 Part H 2.2. Values the spec prints as
 * numbers are stored here the way the code consumes them (noted per constant).
 */
import { RandomAddressSubType } from '@tsble/base';

/** f5's SALT, Vol 3 Part H 2.2.7: 0x6C888391_AAF5A538_60370BDB_5A6083BE, AES byte order (the CMAC key). */
export const F5_SALT = Uint8Array.from([
  0x6c, 0x88, 0x83, 0x91, 0xaa, 0xf5, 0xa5, 0x38, 0x60, 0x37, 0x0b, 0xdb, 0x5a, 0x60, 0x83, 0xbe,
]);

/** f5's keyID, Vol 3 Part H 2.2.7: 0x62746c65 ("btle"), in message (AES) byte order. */
export const F5_KEY_ID = Uint8Array.from([0x62, 0x74, 0x6c, 0x65]);

/** f5's Length field, Vol 3 Part H 2.2.7: 256 (bits of key material), two octets, AES byte order. */
export const F5_LENGTH = Uint8Array.from([0x01, 0x00]);

/** h6 key IDs of cross-transport key derivation, Vol 3 Part H 2.4.2.4 and 2.4.2.5 (ASCII). */
export const KEY_ID = {
  tmp1: 'tmp1',
  lebr: 'lebr',
  tmp2: 'tmp2',
  brle: 'brle',
} as const;

/**
 * h7 SALTs of cross-transport key derivation (used when both sides set CT2), Vol 3 Part H 2.4.2.4/2.4.2.5:
 * 0x00000000_00000000_00000000_746D7031 ("tmp1") and ..._746D7032 ("tmp2"). On-air order (least
 * significant octet first), because h7 takes its salt that way.
 */
export const CTKD_SALT_TMP1 = Uint8Array.from([0x31, 0x70, 0x6d, 0x74, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
export const CTKD_SALT_TMP2 = Uint8Array.from([0x32, 0x70, 0x6d, 0x74, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * Resolvable private address, Vol 6 Part B 1.3.2.2: the two most significant bits of prand (bits 47..46 of
 * the address) are 0b01. In on-air order they sit in the top of the last octet.
 */
export const RPA_TYPE_MASK = 0xc0;
export const RPA_TYPE_BITS = RandomAddressSubType.resolvable << 6;

/** Octet counts of the toolbox's values (Vol 3 Part H 2.2). */
export const LENGTH = {
  key: 16,
  nonce: 16,
  p256Coordinate: 32,
  dhKey: 32,
  address: 6,
  addressWithType: 7,
  ioCap: 3,
  pairingPdu: 7,
  prand: 3,
  hash: 3,
} as const;
