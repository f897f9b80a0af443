/**
 * Data signing for ATT_SIGNED_WRITE_CMD (Core 6.0 Vol 3 Part H 2.4.5): the signature is
 * SignCounter (4, little-endian) || MAC, where MAC is the 64 most significant bits of
 * AES-CMAC_CSRK(m || SignCounter) and m is the PDU up to the signature (opcode, handle, value).
 * CSRK is held in on-air order (least significant octet first, as SMP distributes it); CMAC works
 * most significant first, hence the reversals.
 */
import type { Logger } from '@tsble/base';
import { aesCmac } from '@tsble/smp-core';
import { type AttPduOf, encodeAttPdu } from './att-pdu.js';
import { ATT_SIGNATURE_LENGTH, CharacteristicProperty } from './constants.js';
import type { GattDatabase } from './gatt-database.js';

/** The peer's signing key, for ATT_SIGNED_WRITE_CMD (Core 6.0 Vol 3 Part H 2.4.5). */
export interface PeerSigning {
  /** CSRK in on-air order (least significant octet first). */
  csrk: Uint8Array;
  /** The highest SignCounter accepted so far; replays at or below it are dropped. */
  lastCounter?: number;
  /** Called with each accepted counter so the host can persist it with the bond. */
  onCounter?: (counter: number) => void;
}

function reversed(bytes: Uint8Array): Uint8Array {
  return bytes.slice().reverse();
}

/** The 12-octet Authentication Signature for `message` (the signed PDU without its signature). */
export function signatureFor(csrk: Uint8Array, message: Uint8Array, signCounter: number): Uint8Array {
  const withCounter = new Uint8Array(message.length + 4);
  withCounter.set(message);
  new DataView(withCounter.buffer).setUint32(message.length, signCounter >>> 0, true);
  const mac = aesCmac(reversed(csrk), reversed(withCounter)).reverse(); // now little-endian
  const signature = new Uint8Array(ATT_SIGNATURE_LENGTH);
  signature.set(withCounter.subarray(message.length), 0);
  signature.set(mac.subarray(8, 16), 4);
  return signature;
}

/** The SignCounter a signature carries. */
export function signCounterOf(signature: Uint8Array): number {
  return new DataView(signature.buffer, signature.byteOffset, signature.byteLength).getUint32(0, true);
}

/** True when `signature` is the correct signature of `message` under `csrk`. Constant-time compare. */
export function verifySignature(csrk: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ATT_SIGNATURE_LENGTH) return false;
  const expected = signatureFor(csrk, message, signCounterOf(signature));
  let difference = 0;
  for (let i = 0; i < ATT_SIGNATURE_LENGTH; i++) difference |= (expected[i] ?? 0) ^ (signature[i] ?? 0);
  return difference === 0;
}

/**
 * Server side of a signed write (Core 6.0 Vol 3 Part F 3.4.5.4): the target must be a characteristic
 * with the Authenticated Signed Writes property, the SignCounter must grow (replay protection) and the
 * signature must verify under the peer's CSRK. Returns true to perform the write; logs why not.
 */
export function acceptSignedWrite(
  command: AttPduOf<'signed-write-command'>,
  database: GattDatabase,
  signing: PeerSigning | undefined,
  logger: Logger,
): boolean {
  const characteristic = database.get(command.handle)?.characteristic;
  if (!signing || !characteristic) {
    logger.warn(
      { handle: command.handle },
      'signed write without a CSRK or to a non-characteristic; dropped',
    );
    return false;
  }
  if ((characteristic.properties & CharacteristicProperty.authenticatedSignedWrites) === 0) {
    logger.warn(
      { handle: command.handle },
      'signed write to a characteristic without that property; dropped',
    );
    return false;
  }
  const pdu = encodeAttPdu(command);
  const counter = signCounterOf(command.signature);
  if (signing.lastCounter !== undefined && counter <= signing.lastCounter) {
    logger.warn({ counter }, 'signed write replayed (SignCounter not increasing); dropped');
    return false;
  }
  if (!verifySignature(signing.csrk, pdu.subarray(0, pdu.length - ATT_SIGNATURE_LENGTH), command.signature)) {
    logger.warn({ handle: command.handle }, 'signed write with a bad signature; dropped');
    return false;
  }
  signing.lastCounter = counter;
  signing.onCounter?.(counter);
  return true;
}
