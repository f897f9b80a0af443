/**
 * Security Manager Protocol constants. Every block cites the section of the Core Specification 6.0,
 * Vol 3 Part H (Security Manager Specification) that defines it.
 */

/** The LE fixed L2CAP channel that carries SMP. Core 6.0 Vol 3 Part A 2.1, Table 2.3. */
export const SMP_CID = 0x0006;

/** SMP command codes. Core 6.0 Vol 3 Part H 3.3, Table 3.3. */
export const SmpOpcode = {
  pairingRequest: 0x01,
  pairingResponse: 0x02,
  pairingConfirm: 0x03,
  pairingRandom: 0x04,
  pairingFailed: 0x05,
  encryptionInformation: 0x06,
  centralIdentification: 0x07,
  identityInformation: 0x08,
  identityAddressInformation: 0x09,
  signingInformation: 0x0a,
  securityRequest: 0x0b,
  pairingPublicKey: 0x0c,
  pairingDhKeyCheck: 0x0d,
  pairingKeypressNotification: 0x0e,
} as const;
export type SmpOpcode = (typeof SmpOpcode)[keyof typeof SmpOpcode];

/** Pairing Failed reason codes. Core 6.0 Vol 3 Part H 3.5.5, Table 3.7. */
export const PairingFailedReason = {
  passkeyEntryFailed: 0x01,
  oobNotAvailable: 0x02,
  authenticationRequirements: 0x03,
  confirmValueFailed: 0x04,
  pairingNotSupported: 0x05,
  encryptionKeySize: 0x06,
  commandNotSupported: 0x07,
  unspecifiedReason: 0x08,
  repeatedAttempts: 0x09,
  invalidParameters: 0x0a,
  dhKeyCheckFailed: 0x0b,
  numericComparisonFailed: 0x0c,
  brEdrPairingInProgress: 0x0d,
  crossTransportKeyDerivationNotAllowed: 0x0e,
  keyRejected: 0x0f,
  busy: 0x10,
} as const;
/** A reason code; a peer may send values this table does not name, so any octet is representable. */
export type PairingFailedReason = (typeof PairingFailedReason)[keyof typeof PairingFailedReason];

/** IO Capability values. Core 6.0 Vol 3 Part H 3.5.1, Table 3.4 (0x05..0xFF reserved). */
export const IoCapability = {
  displayOnly: 0x00,
  displayYesNo: 0x01,
  keyboardOnly: 0x02,
  noInputNoOutput: 0x03,
  keyboardDisplay: 0x04,
} as const;
export type IoCapability = (typeof IoCapability)[keyof typeof IoCapability];

/** OOB data flag values. Core 6.0 Vol 3 Part H 3.5.1, Table 3.5 (0x02..0xFF reserved). */
export const OobDataFlag = { notPresent: 0x00, present: 0x01 } as const;

/**
 * AuthReq field bits. Core 6.0 Vol 3 Part H 3.5.1, Figure 3.3 and Table 3.6 (Bonding_Flags).
 * Bits 6-7 are RFU: ignored on receipt, sent as 0.
 */
export const AuthReqBits = {
  /** Bonding_Flags occupy bits 0-1; 0b01 = Bonding, 0b00 = No Bonding, 0b10 and 0b11 reserved. */
  bondingFlagsMask: 0x03,
  bonding: 0x01,
  mitm: 0x04,
  secureConnections: 0x08,
  keypress: 0x10,
  ct2: 0x20,
  /** Every bit this version of the spec defines. */
  definedMask: 0x3f,
} as const;

/**
 * Key Distribution field bits (Initiator/Responder Key Distribution). Core 6.0 Vol 3 Part H 3.6.1,
 * Figure 3.11. Bits 4-7 are RFU.
 */
export const KeyDistributionBits = {
  encKey: 0x01,
  idKey: 0x02,
  signKey: 0x04,
  linkKey: 0x08,
  definedMask: 0x0f,
} as const;

/** Keypress Notification types. Core 6.0 Vol 3 Part H 3.5.8, Table 3.8 (0x05..0xFF reserved). */
export const KeypressNotificationType = {
  passkeyEntryStarted: 0x00,
  passkeyDigitEntered: 0x01,
  passkeyDigitErased: 0x02,
  passkeyCleared: 0x03,
  passkeyEntryCompleted: 0x04,
} as const;
export type KeypressNotificationType =
  (typeof KeypressNotificationType)[keyof typeof KeypressNotificationType];

/** Identity Address Information AddrType. Core 6.0 Vol 3 Part H 3.6.5 (0x00 public, 0x01 static random). */
export const IdentityAddressType = { public: 0x00, staticRandom: 0x01 } as const;

/** Encryption key size bounds in octets. Core 6.0 Vol 3 Part H 2.3.4 and 3.5.1 (Maximum Encryption Key Size). */
export const MIN_ENCRYPTION_KEY_SIZE = 7;
export const MAX_ENCRYPTION_KEY_SIZE = 16;

/** The SMP timeout: 30 s after the last SMP command was queued for transmission. Core 6.0 Vol 3 Part H 3.4. */
export const SMP_TIMEOUT_MS = 30_000;

/** Passkeys are six decimal digits, 000000..999999. Core 6.0 Vol 3 Part H 2.3.5.3. */
export const MAX_PASSKEY = 999_999;

/** Passkey Entry runs one commitment round per passkey bit, 20 rounds. Core 6.0 Vol 3 Part H 2.3.5.6.3. */
export const PASSKEY_ROUNDS = 20;
