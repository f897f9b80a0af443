/**
 * SMP PDU decoding: one decoder per command, dispatched by a table keyed on the opcode. Decoding checks the
 * exact length and every field range, never reads past the buffer, copies what it keeps (so callers may reuse
 * their buffers) and never throws. Core 6.0 Vol 3 Part H 3.3 (command format) and 3.5-3.6 (commands).
 */
import { hexNumber } from '@tsble/base';
import {
  IdentityAddressType,
  IoCapability,
  KeypressNotificationType,
  MAX_ENCRYPTION_KEY_SIZE,
  MIN_ENCRYPTION_KEY_SIZE,
  OobDataFlag,
  PairingFailedReason,
  SmpOpcode,
} from '../constants.js';
import { decodeAuthReq, decodeKeyDistribution } from './fields.js';
import { SmpError } from './smp-error.js';
import type { DecodeResult, PairingFeatures, SmpPdu } from './types.js';

/** Total PDU length (opcode included) per command. Core 6.0 Vol 3 Part H 3.5 and 3.6, Figures 3.2-3.16. */
export const PDU_LENGTH: Readonly<Record<SmpOpcode, number>> = {
  [SmpOpcode.pairingRequest]: 7,
  [SmpOpcode.pairingResponse]: 7,
  [SmpOpcode.pairingConfirm]: 17,
  [SmpOpcode.pairingRandom]: 17,
  [SmpOpcode.pairingFailed]: 2,
  [SmpOpcode.encryptionInformation]: 17,
  [SmpOpcode.centralIdentification]: 11,
  [SmpOpcode.identityInformation]: 17,
  [SmpOpcode.identityAddressInformation]: 8,
  [SmpOpcode.signingInformation]: 17,
  [SmpOpcode.securityRequest]: 2,
  [SmpOpcode.pairingPublicKey]: 65,
  [SmpOpcode.pairingDhKeyCheck]: 17,
  [SmpOpcode.pairingKeypressNotification]: 2,
};

/** Decodes the parameters of a PDU whose opcode and length were already checked. */
type ParameterDecoder = (pdu: Uint8Array) => SmpPdu | SmpError;

const u8 = (pdu: Uint8Array, index: number): number => pdu[index] ?? 0;
const slice = (pdu: Uint8Array, from: number, length: number): Uint8Array => pdu.slice(from, from + length);

function decodePairingFeatures(pdu: Uint8Array): PairingFeatures | SmpError {
  const opcode = u8(pdu, 0);
  const ioCapability = u8(pdu, 1);
  if (ioCapability > IoCapability.keyboardDisplay) {
    return new SmpError(
      PairingFailedReason.invalidParameters,
      `reserved IO capability ${hexNumber(ioCapability)}`,
      opcode,
    );
  }
  const oob = u8(pdu, 2);
  if (oob !== OobDataFlag.notPresent && oob !== OobDataFlag.present) {
    return new SmpError(
      PairingFailedReason.invalidParameters,
      `reserved OOB data flag ${hexNumber(oob)}`,
      opcode,
    );
  }
  const maxKeySize = u8(pdu, 4);
  // A Maximum Encryption Key Size outside 7..16 can never be negotiated (Core 6.0 Vol 3 Part H 3.5.1).
  if (maxKeySize < MIN_ENCRYPTION_KEY_SIZE || maxKeySize > MAX_ENCRYPTION_KEY_SIZE) {
    return new SmpError(
      PairingFailedReason.encryptionKeySize,
      `maximum key size ${maxKeySize} outside 7..16`,
      opcode,
    );
  }
  return {
    ioCapability: ioCapability as IoCapability,
    oobDataFlag: oob === OobDataFlag.present,
    authReq: decodeAuthReq(u8(pdu, 3)),
    maxKeySize,
    initiatorKeyDistribution: decodeKeyDistribution(u8(pdu, 5)),
    responderKeyDistribution: decodeKeyDistribution(u8(pdu, 6)),
  };
}

