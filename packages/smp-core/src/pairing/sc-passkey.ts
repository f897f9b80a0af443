/**
 * LE Secure Connections Passkey Entry, authentication stage 1 (Core 6.0 Vol 3 Part H 2.3.5.6.3): 20 rounds,
 * one per passkey bit ri. Round i: Cai = f4(PKax, PKbx, Nai, 0x80|ri) from the initiator, Cbi likewise
 * from the responder, then Nai and Nbi revealed and checked. Fresh 128-bit nonces every round.
 */
import { equalBytes } from '@tsble/base';
import { PASSKEY_ROUNDS, PairingFailedReason } from '../constants.js';
import { f4, randomBytes } from '../crypto/index.js';
import { emit, fail, negotiatedOf, type PairingContext, progressOf, send } from './context.js';
import { isValidPasskey, passkeyDigits, passkeyToBytes, randomPasskey } from './passkey.js';
import { enterStage2 } from './secure-connections.js';

function ourPasskeyRole(ctx: PairingContext): 'display' | 'input' {
  const roles = negotiatedOf(ctx).passkey ?? fail(PairingFailedReason.unspecifiedReason, 'no passkey roles');
  return ctx.role === 'central' ? roles.initiator : roles.responder;
}

/** True when the peer is the side typing the passkey (so its keypress notifications are meaningful). */
export function peerTypesPasskey(ctx: PairingContext): boolean {
  const roles = negotiatedOf(ctx).passkey;
  if (!roles) return false;
  return (ctx.role === 'central' ? roles.responder : roles.initiator) === 'input';
}

export function beginScPasskey(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  progress.round = 0;
  if (ourPasskeyRole(ctx) === 'display') {
    setPasskey(ctx, ctx.config.passkey ?? randomPasskey());
    emit(ctx, {
      type: 'display-passkey',
      passkey: progress.passkey ?? 0,
      digits: passkeyDigits(progress.passkey ?? 0),
    });
  } else {
    emit(ctx, { type: 'request-passkey' });
  }
  if (ctx.role === 'central') {
    if (progress.passkey !== undefined) sendRoundConfirm(ctx);
    else ctx.state = 'sc-wait-passkey';
  } else {
    ctx.state = 'sc-wait-confirm';
  }
}

function setPasskey(ctx: PairingContext, passkey: number): void {
  const progress = progressOf(ctx);
  progress.passkey = passkey;
  // ra = rb = the passkey as a 128-bit value in both DHKey checks.
  progress.localR = passkeyToBytes(passkey);
  progress.peerR = passkeyToBytes(passkey);
}

export function scPasskeyEntered(ctx: PairingContext, passkey: number): void {
  const progress = progressOf(ctx);
  if (!isValidPasskey(passkey))
    fail(PairingFailedReason.passkeyEntryFailed, 'the passkey entered is not 000000..999999');
  setPasskey(ctx, passkey);
  if (ctx.role === 'central' || progress.peerConfirm) sendRoundConfirm(ctx);
  else ctx.state = 'sc-wait-confirm';
}

function roundBit(ctx: PairingContext): number {
  const progress = progressOf(ctx);
  const passkey = progress.passkey ?? fail(PairingFailedReason.unspecifiedReason, 'no passkey');
  return 0x80 | ((passkey >>> progress.round) & 1);
}

function xs(ctx: PairingContext): { local: Uint8Array; peer: Uint8Array } {
  const progress = progressOf(ctx);
  const local = progress.keyPair?.publicKey.x ?? fail(PairingFailedReason.unspecifiedReason, 'no key pair');
  const peer = progress.peerPublicKey?.x ?? fail(PairingFailedReason.unspecifiedReason, 'no peer key');
  return { local, peer };
}

/** Our commitment for this round: f4(PK_ours_x, PK_peer_x, N_ours_i, 0x80|ri). */
function sendRoundConfirm(ctx: PairingContext): void {
  const progress = progressOf(ctx);
  const { local, peer } = xs(ctx);
  progress.localNonce = randomBytes(16);
  progress.localConfirm = f4(local, peer, progress.localNonce, roundBit(ctx));
  send(ctx, { op: 'pairing-confirm', confirm: progress.localConfirm });
  ctx.state = ctx.role === 'central' ? 'sc-wait-confirm' : 'sc-wait-random';
}

export function handleScPasskeyConfirm(ctx: PairingContext, confirm: Uint8Array): void {
  const progress = progressOf(ctx);
  // A reflected commitment would let the peer replay our own round back to us.
  if (progress.localConfirm && equalBytes(confirm, progress.localConfirm))
    fail(PairingFailedReason.confirmValueFailed, 'peer reflected our confirm value');
  progress.peerConfirm = confirm;
  if (ctx.role === 'central') {
    send(ctx, {
      op: 'pairing-random',
      random: progress.localNonce ?? fail(PairingFailedReason.unspecifiedReason, 'no Nai'),
    });
    ctx.state = 'sc-wait-random';
  } else if (progress.passkey !== undefined) {
    sendRoundConfirm(ctx);
  } else {
    ctx.state = 'sc-wait-passkey';
  }
}

export async function handleScPasskeyRandom(ctx: PairingContext, nonce: Uint8Array): Promise<void> {
  const progress = progressOf(ctx);
  if (progress.localNonce && equalBytes(nonce, progress.localNonce))
    fail(PairingFailedReason.confirmValueFailed, 'peer reflected our nonce');
  const { local, peer } = xs(ctx);
  const peerConfirm = progress.peerConfirm ?? fail(PairingFailedReason.unspecifiedReason, 'no peer confirm');
  if (!equalBytes(f4(peer, local, nonce, roundBit(ctx)), peerConfirm)) {
    fail(
      PairingFailedReason.confirmValueFailed,
      `round ${progress.round + 1}: confirm does not match (wrong passkey?)`,
    );
  }
  progress.peerNonce = nonce;
  if (ctx.role === 'peripheral')
    send(ctx, {
      op: 'pairing-random',
      random: progress.localNonce ?? fail(PairingFailedReason.unspecifiedReason, 'no Nbi'),
    });
  progress.round += 1;
  progress.peerConfirm = undefined;
  if (progress.round === PASSKEY_ROUNDS) {
    await enterStage2(ctx);
  } else if (ctx.role === 'central') {
    sendRoundConfirm(ctx);
  } else {
    ctx.state = 'sc-wait-confirm';
  }
}
