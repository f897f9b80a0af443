/**
 * LE legacy pairing phase 2 (Core 6.0 Vol 3 Part H 2.3.5.2-2.3.5.5): TK from Just Works (zero), Passkey Entry
 * or OOB; Mconfirm/Sconfirm with c1, Mrand/Srand, then STK = s1(TK, Srand, Mrand) masked to the key size.
 * Every received random is checked against the confirm committed before it, and a reflected confirm or
 * random (the peer echoing ours) fails with Confirm Value Failed.
 */
import { equalBytes } from '@tsble/base';
import { PairingFailedReason } from '../constants.js';
import { c1, randomBytes, s1 } from '../crypto/index.js';
import { maskKey } from '../keys/key-size.js';
import {
  emit,
  fail,
  initiatorResponder,
  negotiatedOf,
  type PairingContext,
  progressOf,
  send,
} from './context.js';
import { keyReady, startEncryption } from './link-encryption.js';
import { isValidPasskey, passkeyDigits, passkeyToBytes, randomPasskey } from './passkey.js';

/** Starts phase 2 once phase 1 is settled: work out the TK, then (central) commit to it. */
export function beginLegacy(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  const negotiated = negotiatedOf(ctx);
  if (negotiated.method === 'just-works') progress.tk = new Uint8Array(16);
  if (negotiated.method === 'oob') {
    const tk = ctx.config.oob.tk;
    if (tk?.length !== 16)
      fail(PairingFailedReason.oobNotAvailable, 'legacy OOB selected but no 16-octet TK configured');
    progress.tk = tk.slice();
  }
  if (negotiated.method === 'passkey-entry') {
    const ours = ctx.role === 'central' ? negotiated.passkey?.initiator : negotiated.passkey?.responder;
    if (ours === 'display') {
      const passkey = ctx.config.passkey ?? randomPasskey();
      progress.tk = passkeyToBytes(passkey);
      emit(ctx, { type: 'display-passkey', passkey, digits: passkeyDigits(passkey) });
    } else {
      emit(ctx, { type: 'request-passkey' });
    }
  }
  if (ctx.role === 'central') {
    if (progress.tk) sendLegacyConfirm(ctx);
    else ctx.state = 'legacy-wait-tk';
  } else {
    ctx.state = 'legacy-wait-confirm';
  }
}

/** The user typed the passkey (legacy Passkey Entry, input side). */
export function legacyPasskeyEntered(ctx: PairingContext, passkey: number): void {
  const progress = progressOf(ctx);
  if (!isValidPasskey(passkey))
    fail(PairingFailedReason.passkeyEntryFailed, 'the passkey entered is not 000000..999999');
  progress.tk = passkeyToBytes(passkey);
  if (ctx.role === 'central') sendLegacyConfirm(ctx);
  else if (progress.peerConfirm) sendLegacyConfirm(ctx);
  // Otherwise the peripheral keeps waiting for Mconfirm in legacy-wait-confirm.
}

function confirmValue(ctx: PairingContext, random: Uint8Array): Uint8Array {
  const progress = progressOf(ctx);
  const { initiator, responder } = initiatorResponder(ctx);
  if (!progress.tk || !progress.pres)
    fail(PairingFailedReason.unspecifiedReason, 'confirm needed before TK and Pairing Response');
  const iat = initiator.type === 'public' ? 0 : 1;
  const rat = responder.type === 'public' ? 0 : 1;
  return c1(progress.tk, random, progress.preq, progress.pres, iat, initiator.bytes, rat, responder.bytes);
}

/** Mconfirm (central) or Sconfirm (peripheral, after Mconfirm arrived) with a fresh 128-bit random. */
function sendLegacyConfirm(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  progress.localRandom = randomBytes(16);
  progress.localConfirm = confirmValue(ctx, progress.localRandom);
  send(ctx, { op: 'pairing-confirm', confirm: progress.localConfirm });
  ctx.state = ctx.role === 'central' ? 'legacy-wait-confirm' : 'legacy-wait-random';
}

export function handleLegacyConfirm(ctx: PairingContext, confirm: Uint8Array): void {
  const progress = progressOf(ctx);
  // SM/CEN/JW/BI-06-C, SM/CEN/PKE/BI-03-C: a peer that reflects our confirm learns nothing it may use.
  if (progress.localConfirm && equalBytes(confirm, progress.localConfirm)) {
    fail(PairingFailedReason.confirmValueFailed, 'peer reflected our confirm value');
  }
  progress.peerConfirm = confirm;
  if (ctx.role === 'central') {
    send(ctx, {
      op: 'pairing-random',
      random: progress.localRandom ?? fail(PairingFailedReason.unspecifiedReason, 'no Mrand'),
    });
    ctx.state = 'legacy-wait-random';
  } else if (progress.tk) {
    sendLegacyConfirm(ctx);
  } else {
    ctx.state = 'legacy-wait-tk';
  }
}

export function handleLegacyRandom(ctx: PairingContext, random: Uint8Array): void {
  const progress = progressOf(ctx);
  const negotiated = negotiatedOf(ctx);
  const localRandom = progress.localRandom;
  const peerConfirm = progress.peerConfirm;
  if (!localRandom || !peerConfirm)
    fail(PairingFailedReason.unspecifiedReason, 'Pairing Random before confirm values');
  if (equalBytes(random, localRandom))
    fail(PairingFailedReason.confirmValueFailed, 'peer reflected our random value');
  if (!equalBytes(confirmValue(ctx, random), peerConfirm)) {
    fail(
      PairingFailedReason.confirmValueFailed,
      'peer confirm value does not match its random (wrong passkey or TK?)',
    );
  }
  const [mrand, srand] = ctx.role === 'central' ? [localRandom, random] : [random, localRandom];
  const tk = progress.tk ?? fail(PairingFailedReason.unspecifiedReason, 'no TK');
  // STK = s1(TK, Srand, Mrand), masked to the negotiated size (2.3.5.5, 2.3.4).
  progress.stk = maskKey(s1(tk, srand, mrand), negotiated.keySize);
  if (ctx.role === 'central') {
    startEncryption(ctx, 'pairing', { key: progress.stk, ediv: 0, rand: new Uint8Array(8) }, negotiated);
  } else {
    send(ctx, { op: 'pairing-random', random: localRandom });
    keyReady(ctx, progress.stk);
  }
  ctx.state = 'wait-encryption';
}
