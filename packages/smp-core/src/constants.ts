/**
 * Security Manager Protocol constants. Every block cites the section of the Core Specification 6.0,
 * Vol 3 Part H (Security Manager Specification) that defines it.
 */

/** The LE fixed L2CAP channel that carries SMP. Core 6.0 Vol 3 Part A 2.1, Table 2.3. */
export const SMP_CID = 0x0006;

/** SMP command codes. Core 6.0 Vol 3 Part H 3.3, Table 3.3. */
export const SmpOpcode = {
  PairingRequest: 0x01,
  PairingResponse: 0x02,
  PairingConfirm: 0x03,
  PairingRandom: 0x04,
  PairingFailed: 0x05,
  EncryptionInformation: 0x06,
  CentralIdentification: 0x07,
  IdentityInformation: 0x08,
  IdentityAddressInformation: 0x09,
  SigningInformation: 0x0a,
  SecurityRequest: 0x0b,
  PairingPublicKey: 0x0c,
  PairingDhKeyCheck: 0x0d,
  PairingKeypressNotification: 0x0e,
} as const;
export type SmpOpcode = (typeof SmpOpcode)[keyof typeof SmpOpcode];

/** Pairing Failed reason codes. Core 6.0 Vol 3 Part H 3.5.5, Table 3.7. */
export const PairingFailedReason = {
  PasskeyEntryFailed: 0x01,
  OobNotAvailable: 0x02,
  AuthenticationRequirements: 0x03,
  ConfirmValueFailed: 0x04,
  PairingNotSupported: 0x05,
  EncryptionKeySize: 0x06,
  CommandNotSupported: 0x07,
  UnspecifiedReason: 0x08,
  RepeatedAttempts: 0x09,
  InvalidParameters: 0x0a,
  DhKeyCheckFailed: 0x0b,
  NumericComparisonFailed: 0x0c,
  BrEdrPairingInProgress: 0x0d,
  CrossTransportKeyDerivationNotAllowed: 0x0e,
  KeyRejected: 0x0f,
  Busy: 0x10,
} as const;
/** A reason code; a peer may send values this table does not name, so any octet is representable. */
export type PairingFailedReason = (typeof PairingFailedReason)[keyof typeof PairingFailedReason];

/** IO Capability values. Core 6.0 Vol 3 Part H 3.5.1, Table 3.4 (0x05..0xFF reserved). */
export const IoCapability = {
  DisplayOnly: 0x00,
  DisplayYesNo: 0x01,
  KeyboardOnly: 0x02,
  NoInputNoOutput: 0x03,
  KeyboardDisplay: 0x04,
} as const;
export type IoCapability = (typeof IoCapability)[keyof typeof IoCapability];

/** OOB data flag values. Core 6.0 Vol 3 Part H 3.5.1, Table 3.5 (0x02..0xFF reserved). */
export const OobDataFlag = { NotPresent: 0x00, Present: 0x01 } as const;

/**
 * AuthReq field bits. Core 6.0 Vol 3 Part H 3.5.1, Figure 3.3 and Table 3.6 (Bonding_Flags).
 * Bits 6-7 are RFU: ignored on receipt, sent as 0.
 */
export const AuthReqBits = {
  /** Bonding_Flags occupy bits 0-1; 0b01 = Bonding, 0b00 = No Bonding, 0b10 and 0b11 reserved. */
  BondingFlagsMask: 0x03,
  Bonding: 0x01,
  Mitm: 0x04,
  SecureConnections: 0x08,
  Keypress: 0x10,
  Ct2: 0x20,
  /** Every bit this version of the spec defines. */
  DefinedMask: 0x3f,
} as const;

/**
 * Key Distribution field bits (Initiator/Responder Key Distribution). Core 6.0 Vol 3 Part H 3.6.1,
 * Figure 3.11. Bits 4-7 are RFU.
 */
export const KeyDistributionBits = {
  EncKey: 0x01,
  IdKey: 0x02,
  SignKey: 0x04,
  LinkKey: 0x08,
  DefinedMask: 0x0f,
} as const;

/** Keypress Notification types. Core 6.0 Vol 3 Part H 3.5.8, Table 3.8 (0x05..0xFF reserved). */
export const KeypressNotificationType = {
  PasskeyEntryStarted: 0x00,
  PasskeyDigitEntered: 0x01,
  PasskeyDigitErased: 0x02,
  PasskeyCleared: 0x03,
  PasskeyEntryCompleted: 0x04,
} as const;
export type KeypressNotificationType =
  (typeof KeypressNotificationType)[keyof typeof KeypressNotificationType];

/** Identity Address Information AddrType. Core 6.0 Vol 3 Part H 3.6.5 (0x00 public, 0x01 static random). */
export const IdentityAddressType = { Public: 0x00, StaticRandom: 0x01 } as const;

/** Encryption key size bounds in octets. Core 6.0 Vol 3 Part H 2.3.4 and 3.5.1 (Maximum Encryption Key Size). */
export const MIN_ENCRYPTION_KEY_SIZE = 7;
export const MAX_ENCRYPTION_KEY_SIZE = 16;

/** The SMP timeout: 30 s after the last SMP command was queued for transmission. Core 6.0 Vol 3 Part H 3.4. */
export const SMP_TIMEOUT_MS = 30_000;

/** Passkeys are six decimal digits, 000000..999999. Core 6.0 Vol 3 Part H 2.3.5.3. */
export const MAX_PASSKEY = 999_999;

/** Passkey Entry runs one commitment round per passkey bit, 20 rounds. Core 6.0 Vol 3 Part H 2.3.5.6.3. */
export const PASSKEY_ROUNDS = 20;
