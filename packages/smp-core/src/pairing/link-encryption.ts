/**
 * Which key the link is encrypted with, and which encryption the session believes (Core 6.0 Vol 3 Part H
 * 2.4.4; Vol 4 Part E 7.8.24-7.8.26, 7.7.8, 7.7.39, 7.7.65.5). The session starts encryption (central) or
 * answers the controller's LE Long Term Key Request (peripheral) itself, from the pairing in progress or from
 * the bond, and expects exactly one Encryption Change (or Key Refresh Complete) for it. A report it did not
 * ask for changes nothing: a controller that says "encrypted" on its own word would otherwise get protected
 * values served on a plaintext link (Zephyr and NimBLE ignore such events likewise).
 */
import { PairingFailedReason } from '../constants.js';
import { ltkForRequest, securityLevelOf } from '../keys/key-size.js';
import type { Bond, KeySet, LongTermKey } from '../keys/types.js';
import { emit, fail, negotiatedOf, type PairingContext } from './context.js';
import { beginKeyDistribution } from './key-distribution.js';

type Strength = Pick<KeySet, 'authenticated' | 'sc' | 'keySize'>;

/** The encryption the session asked for and waits to hear about. */
export interface EncryptionExpectation {
  source: 'pairing' | 'bond';
  strength: Strength;
}

function strengthOf(keys: Strength): Strength {
  return { authenticated: keys.authenticated, sc: keys.sc, keySize: keys.keySize };
}

/** The bond held for this link's peer (read from its owner each time; see PairingSessionOptions.bond). */
export function heldBond(ctx: PairingContext): Bond | undefined {
  return ctx.bondSource();
}

/** Central: start encryption with `key` (HCI LE Enable Encryption) and expect its result. */
export function startEncryption(
  ctx: PairingContext,
  source: EncryptionExpectation['source'],
  key: LongTermKey,
  strength: Strength,
): void {
  ctx.encryption = { source, strength: strengthOf(strength) };
  emit(ctx, { type: 'start-encryption', ...key, keySize: strength.keySize });
}

/** Peripheral: the key this pairing will encrypt with, kept until the controller asks for it. */
export function keyReady(ctx: PairingContext, key: Uint8Array): void {
  const progress = ctx.progress ?? fail(PairingFailedReason.unspecifiedReason, 'no pairing');
  progress.encryptionKey = key;
}

/**
 * Central: encrypt with the bond's LTK (no pairing), unless an encryption is already under way or the link
 * is already encrypted: one LE Enable Encryption, however many callers want the link secured.
 */
export function encryptWithBond(ctx: PairingContext): void {
  const bond = heldBond(ctx);
  if (!bond?.peerLtk || ctx.encryption || ctx.encrypted) return;
  startEncryption(ctx, 'bond', bond.peerLtk, bond);
}

/**
 * Peripheral: the controller's LE Long Term Key Request. The pairing in progress answers once it has a key
 * (phase 2 done); otherwise the bond answers when EDIV and Rand name its key; otherwise a negative reply,
 * after which the central learns that we hold no key for it.
 */
export function answerLtkRequest(ctx: PairingContext, rand: Uint8Array, ediv: number): void {
  const pairingKey = ctx.state === 'wait-encryption' ? ctx.progress?.encryptionKey : undefined;
  if (ctx.role === 'peripheral' && pairingKey) {
    ctx.encryption = { source: 'pairing', strength: strengthOf(negotiatedOf(ctx)) };
    emit(ctx, { type: 'ltk-reply', key: pairingKey });
    return;
  }
  const bond = heldBond(ctx);
  const stored = ctx.role === 'peripheral' && bond ? ltkForRequest(bond, ediv, rand) : undefined;
  if (stored && bond) {
    ctx.encryption = { source: 'bond', strength: strengthOf(bond) };
    emit(ctx, { type: 'ltk-reply', key: stored.key });
    return;
  }
  ctx.encryption = undefined;
  emit(ctx, { type: 'ltk-negative-reply' });
}

/**
 * HCI Encryption Change or Encryption Key Refresh Complete for this link. Only the encryption the session
 * asked for counts; its success reports the link's new strength, its failure fails the pairing (keys from a
 * pairing) or reports the bond lost (keys from the bond).
 */
export function encryptionChange(ctx: PairingContext, status: number, enabled: boolean): void {
  const expected = ctx.encryption;
  if (!expected) {
    ctx.log?.warn(
      { layer: 'smp', status, enabled },
      'Encryption Change that the host did not ask for: ignored',
    );
    return;
  }
  ctx.encryption = undefined;
  if (status !== 0 || !enabled) {
    if (expected.source === 'pairing' && ctx.state === 'wait-encryption')
      fail(PairingFailedReason.unspecifiedReason, `encryption failed (HCI status 0x${status.toString(16)})`);
    if (expected.source === 'bond') emit(ctx, { type: 'encryption-failed', status });
    return;
  }
  ctx.encrypted = expected;
  const { authenticated, sc, keySize } = expected.strength;
  emit(ctx, {
    type: 'link-encrypted',
    source: expected.source,
    authenticated,
    sc,
    keySize,
    securityLevel: securityLevelOf(expected.strength),
  });
  if (expected.source === 'pairing' && ctx.state === 'wait-encryption') beginKeyDistribution(ctx);
}
