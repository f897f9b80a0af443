/**
 * The lower tester's own SMP encoding (Core 6.0 Vol 3 Part H 3.5, 3.6). It writes raw octets so cases can set
 * RFU bits, reserved values and wrong lengths that tsble's codec would refuse to produce. Decoding of what the
 * IUT sends uses smp-core's decoder, which is tested against the spec separately.
 */
import { SmpOpcode } from '@tsble/smp-core';

/** The six octets after the opcode of Pairing Request / Response, exactly as they go on air. */
export interface LtFeatures {
  io: number;
  oob: boolean;
  /** The raw AuthReq octet (Figure 3.3): bonding 0x01, MITM 0x04, SC 0x08, keypress 0x10, CT2 0x20, RFU 0xC0. */
  authReq: number;
  maxKeySize: number;
  /** Raw Initiator / Responder Key Distribution octets (Figure 3.11): EncKey 1, IdKey 2, SignKey 4, LinkKey 8. */
  initKeys: number;
  respKeys: number;
}

export const AUTH = { bonding: 0x01, mitm: 0x04, sc: 0x08, keypress: 0x10, ct2: 0x20, rfu: 0xc0 } as const;
export const KEYS = { enc: 0x01, id: 0x02, sign: 0x04, link: 0x08 } as const;

export function featuresPdu(
  opcode: typeof SmpOpcode.pairingRequest | typeof SmpOpcode.pairingResponse,
  f: LtFeatures,
): Uint8Array {
  return Uint8Array.of(opcode, f.io, f.oob ? 1 : 0, f.authReq, f.maxKeySize, f.initKeys, f.respKeys);
}

export function featuresOf(pdu: Uint8Array): LtFeatures {
  return {
    io: pdu[1] ?? 0,
    oob: pdu[2] === 1,
    authReq: pdu[3] ?? 0,
    maxKeySize: pdu[4] ?? 0,
    initKeys: pdu[5] ?? 0,
    respKeys: pdu[6] ?? 0,
  };
}

export function withOpcode(opcode: number, ...parts: (Uint8Array | number[])[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 1);
  const out = new Uint8Array(length);
  out[0] = opcode;
  let at = 1;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const smp = {
  confirm: (value: Uint8Array) => withOpcode(SmpOpcode.pairingConfirm, value),
  random: (value: Uint8Array) => withOpcode(SmpOpcode.pairingRandom, value),
  failed: (reason: number) => Uint8Array.of(SmpOpcode.pairingFailed, reason),
  publicKey: (x: Uint8Array, y: Uint8Array) => withOpcode(SmpOpcode.pairingPublicKey, x, y),
  dhKeyCheck: (value: Uint8Array) => withOpcode(SmpOpcode.pairingDhKeyCheck, value),
  securityRequest: (authReq: number) => Uint8Array.of(SmpOpcode.securityRequest, authReq),
  encryptionInformation: (ltk: Uint8Array) => withOpcode(SmpOpcode.encryptionInformation, ltk),
  centralIdentification: (ediv: number, rand: Uint8Array) =>
    withOpcode(SmpOpcode.centralIdentification, [ediv & 0xff, ediv >> 8], rand),
  identityInformation: (irk: Uint8Array) => withOpcode(SmpOpcode.identityInformation, irk),
  identityAddress: (type: number, address: Uint8Array) =>
    withOpcode(SmpOpcode.identityAddressInformation, [type], address),
  signingInformation: (csrk: Uint8Array) => withOpcode(SmpOpcode.signingInformation, csrk),
};

/** SMP opcode names for messages. */
export function opName(opcode: number | undefined): string {
  const entry = Object.entries(SmpOpcode).find(([, value]) => value === opcode);
  return entry ? entry[0] : `opcode 0x${(opcode ?? 0).toString(16)}`;
}

/** 128-bit little-endian value of a passkey or zero (TK, ra/rb). */
export function passkeyValue(passkey: number): Uint8Array {
  const out = new Uint8Array(16);
  new DataView(out.buffer).setUint32(0, passkey, true);
  return out;
}

/** Keeps the `keySize` least significant octets (Vol 3 Part H 2.3.4: the key is masked to the negotiated size). */
export function maskKey(key: Uint8Array, keySize: number): Uint8Array {
  const out = key.slice();
  out.fill(0, keySize);
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((value, i) => value === b[i]);
}
