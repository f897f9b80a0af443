/**
 * The HCI side of link encryption (Core 6.0 Vol 4 Part E 7.8.24-7.8.26; Vol 3 Part H 2.4.4): starting it as
 * central, and answering the controller's LE Long Term Key Request as peripheral, either with the key of the
 * pairing in progress or with the stored LTK whose EDIV and Rand match (a negative reply otherwise).
 */
import type { Hci } from '@tsble/hci-transport';
import type { Logger } from 'pino';
import type { LtkRecord } from './bond-store/bond-record.js';
import { fromHex, toHex } from './bond-store/bond-record.js';

/** HCI LE Enable Encryption (central); the result arrives as an Encryption Change event. */
export async function enableEncryption(
  hci: Hci,
  handle: number,
  ltk: Uint8Array,
  ediv: number,
  rand: Uint8Array,
): Promise<void> {
  await hci.execute('leEnableEncryption', {
    connectionHandle: handle,
    randomNumber: rand,
    encryptedDiversifier: ediv,
    longTermKey: ltk,
  });
}

/** The stored key an LTK request names, if we hold it (EDIV and Rand are 0 for LE Secure Connections keys). */
export function storedKeyFor(
  key: LtkRecord | undefined,
  rand: Uint8Array,
  ediv: number,
): LtkRecord | undefined {
  return key && key.ediv === ediv && key.rand === toHex(rand) ? key : undefined;
}

/**
 * Answers an LTK request: `pairingKey` first (the pairing in progress handed it out), else `stored`; without
 * either, a negative reply, after which the central learns that we no longer have the bond.
 */
export async function answerLtkRequest(
  hci: Hci,
  handle: number,
  pairingKey: Uint8Array | undefined,
  stored: LtkRecord | undefined,
  logger: Logger,
): Promise<void> {
  const key = pairingKey ?? (stored ? fromHex(stored.ltk) : undefined);
  try {
    if (key) {
      await hci.execute('leLongTermKeyRequestReply', { connectionHandle: handle, longTermKey: key });
      return;
    }
    logger.info({ handle }, 'LTK request without a stored key: negative reply');
    await hci.execute('leLongTermKeyRequestNegativeReply', { connectionHandle: handle });
  } catch (error) {
    logger.warn({ err: error }, 'answering the LTK request failed');
  }
}
