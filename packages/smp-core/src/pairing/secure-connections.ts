/**
 * LE Secure Connections phase 2 (Core 6.0 Vol 3 Part H 2.3.5.6): public key exchange with full validation,
 * authentication stage 1 for Just Works / Numeric Comparison (2.3.5.6.2) and OOB (2.3.5.6.4), and stage 2:
 * f5 for MacKey and LTK, f6 DHKey checks (2.3.5.6.5). Passkey Entry's 20 rounds live in sc-passkey.ts.
 */
import { equalBytes } from '@tsble/base';
import { PairingFailedReason } from '../constants.js';
import {
  f4,
  f5,
  f6,
  g2,
  isDebugPublicKey,
  isValidP256PublicKey,
  p256DhKey,
  p256GenerateKeyPair,
  randomBytes,
} from '../crypto/index.js';
import { maskKey } from '../keys/key-size.js';
import {
  addressWithType,
  emit,
  fail,
  initiatorResponder,
  negotiatedOf,
  type PairingContext,
  type PairingProgress,
  progressOf,
  send,
} from './context.js';
import { keyReady, startEncryption } from './link-encryption.js';
import { passkeyDigits } from './passkey.js';
import { beginScPasskey } from './sc-passkey.js';

/** Starts phase 2: pick our key pair; the central sends its public key first. */
export async function beginSc(ctx: PairingContext): Promise<void> {
  const progress = progressOf(ctx);
  const peerHasOurOob = (ctx.role === 'central' ? progress.response : progress.request)?.oobDataFlag === true;
  // LE SC OOB commits to our public key, so the key pair behind our OOB data must be the one we use.
  const oobKeyPair = peerHasOurOob ? ctx.config.oob.localSc?.keyPair : undefined;
  progress.keyPair =
    oobKeyPair ?? ctx.config.keyPair ?? (await (ctx.keyPairs ? ctx.keyPairs() : p256GenerateKeyPair()));
  if (ctx.role === 'central') send(ctx, { op: 'pairing-public-key', ...progress.keyPair.publicKey });
  ctx.state = 'sc-wait-public-key';
}

function localKeyPair(progress: PairingProgress) {
  return progress.keyPair ?? fail(PairingFailedReason.unspecifiedReason, 'no local key pair');
}

/** Our X and the peer's X as f4/g2 take them: [PKax, PKbx] in initiator/responder order. */
function publicXs(ctx: PairingContext): { pkax: Uint8Array; pkbx: Uint8Array } {
  const progress = progressOf(ctx);
  const local = localKeyPair(progress).publicKey.x;
  const peer = progress.peerPublicKey?.x ?? fail(PairingFailedReason.unspecifiedReason, 'no peer public key');
  return ctx.role === 'central' ? { pkax: local, pkbx: peer } : { pkax: peer, pkbx: local };
}

/**
 * Validates the peer's key, replies with ours (peripheral) and enters stage 1. The DHKey is computed in the
 * background: nothing of stage 1 (our Public Key, Confirm and Random) depends on it; stage 2 waits for it
 * (`settleDhKey` in `dhKeyChecks`), so the checks and the LTK use it and a refused computation fails there.
 */
export function handlePublicKey(ctx: PairingContext, x: Uint8Array, y: Uint8Array): void {
  const progress = progressOf(ctx);
  const negotiated = negotiatedOf(ctx);
  const keyPair = localKeyPair(progress);
  const peerKey = { x, y };
  // CVE-2020-26558: a peer mirroring our X coordinate can complete Passkey Entry without the passkey.
  if (equalBytes(x, keyPair.publicKey.x))
    fail(PairingFailedReason.dhKeyCheckFailed, 'peer public key has our X coordinate (reflection)');
  // Invalid-curve attacks (CVE-2018-5383): Core 6.0 requires DHKey Check Failed right after the exchange.
  if (!isValidP256PublicKey(peerKey))
    fail(PairingFailedReason.dhKeyCheckFailed, 'peer public key is not a valid P-256 point');
  const debugKey = isDebugPublicKey(peerKey) || isDebugPublicKey(keyPair.publicKey);
  if (debugKey && !ctx.config.allowDebugKeys)
    fail(PairingFailedReason.authenticationRequirements, 'debug public key refused (debug keys not enabled)');
  progress.debugKey = debugKey;
  progress.peerPublicKey = peerKey;
  if (ctx.role === 'peripheral') send(ctx, { op: 'pairing-public-key', ...keyPair.publicKey });
  progress.dhKeyPending = p256DhKey(keyPair.privateKey, peerKey).then(
    (dhKey) => dhKey,
    () => undefined,
  );
  if (negotiated.method === 'passkey-entry') beginScPasskey(ctx);
  else if (negotiated.method === 'oob') beginScOob(ctx);
  else beginScJustWorks(ctx);
}

