/**
 * SMP PDU encoding, the exact inverse of `decodeSmpPdu` for every value it returns. RFU bits are sent as 0.
 * A field of the wrong length is a programming error of the caller and yields an SmpError (Invalid Parameters).
 * Core 6.0 Vol 3 Part H 3.5-3.6.
 */
import { IdentityAddressType, OobDataFlag, PairingFailedReason, SmpOpcode } from '../constants.js';
import { encodeAuthReq, encodeKeyDistribution } from './fields.js';
import { SmpError } from './smp-error.js';
import type { PairingFeatures, SmpPdu } from './types.js';

function field(name: string, value: Uint8Array, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new SmpError(PairingFailedReason.invalidParameters, `${name} must be ${length} octets`);
  }
  return value;
}

function octets(opcode: number, ...parts: (number | Uint8Array)[]): Uint8Array {
  const bytes: number[] = [opcode];
  for (const part of parts) {
    if (typeof part === 'number') bytes.push(part & 0xff);
    else bytes.push(...part);
  }
  return Uint8Array.from(bytes);
}

function features(opcode: number, f: PairingFeatures): Uint8Array {
  return octets(
    opcode,
    f.ioCapability,
    f.oobDataFlag ? OobDataFlag.present : OobDataFlag.notPresent,
    encodeAuthReq(f.authReq),
    f.maxKeySize,
    encodeKeyDistribution(f.initiatorKeyDistribution),
    encodeKeyDistribution(f.responderKeyDistribution),
  );
}

/** Encodes one SMP PDU (opcode first). Throws SmpError only for fields of the wrong length. */
export function encodeSmpPdu(pdu: SmpPdu): Uint8Array {
  switch (pdu.op) {
    case 'pairing-request':
      return features(SmpOpcode.pairingRequest, pdu);
    case 'pairing-response':
      return features(SmpOpcode.pairingResponse, pdu);
    case 'pairing-confirm':
      return octets(SmpOpcode.pairingConfirm, field('confirm', pdu.confirm, 16));
    case 'pairing-random':
      return octets(SmpOpcode.pairingRandom, field('random', pdu.random, 16));
    case 'pairing-failed':
      return octets(SmpOpcode.pairingFailed, pdu.reason);
    case 'encryption-information':
      return octets(SmpOpcode.encryptionInformation, field('ltk', pdu.ltk, 16));
    case 'central-identification':
      return octets(
        SmpOpcode.centralIdentification,
        pdu.ediv & 0xff,
        pdu.ediv >> 8,
        field('rand', pdu.rand, 8),
      );
    case 'identity-information':
      return octets(SmpOpcode.identityInformation, field('irk', pdu.irk, 16));
    case 'identity-address-information': {
      const type =
        pdu.addressType === 'public' ? IdentityAddressType.public : IdentityAddressType.staticRandom;
      return octets(SmpOpcode.identityAddressInformation, type, field('address', pdu.address, 6));
    }
    case 'signing-information':
      return octets(SmpOpcode.signingInformation, field('csrk', pdu.csrk, 16));
    case 'security-request':
      return octets(SmpOpcode.securityRequest, encodeAuthReq(pdu.authReq));
    case 'pairing-public-key':
      return octets(SmpOpcode.pairingPublicKey, field('x', pdu.x, 32), field('y', pdu.y, 32));
    case 'pairing-dhkey-check':
      return octets(SmpOpcode.pairingDhKeyCheck, field('check', pdu.check, 16));
    case 'keypress-notification':
      return octets(SmpOpcode.pairingKeypressNotification, pdu.notificationType);
  }
}
