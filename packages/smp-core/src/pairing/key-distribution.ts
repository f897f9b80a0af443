/**
 * Phase 3, transport specific key distribution (Core 6.0 Vol 3 Part H 3.6.1): on the encrypted link the
 * responder sends its keys, then the initiator, each in the fixed order Encryption Information, Central
 * Identification, Identity Information, Identity Address Information, Signing Information, and only those
 * both sides agreed on. Anything else, or any key before encryption, fails the pairing.
 */
import { PairingFailedReason } from '../constants.js';
import { randomBytes } from '../crypto/index.js';
import { maskKey, securityLevelOf } from '../keys/key-size.js';
import type { Bond, KeySet, LongTermKey } from '../keys/types.js';
import type { KeyDistribution, SmpPdu } from '../pdu/types.js';
import { emit, fail, negotiatedOf, type PairingContext, progressOf, send } from './context.js';
import { checkIdentityClaim, replacementOf } from './identity-check.js';

type KeyPdu = Extract<
  SmpPdu,
  {
    op:
      | 'encryption-information'
      | 'central-identification'
      | 'identity-information'
      | 'identity-address-information'
      | 'signing-information';
  }
>;

export const KEY_PDUS: readonly KeyPdu['op'][] = [
  'encryption-information',
  'central-identification',
  'identity-information',
  'identity-address-information',
  'signing-information',
];

/** The key PDUs a distribution field calls for, in the spec's order. */
export function expectedKeyPdus(dist: KeyDistribution): KeyPdu['op'][] {
  const ops: KeyPdu['op'][] = [];
  if (dist.encKey) ops.push('encryption-information', 'central-identification');
  if (dist.idKey) ops.push('identity-information', 'identity-address-information');
  if (dist.signKey) ops.push('signing-information');
  return ops;
}

/** The link is now encrypted with the STK/LTK: start phase 3. */
export function beginKeyDistribution(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  progress.expectedKeys = expectedKeyPdus(negotiatedOf(ctx).remoteDist);
  ctx.state = 'key-distribution';
  if (ctx.role === 'peripheral') sendLocalKeys(ctx);
  if (progress.expectedKeys.length === 0) finishDistribution(ctx);
}

function sendLocalKeys(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  const negotiated = negotiatedOf(ctx);
  const dist = negotiated.localDist;
  if (dist.encKey) {
    const ltk: LongTermKey = {
      key: maskKey(randomBytes(16), negotiated.keySize),
      ediv: randomEdiv(),
      rand: randomBytes(8),
    };
    send(ctx, { op: 'encryption-information', ltk: ltk.key });
    send(ctx, { op: 'central-identification', ediv: ltk.ediv, rand: ltk.rand });
    progress.keys.localLtk = ltk;
  }
  if (dist.idKey) {
    const identity =
      ctx.config.identity ??
      fail(PairingFailedReason.unspecifiedReason, 'IdKey negotiated without an identity');
    send(ctx, { op: 'identity-information', irk: identity.irk });
    send(ctx, {
      op: 'identity-address-information',
      addressType: identity.address.type,
      address: identity.address.bytes,
    });
    progress.keys.localIrk = identity.irk.slice();
    progress.keys.localIdentityAddress = {
      bytes: identity.address.bytes.slice(),
      type: identity.address.type,
    };
  }
  if (dist.signKey) {
    const csrk = ctx.config.csrk?.slice() ?? randomBytes(16);
    send(ctx, { op: 'signing-information', csrk });
    progress.keys.localCsrk = csrk;
  }
}

function randomEdiv(): number {
  const b = randomBytes(2);
  return (b[0] ?? 0) | ((b[1] ?? 0) << 8);
}

/** One key PDU from the peer; it must be the next one expected. */
export function handleKeyPdu(ctx: PairingContext, pdu: KeyPdu): void {
  const progress = progressOf(ctx);
  const next = progress.expectedKeys[0];
  if (next !== pdu.op)
    fail(PairingFailedReason.unspecifiedReason, `${pdu.op} received, ${next ?? 'no key'} expected`);
  progress.expectedKeys.shift();
  storePeerKey(ctx, pdu);
  if (progress.expectedKeys.length === 0) finishDistribution(ctx);
}