/** The DHKey under way since the public key exchange, ready (or the pairing failed: the provider refused it). */
export async function settleDhKey(ctx: PairingContext): Promise<void> {
  const progress = ctx.progress;
  const pending = progress?.dhKeyPending;
  if (!progress || !pending) return;
  const dhKey = await pending;
  progress.dhKeyPending = undefined;
  if (dhKey === undefined)
    fail(PairingFailedReason.dhKeyCheckFailed, 'DHKey computation refused the peer public key');
  progress.dhKey = dhKey;
}

/** Just Works / Numeric Comparison stage 1: the responder commits to Nb first. */
function beginScJustWorks(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  if (ctx.role === 'central') {
    ctx.state = 'sc-wait-confirm';
    return;
  }
  const { pkax, pkbx } = publicXs(ctx);
  progress.localNonce = randomBytes(16);
  progress.localConfirm = f4(pkbx, pkax, progress.localNonce, 0);
  send(ctx, { op: 'pairing-confirm', confirm: progress.localConfirm });
  ctx.state = 'sc-wait-random';
}

/** OOB stage 1: check the peer's OOB commitment to the key it just sent; then exchange nonces. */
function beginScOob(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  const peerOob = ctx.config.oob.peerSc;
  const localOob = ctx.config.oob.localSc;
  const peerHasOurOob = (ctx.role === 'central' ? progress.response : progress.request)?.oobDataFlag === true;
  if (peerOob) {
    const peerX = progress.peerPublicKey?.x ?? fail(PairingFailedReason.unspecifiedReason, 'no peer key');
    if (!equalBytes(f4(peerX, peerX, peerOob.random, 0), peerOob.confirm)) {
      fail(
        PairingFailedReason.confirmValueFailed,
        'peer OOB confirm does not match its public key and random',
      );
    }
    progress.peerR = peerOob.random.slice();
  }
  if (peerHasOurOob && localOob) progress.localR = localOob.random.slice();
  if (ctx.role === 'central') {
    progress.localNonce = randomBytes(16);
    send(ctx, { op: 'pairing-random', random: progress.localNonce });
  }
  ctx.state = 'sc-wait-random';
}

/** Pairing Confirm in Just Works / Numeric Comparison: the central receives Cb and reveals Na. */
export function handleScJustWorksConfirm(ctx: PairingContext, confirm: Uint8Array): void {
  const progress = progressOf(ctx);
  if (ctx.role !== 'central')
    fail(PairingFailedReason.unspecifiedReason, 'the initiator sends no confirm in Just Works');
  progress.peerConfirm = confirm;
  progress.localNonce = randomBytes(16);
  send(ctx, { op: 'pairing-random', random: progress.localNonce });
  ctx.state = 'sc-wait-random';
}

/** Pairing Random in Just Works / Numeric Comparison / OOB. */
export async function handleScRandom(ctx: PairingContext, nonce: Uint8Array): Promise<void> {
  const progress = progressOf(ctx);
  const negotiated = negotiatedOf(ctx);
  if (progress.localNonce && equalBytes(nonce, progress.localNonce))
    fail(PairingFailedReason.confirmValueFailed, 'peer reflected our nonce');
  progress.peerNonce = nonce;
  const { pkax, pkbx } = publicXs(ctx);
  if (ctx.role === 'peripheral') {
    if (negotiated.method === 'oob') progress.localNonce = randomBytes(16);
    send(ctx, {
      op: 'pairing-random',
      random: progress.localNonce ?? fail(PairingFailedReason.unspecifiedReason, 'no Nb'),
    });
  } else if (negotiated.method !== 'oob') {
    const cb = progress.peerConfirm ?? fail(PairingFailedReason.unspecifiedReason, 'no Cb');
    if (!equalBytes(f4(pkbx, pkax, nonce, 0), cb))
      fail(PairingFailedReason.confirmValueFailed, 'Cb does not match Nb');
  }
  if (negotiated.method === 'numeric-comparison') {
    const [na, nb] = ctx.role === 'central' ? [progress.localNonce, nonce] : [nonce, progress.localNonce];
    const value = g2(pkax, pkbx, na ?? new Uint8Array(16), nb ?? new Uint8Array(16)) % 1_000_000;
    emit(ctx, { type: 'confirm-numeric', value, digits: passkeyDigits(value) });
    progress.userConfirmed = false;
    ctx.state = ctx.role === 'central' ? 'sc-wait-user-confirm' : 'sc-wait-dhkey-check';
    return;
  }
  await enterStage2(ctx);
}

