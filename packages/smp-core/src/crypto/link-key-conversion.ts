/**
 * Link key conversion functions h6 and h7 (Core 6.0 Vol 3 Part H 2.2.10, 2.2.11) and the cross-transport
 * key derivations built on them (2.4.2.4 LE LTK -> BR/EDR link key, 2.4.2.5 the reverse).
 */
import { requireLength, reverse } from './bytes.js';
import { aesCmac } from './cmac.js';
import { CTKD_SALT_TMP1, CTKD_SALT_TMP2, KEY_ID, LENGTH } from './constants.js';
import { CryptoArgumentError } from './errors.js';

function asciiKeyId(keyId: string): Uint8Array {
  // keyID is four octets; the spec prints e.g. 'lebr' as 0x6c656272, so the first character is the most
  // significant octet, which is also the first octet of the AES-order message.
  if (keyId.length !== 4 || !/^[\x20-\x7e]{4}$/.test(keyId)) {
    throw new CryptoArgumentError('keyId', '4 printable ASCII characters', keyId);
  }
  return Uint8Array.from(keyId, (c) => c.charCodeAt(0));
}

/** h6(W, keyID) = AES-CMAC_W(keyID)  (2.2.10). `w` 16 octets on-air order; `keyId` e.g. 'lebr'. */
export function h6(w: Uint8Array, keyId: string): Uint8Array {
  requireLength('w', w, LENGTH.key);
  return reverse(aesCmac(reverse(w), asciiKeyId(keyId)));
}

/** h7(SALT, W) = AES-CMAC_SALT(W)  (2.2.11). Both 16 octets, on-air order. */
export function h7(salt: Uint8Array, w: Uint8Array): Uint8Array {
  requireLength('salt', salt, LENGTH.key);
  requireLength('w', w, LENGTH.key);
  return reverse(aesCmac(reverse(salt), reverse(w)));
}

/**
 * The BR/EDR link key derived from an LE LTK (2.4.2.4). `ct2` is true when both devices set the CT2 bit
 * in AuthReq: then the intermediate key comes from h7 with SALT 'tmp1', otherwise from h6 with 'tmp1'.
 */
export function ltkToLinkKey(ltk: Uint8Array, ct2: boolean): Uint8Array {
  requireLength('ltk', ltk, LENGTH.key);
  const ilk = ct2 ? h7(CTKD_SALT_TMP1, ltk) : h6(ltk, KEY_ID.tmp1);
  return h6(ilk, KEY_ID.lebr);
}

/** The LE LTK derived from a BR/EDR link key (2.4.2.5): ILK via h7('tmp2') or h6('tmp2'), then h6('brle'). */
export function linkKeyToLtk(linkKey: Uint8Array, ct2: boolean): Uint8Array {
  requireLength('linkKey', linkKey, LENGTH.key);
  const ilk = ct2 ? h7(CTKD_SALT_TMP2, linkKey) : h6(linkKey, KEY_ID.tmp2);
  return h6(ilk, KEY_ID.brle);
}