function storePeerKey(ctx: PairingContext, pdu: KeyPdu): void {
  const keys = progressOf(ctx).keys;
  const keySize = negotiatedOf(ctx).keySize;
  switch (pdu.op) {
    case 'encryption-information': {
      // An all-zero LTK (as masked to the key size) is a key everyone knows: a later "bonded" reconnection
      // with it proves nothing (the zero-LTK attack). It is a parameter outside any usable range: Invalid
      // Parameters (Vol 3 Part H 3.5.5), and nothing of this pairing is kept.
      const ltk = maskKey(pdu.ltk, keySize);
      if (isAllZero(ltk)) fail(PairingFailedReason.invalidParameters, 'the peer distributed an all-zero LTK');
      keys.peerLtk = { key: ltk, ediv: 0, rand: new Uint8Array(8) };
      break;
    }
    case 'central-identification':
      if (keys.peerLtk) keys.peerLtk = { ...keys.peerLtk, ediv: pdu.ediv, rand: pdu.rand };
      break;
    case 'identity-information':
      // An all-zero IRK is how a device without privacy fills the PDU (HCI's resolving list reads a zero IRK
      // as "no IRK", Vol 4 Part E 7.8.38): not an error, but never kept, since any RPA anyone builds with the
      // zero key would "resolve" to this peer's identity.
      if (!isAllZero(pdu.irk)) keys.peerIrk = pdu.irk;
      break;
    case 'identity-address-information': {
      // An identity address is public or static random (two most significant bits 0b11). Vol 6 Part B 1.3.
      if (pdu.addressType === 'random' && ((pdu.address[5] ?? 0) & 0xc0) !== 0xc0) {
        fail(PairingFailedReason.invalidParameters, 'identity address is random but not static');
      }
      const identity = { bytes: pdu.address, type: pdu.addressType };
      checkIdentityClaim(ctx, identity, keys.peerIrk);
      keys.peerIdentityAddress = identity;
      break;
    }
    case 'signing-information':
      // An all-zero CSRK would let anyone forge this peer's signed writes (Vol 3 Part H 2.4.5): refused.
      if (isAllZero(pdu.csrk))
        fail(PairingFailedReason.invalidParameters, 'the peer distributed an all-zero CSRK');
      keys.peerCsrk = pdu.csrk;
      break;
  }
}

function isAllZero(key: Uint8Array): boolean {
  return key.every((octet) => octet === 0);
}

/**
 * Every key from the peer is in. Before the initiator sends its own keys and before anything is offered for
 * storage, the keys' owner is settled: they may not replace the bond of the identity they claim unless the
 * policy allows it (identity-check.ts); the application may be asked first.
 */
function finishDistribution(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  const negotiated = negotiatedOf(ctx);
  // Keys made with the debug key pair are known to everyone: never offered for storage.
  if (negotiated.bonding && !progress.debugKey) {
    const identity = progress.keys.peerIdentityAddress ?? ctx.peerAddress;
    const replacement = replacementOf(ctx, identity, negotiated);
    if (replacement.kind === 'ask') {
      ctx.state = 'wait-bond-replacement';
      emit(ctx, replacement.action);
      return;
    }
    progress.replaces = replacement.kind === 'replace';
  }
  completeDistribution(ctx);
}

/** The application's answer to `confirm-bond-replacement`. */
export function bondReplacementAnswered(ctx: PairingContext, allowed: boolean): void {
  if (!allowed)
    fail(PairingFailedReason.unspecifiedReason, 'the application refused to replace the existing bond');
  progressOf(ctx).replaces = true;
  completeDistribution(ctx);
}

/** Report, then forget the pairing. */
function completeDistribution(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  const negotiated = negotiatedOf(ctx);
  if (ctx.role === 'central') sendLocalKeys(ctx);
  const keys: KeySet = {
    ...progress.keys,
    keySize: negotiated.keySize,
    authenticated: negotiated.authenticated,
    sc: negotiated.sc,
    linkKey: negotiated.linkKey,
    ct2: negotiated.ct2,
  };
  if (negotiated.sc) {
    const ltk: LongTermKey = {
      key: maskKey(progress.ltk ?? fail(PairingFailedReason.unspecifiedReason, 'no LTK'), negotiated.keySize),
      ediv: 0,
      rand: new Uint8Array(8),
    };
    keys.peerLtk = ltk;
    keys.localLtk = ltk;
  }
  const bonded = negotiated.bonding && !progress.debugKey;
  if (bonded) {
    const bond: Bond = { ...keys, peerAddress: keys.peerIdentityAddress ?? ctx.peerAddress };
    emit(ctx, { type: 'keys', bond, replaces: progress.replaces === true });
    ctx.rememberBond(bond);
  }
  emit(ctx, {
    type: 'complete',
    method: negotiated.method,
    sc: negotiated.sc,
    authenticated: negotiated.authenticated,
    keySize: negotiated.keySize,
    bonded,
    securityLevel: securityLevelOf(negotiated),
    debugKey: progress.debugKey,
    keys,
  });
  ctx.attempts?.tracker.recordSuccess(ctx.attempts.peerKey);
  ctx.state = 'complete';
  ctx.progress = undefined;
  ctx.deadline = undefined;
}