/** Stage 1 is over (and the user agreed, where asked): the central sends Ea; the peripheral waits for it. */
export async function enterStage2(ctx: PairingContext): Promise<void> {
  const progress = progressOf(ctx);
  progress.userConfirmed = true;
  if (ctx.role === 'central') {
    send(ctx, { op: 'pairing-dhkey-check', check: (await dhKeyChecks(ctx)).local });
    ctx.state = 'sc-wait-dhkey-check';
  } else if (progress.peerCheck) {
    await finishPeripheralCheck(ctx);
  } else {
    ctx.state = 'sc-wait-dhkey-check';
  }
}

/** The user's answer to Numeric Comparison. */
export async function numericComparisonAnswered(ctx: PairingContext, match: boolean): Promise<void> {
  if (!match) fail(PairingFailedReason.numericComparisonFailed, 'the user said the numbers differ');
  await enterStage2(ctx);
}

/**
 * Stage 2 values: MacKey || LTK = f5(DHKey, Na, Nb, A, B); our check and the one we expect from the peer,
 * Ea = f6(MacKey, Na, Nb, rb, IOcapA, A, B) and Eb = f6(MacKey, Nb, Na, ra, IOcapB, B, A).
 */
async function dhKeyChecks(ctx: PairingContext): Promise<{ local: Uint8Array; peer: Uint8Array }> {
  await settleDhKey(ctx);
  const progress = progressOf(ctx);
  const { initiator, responder } = initiatorResponder(ctx);
  const a = addressWithType(initiator);
  const b = addressWithType(responder);
  const pres = progress.pres ?? fail(PairingFailedReason.unspecifiedReason, 'no Pairing Response');
  const dhKey = progress.dhKey ?? fail(PairingFailedReason.unspecifiedReason, 'no DHKey');
  const local = progress.localNonce ?? fail(PairingFailedReason.unspecifiedReason, 'no local nonce');
  const peer = progress.peerNonce ?? fail(PairingFailedReason.unspecifiedReason, 'no peer nonce');
  const [na, nb] = ctx.role === 'central' ? [local, peer] : [peer, local];
  const { macKey, ltk } = f5(dhKey, na, nb, a, b);
  progress.macKey = macKey;
  progress.ltk = ltk;
  // IOcap = AuthReq || OOB flag || IO capability: octets 1..3 of the PDUs exactly as sent (RFU bits included).
  const ioCapA = progress.preq.slice(1, 4);
  const ioCapB = pres.slice(1, 4);
  // ra/rb: the r each side's check uses is the one the *other* side knows (OOB) or the passkey.
  const [ra, rb] =
    ctx.role === 'central' ? [progress.localR, progress.peerR] : [progress.peerR, progress.localR];
  const ea = f6(macKey, na, nb, rb, ioCapA, a, b);
  const eb = f6(macKey, nb, na, ra, ioCapB, b, a);
  return ctx.role === 'central' ? { local: ea, peer: eb } : { local: eb, peer: ea };
}

/** DHKey Check from the peer. Nothing derived from the LTK leaves the session before it is verified. */
export async function handleDhKeyCheck(ctx: PairingContext, check: Uint8Array): Promise<void> {
  const progress = progressOf(ctx);
  if (ctx.role === 'peripheral') {
    progress.peerCheck = check;
    if (progress.userConfirmed) await finishPeripheralCheck(ctx);
    else ctx.state = 'sc-wait-user-confirm';
    return;
  }
  const checks = await dhKeyChecks(ctx);
  if (!equalBytes(check, checks.peer)) fail(PairingFailedReason.dhKeyCheckFailed, 'Eb does not match');
  const ltk = maskKey(progress.ltk ?? new Uint8Array(16), negotiatedOf(ctx).keySize);
  startEncryption(ctx, 'pairing', { key: ltk, ediv: 0, rand: new Uint8Array(8) }, negotiatedOf(ctx));
  ctx.state = 'wait-encryption';
}

async function finishPeripheralCheck(ctx: PairingContext): Promise<void> {
  const progress = progressOf(ctx);
  const checks = await dhKeyChecks(ctx);
  if (!progress.peerCheck || !equalBytes(progress.peerCheck, checks.peer))
    fail(PairingFailedReason.dhKeyCheckFailed, 'Ea does not match');
  send(ctx, { op: 'pairing-dhkey-check', check: checks.local });
  keyReady(ctx, maskKey(progress.ltk ?? new Uint8Array(16), negotiatedOf(ctx).keySize));
  ctx.state = 'wait-encryption';
}