const DECODERS: Readonly<Record<SmpOpcode, ParameterDecoder>> = {
  [SmpOpcode.pairingRequest]: (pdu) => {
    const features = decodePairingFeatures(pdu);
    return features instanceof SmpError ? features : { op: 'pairing-request', ...features };
  },
  [SmpOpcode.pairingResponse]: (pdu) => {
    const features = decodePairingFeatures(pdu);
    return features instanceof SmpError ? features : { op: 'pairing-response', ...features };
  },
  [SmpOpcode.pairingConfirm]: (pdu) => ({ op: 'pairing-confirm', confirm: slice(pdu, 1, 16) }),
  [SmpOpcode.pairingRandom]: (pdu) => ({ op: 'pairing-random', random: slice(pdu, 1, 16) }),
  // Any reason octet is reported as received: a peer may use codes newer than this table.
  [SmpOpcode.pairingFailed]: (pdu) => ({ op: 'pairing-failed', reason: u8(pdu, 1) }),
  [SmpOpcode.encryptionInformation]: (pdu) => ({ op: 'encryption-information', ltk: slice(pdu, 1, 16) }),
  [SmpOpcode.centralIdentification]: (pdu) => ({
    op: 'central-identification',
    ediv: u8(pdu, 1) | (u8(pdu, 2) << 8),
    rand: slice(pdu, 3, 8),
  }),
  [SmpOpcode.identityInformation]: (pdu) => ({ op: 'identity-information', irk: slice(pdu, 1, 16) }),
  [SmpOpcode.identityAddressInformation]: (pdu) => {
    const type = u8(pdu, 1);
    if (type !== IdentityAddressType.public && type !== IdentityAddressType.staticRandom) {
      return new SmpError(
        PairingFailedReason.invalidParameters,
        `reserved identity address type ${hexNumber(type)}`,
        0x09,
      );
    }
    return {
      op: 'identity-address-information',
      addressType: type === IdentityAddressType.public ? 'public' : 'random',
      address: slice(pdu, 2, 6),
    };
  },
  [SmpOpcode.signingInformation]: (pdu) => ({ op: 'signing-information', csrk: slice(pdu, 1, 16) }),
  [SmpOpcode.securityRequest]: (pdu) => ({ op: 'security-request', authReq: decodeAuthReq(u8(pdu, 1)) }),
  [SmpOpcode.pairingPublicKey]: (pdu) => ({
    op: 'pairing-public-key',
    x: slice(pdu, 1, 32),
    y: slice(pdu, 33, 32),
  }),
  [SmpOpcode.pairingDhKeyCheck]: (pdu) => ({ op: 'pairing-dhkey-check', check: slice(pdu, 1, 16) }),
  [SmpOpcode.pairingKeypressNotification]: (pdu) => {
    const type = u8(pdu, 1);
    if (type > KeypressNotificationType.passkeyEntryCompleted) {
      return new SmpError(
        PairingFailedReason.invalidParameters,
        `reserved keypress type ${hexNumber(type)}`,
        0x0e,
      );
    }
    return { op: 'keypress-notification', notificationType: type as KeypressNotificationType };
  },
};

/** True when `opcode` is a command this version of SMP defines (0x01..0x0E). */
export function isSmpOpcode(opcode: number): opcode is SmpOpcode {
  return Object.hasOwn(DECODERS, opcode);
}

/**
 * Decodes one SMP PDU (opcode first). Errors name the Pairing Failed reason to answer with: Command Not
 * Supported for an unknown opcode, Invalid Parameters for a wrong length or reserved value, Encryption Key
 * Size for a Maximum Encryption Key Size outside 7..16.
 */
export function decodeSmpPdu(pdu: Uint8Array): DecodeResult {
  if (!(pdu instanceof Uint8Array) || pdu.length === 0) {
    return { ok: false, error: new SmpError(PairingFailedReason.invalidParameters, 'empty SMP PDU') };
  }
  const opcode = u8(pdu, 0);
  if (!isSmpOpcode(opcode)) {
    const error = new SmpError(
      PairingFailedReason.commandNotSupported,
      `unknown SMP opcode ${hexNumber(opcode)}`,
      opcode,
    );
    return { ok: false, error };
  }
  const expected = PDU_LENGTH[opcode];
  if (pdu.length !== expected) {
    const message = `SMP opcode ${hexNumber(opcode)} must be ${expected} octets, got ${pdu.length}`;
    return { ok: false, error: new SmpError(PairingFailedReason.invalidParameters, message, opcode) };
  }
  const decoded = DECODERS[opcode](pdu);
  return decoded instanceof SmpError ? { ok: false, error: decoded } : { ok: true, value: decoded };
}
