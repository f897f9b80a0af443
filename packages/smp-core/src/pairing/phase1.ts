/**
 * Phase 1, pairing feature exchange (Core 6.0 Vol 3 Part H 2.3, 3.5.1-3.5.2), and the Security Request
 * (3.6.7, 2.4.6). The central starts with Pairing Request; the peripheral answers with Pairing Response;
 * both then settle the method and, if the application asked to be consulted, wait for its consent.
 */
import { PairingFailedReason, SMP_TIMEOUT_MS } from '../constants.js';
import { encodeSmpPdu } from '../pdu/encode.js';
import { SmpError } from '../pdu/smp-error.js';
import type { AuthReq, PairingFeatures } from '../pdu/types.js';
import { configFor } from './config.js';
import { emit, fail, negotiatedOf, newProgress, type PairingContext, progressOf, send } from './context.js';
import { buildPairingRequest, buildPairingResponse, negotiate } from './features.js';
import { refuseReplacementEarly } from './identity-check.js';
import { beginLegacy } from './legacy.js';
import { encryptWithBond, heldBond } from './link-encryption.js';
import { beginSc } from './secure-connections.js';
import type { PairingConfig } from './types.js';

/** True while a pairing runs (any state between the first PDU and complete/failed). */
export function isPairing(ctx: PairingContext): boolean {
  return !['idle', 'complete', 'failed', 'timed-out'].includes(ctx.state);
}

/** Why a pairing may not start now (not pairable, or the Repeated Attempts interval has not passed). */
export function startRefusal(ctx: PairingContext): SmpError | undefined {
  if (!ctx.config.pairable)
    return new SmpError(PairingFailedReason.pairingNotSupported, 'pairing is disabled (pairable: false)');
  const attempts = ctx.attempts;
  if (attempts && !attempts.tracker.mayAttempt(attempts.peerKey, ctx.now)) {
    const until = attempts.tracker.nextAttemptAt(attempts.peerKey);
    return new SmpError(
      PairingFailedReason.repeatedAttempts,
      `pairing with this peer is backing off until t=${until} ms`,
    );
  }
  return undefined;
}

function refuseIfBackingOff(ctx: PairingContext): void {
  const refusal = startRefusal(ctx);
  if (refusal) throw refusal;
}

/** Central: send Pairing Request, with this pairing's configuration layers over the session's. */
export function startPairing(ctx: PairingContext, layers: Partial<PairingConfig>, extraMitm = false): void {
  ctx.config = configFor(ctx.baseConfig, layers);
  refuseIfBackingOff(ctx);
  const request = buildPairingRequest(ctx.config, extraMitm);
  const preq = encodeSmpPdu({ op: 'pairing-request', ...request });
  ctx.progress = newProgress(preq, request);
  send(ctx, { op: 'pairing-request', ...request });
  ctx.state = 'wait-pairing-response';
}

/** Peripheral: a Pairing Request arrived. `raw` is the PDU as received (c1 and f6 use its exact octets). */
export async function handlePairingRequest(
  ctx: PairingContext,
  request: PairingFeatures,
  raw: Uint8Array,
  layers: Partial<PairingConfig> = {},
): Promise<void> {
  // A pairing the central starts after our Security Request is made with what that request was sent with.
  ctx.config = configFor(ctx.baseConfig, { ...ctx.requested, ...layers });
  ctx.progress = newProgress(raw.slice(), request);
  // The timer runs from the request, so a pairing stalled waiting for the application still times out.
  ctx.deadline = ctx.now + SMP_TIMEOUT_MS;
  refuseIfBackingOff(ctx);
  const response = buildPairingResponse(ctx.config, request);
  ctx.progress.response = response;
  ctx.progress.pres = encodeSmpPdu({ op: 'pairing-response', ...response });
  ctx.progress.negotiated = negotiate(ctx.config, 'peripheral', request, response, heldBond(ctx));
  refuseReplacementEarly(ctx);
  if (askToAccept(ctx, request)) return;
  await continueAfterAccept(ctx, () => announce(ctx, request));
}

