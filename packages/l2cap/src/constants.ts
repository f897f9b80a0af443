/**
 * L2CAP protocol facts for LE (Core 6.0 Vol 3 Part A). Every block cites the section it comes from.
 */

/** Basic L2CAP header: Length (2) + Channel ID (2). Core 6.0 Vol 3 Part A 3.1 */
export const BASIC_HEADER_LENGTH = 4;

/** LE fixed channel identifiers. Core 6.0 Vol 3 Part A 2.1, Table 2.3 */
export const FixedCid = {
  att: 0x0004,
  leSignaling: 0x0005,
  smp: 0x0006,
} as const;

/** Dynamically allocated CIDs on an LE-U logical link. Core 6.0 Vol 3 Part A 2.1, Table 2.3 */
export const DYNAMIC_CID_FIRST = 0x0040;
export const DYNAMIC_CID_LAST = 0x007f;

/** LE signaling command codes. Core 6.0 Vol 3 Part A 4, Table 4.2 */
export const SignalingCode = {
  commandReject: 0x01,
  disconnectionRequest: 0x06,
  disconnectionResponse: 0x07,
  connectionParameterUpdateRequest: 0x12,
  connectionParameterUpdateResponse: 0x13,
  leCreditBasedConnectionRequest: 0x14,
  leCreditBasedConnectionResponse: 0x15,
  flowControlCreditIndication: 0x16,
} as const;
export type SignalingCode = (typeof SignalingCode)[keyof typeof SignalingCode];

/** Signaling command header: Code (1) + Identifier (1) + Length (2). Core 6.0 Vol 3 Part A 4 */
export const SIGNALING_HEADER_LENGTH = 4;

/** Minimum LE signaling MTU (MTUsig); we accept no larger C-frame. Core 6.0 Vol 3 Part A 4 */
export const LE_SIGNALING_MTU = 23;

/** Command Reject reasons. Core 6.0 Vol 3 Part A 4.1, Table 4.3 */
export const CommandRejectReason = {
  commandNotUnderstood: 0x0000,
  signalingMtuExceeded: 0x0001,
  invalidCidInRequest: 0x0002,
} as const;

/** Connection Parameter Update Response result. Core 6.0 Vol 3 Part A 4.21 */
export const ConnectionParameterUpdateResult = {
  accepted: 0x0000,
  rejected: 0x0001,
} as const;

/** LE Credit Based Connection Response results. Core 6.0 Vol 3 Part A 4.23, Table 4.25 */
export const LeCreditBasedConnectionResult = {
  success: 0x0000,
  spsmNotSupported: 0x0002,
  noResourcesAvailable: 0x0004,
  insufficientAuthentication: 0x0005,
  insufficientAuthorization: 0x0006,
  insufficientEncryptionKeySize: 0x0007,
  insufficientEncryption: 0x0008,
  invalidSourceCid: 0x0009,
  sourceCidAlreadyAllocated: 0x000a,
  unacceptableParameters: 0x000b,
} as const;
export type LeCreditBasedConnectionResult =
  (typeof LeCreditBasedConnectionResult)[keyof typeof LeCreditBasedConnectionResult];

/** LE credit-based channel limits. Core 6.0 Vol 3 Part A 4.22 */
export const LE_CREDIT_MIN_MTU = 23;
export const LE_CREDIT_MIN_MPS = 23;
export const LE_CREDIT_MAX_MPS = 65533;
export const LE_CREDIT_MAX_CREDITS = 65535;
/** SPSM ranges: 0x0001-0x007F fixed by the SIG, 0x0080-0x00FF dynamic. Core 6.0 Vol 3 Part A 4.22 */
export const SPSM_MIN = 0x0001;
export const SPSM_MAX = 0x00ff;

/** The first K-frame of an SDU carries a 2-octet SDU Length. Core 6.0 Vol 3 Part A 3.4.3 */
export const SDU_LENGTH_FIELD = 2;

/** Signaling response timeout RTX: 1 to 60 s. Core 6.0 Vol 3 Part A 6.2.1 */
export const RTX_TIMEOUT_MS = 30_000;