/** Central: the Pairing Response arrived. */
export async function handlePairingResponse(
  ctx: PairingContext,
  response: PairingFeatures,
  raw: Uint8Array,
): Promise<void> {
  const progress = progressOf(ctx);
  progress.response = response;
  progress.pres = raw.slice();
  progress.negotiated = negotiate(ctx.config, 'central', progress.request, response, heldBond(ctx));
  refuseReplacementEarly(ctx);
  if (askToAccept(ctx, response)) return;
  await continueAfterAccept(ctx, () => announce(ctx, response));
}

/** The `negotiated` action: what the pairing will be worth, before any key exists. */
function announce(ctx: PairingContext, peer: PairingFeatures): void {
  const negotiated = negotiatedOf(ctx);
  emit(ctx, {
    type: 'negotiated',
    method: negotiated.method,
    sc: negotiated.sc,
    authenticated: negotiated.authenticated,
    keySize: negotiated.keySize,
    peerIoCapability: peer.ioCapability,
  });
}

/** With `askToAccept`, show the application the method and the peer's claims (method-confusion defence). */
function askToAccept(ctx: PairingContext, peer: PairingFeatures): boolean {
  if (!ctx.config.askToAccept) return false;
  announce(ctx, peer);
  const negotiated = negotiatedOf(ctx);
  emit(ctx, {
    type: 'accept-pairing',
    method: negotiated.method,
    sc: negotiated.sc,
    peerIoCapability: peer.ioCapability,
    peerAuthReq: peer.authReq,
    peerOob: peer.oobDataFlag,
  });
  ctx.state = 'wait-accept';
  return true;
}

/** The application's answer to `accept-pairing`. */
export async function pairingAccepted(ctx: PairingContext, accepted: boolean): Promise<void> {
  if (!accepted) fail(PairingFailedReason.pairingNotSupported, 'the application refused this pairing');
  await continueAfterAccept(ctx);
}

/**
 * Phase 2 begins. `announce` (the `negotiated` action, when the application was not asked first) comes right
 * after the PDU the peer waits for, so that what the host does with it (events, output) is off the path.
 */
async function continueAfterAccept(
  ctx: PairingContext,
  announced: () => void = () => undefined,
): Promise<void> {
  const progress = progressOf(ctx);
  const sc = negotiatedOf(ctx).sc;
  if (ctx.role === 'peripheral') {
    send(ctx, {
      op: 'pairing-response',
      ...(progress.response ?? fail(PairingFailedReason.unspecifiedReason, 'no response')),
    });
    announced();
    if (sc) await beginSc(ctx);
    else beginLegacy(ctx);
    return;
  }
  // Central, LE SC: our Public Key is the PDU the peer waits for; legacy: the user may be asked first.
  if (sc) {
    await beginSc(ctx);
    announced();
  } else {
    announced();
    beginLegacy(ctx);
  }
}

/**
 * Central: a Security Request. When the bond we hold already meets what the peripheral asks for, encrypt
 * with it; otherwise pair (asking for MITM if the peripheral did). During a pairing it is ignored
 * (SM/CEN/PIS/BV-03-C).
 */
export function handleSecurityRequest(
  ctx: PairingContext,
  authReq: AuthReq,
  layers: Partial<PairingConfig> = {},
): void {
  if (isPairing(ctx)) return;
  const bond = heldBond(ctx);
  if (!ctx.baseConfig.pairable && !bond)
    fail(PairingFailedReason.pairingNotSupported, 'pairing is disabled (pairable: false)');
  const bondIsEnough = bond?.peerLtk && (!authReq.mitm || bond.authenticated) && (!authReq.sc || bond.sc);
  if (bond?.peerLtk && bondIsEnough) {
    // Encrypting (or already encrypted) with that key answers the peripheral's request.
    encryptWithBond(ctx);
    return;
  }
  startPairing(ctx, layers, authReq.mitm);
}

/** Peripheral: ask the central to secure the link; the pairing it starts is made with `layers`. */
export function sendSecurityRequest(ctx: PairingContext, layers: Partial<PairingConfig>): void {
  ctx.requested = layers;
  const c = configFor(ctx.baseConfig, layers);
  send(ctx, {
    op: 'security-request',
    authReq: { bonding: c.bond, mitm: c.mitm, sc: c.sc || c.scOnly, keypress: c.keypress, ct2: c.ct2 },
  });
}
