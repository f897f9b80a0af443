/**
 * PairingSession: the sans-IO SMP state machine for one link and one role. Inputs are received PDUs, the
 * user's answers, encryption results and the time; each input returns the actions the host must carry out
 * (see `PairingAction`). Inputs are serialised: a call made while another is still running (P-256 work is
 * asynchronous) waits for it. No input throws or rejects: every failure comes back as a `failed` action.
 *
 * Time is an input: pass a monotonic millisecond clock as `now` to every call, and call `tick(now)` when
 * nothing else happens, at the latest at `deadline`, so the 30 s SMP timeout (Core 6.0 Vol 3 Part H 3.4) can
 * fire. After a timeout the session ignores everything: no further SMP on that link.
 *
 * One session serves one link for its whole life: every pairing on it (each may add configuration layers to
 * the session's, `start(now, layers)`), encryption from the bond, and the controller's LTK requests. It
 * believes only an encryption it asked for (link-encryption.ts).
 *
 * A successful pairing, as the host sees it:
 *   central:    start() -> negotiated, send ... [display-passkey | request-passkey | confirm-numeric] ...
 *               -> start-encryption (STK or LTK) -> encryptionChanged() -> link-encrypted -> send keys
 *               -> keys -> complete
 *   peripheral: receive(Pairing Request) -> negotiated, send ... ; the controller's LTK request:
 *               ltkRequested() -> ltk-reply -> encryptionChanged() -> link-encrypted -> send keys ... -> keys
 *               -> complete
 * Any step may instead end with `failed`; after `failed` or `complete` a new pairing may start on the link.
 * Encryption from the bond: central `encryptFromBond()` (or a peer's Security Request) -> start-encryption;
 * peripheral `ltkRequested()` -> ltk-reply; then link-encrypted, or encryption-failed (the peer lost the bond).
 */
import { KeypressNotificationType, PairingFailedReason, SmpOpcode } from '../constants.js';
import type { Bond } from '../keys/types.js';
import { decodeSmpPdu } from '../pdu/decode.js';
import { SmpError } from '../pdu/smp-error.js';
import type { SmpPdu } from '../pdu/types.js';
import { checkAddress, configFor, resolveConfig } from './config.js';
import { emit, type PairingContext, type SessionState, send } from './context.js';
import { HANDLERS } from './handlers.js';
import { bondReplacementAnswered } from './key-distribution.js';
import { legacyPasskeyEntered } from './legacy.js';
import { answerLtkRequest, encryptionChange, encryptWithBond } from './link-encryption.js';
import { isPairing, pairingAccepted, sendSecurityRequest, startPairing, startRefusal } from './phase1.js';
import { scPasskeyEntered } from './sc-passkey.js';
import { numericComparisonAnswered } from './secure-connections.js';
import { ALLOWED_PDUS, NEVER_RECEIVED_BY } from './state-table.js';
import type { PairingAction, PairingConfig, PairingSessionOptions, Role } from './types.js';

type Step = (ctx: PairingContext) => void | Promise<void>;

export class PairingSession {
  private readonly ctx: PairingContext;
  private queue: Promise<unknown> = Promise.resolve();

  /** Throws PairingConfigError for options that cannot work (bad addresses, key sizes out of 7..16). */
  constructor(options: PairingSessionOptions) {
    checkAddress('localAddress', options.localAddress);
    checkAddress('peerAddress', options.peerAddress);
    const config = resolveConfig(options.config);
    const bond = options.bond;
    let held = typeof bond === 'function' ? undefined : bond;
    this.ctx = {
      role: options.role,
      baseConfig: config,
      config,
      requested: undefined,
      localAddress: options.localAddress,
      peerAddress: options.peerAddress,
      bondSource: typeof bond === 'function' ? bond : () => held,
      rememberBond: (made: Bond) => {
        if (typeof bond !== 'function') held = made;
      },
      bondFor: options.bondFor,
      keyPairs: options.keyPairs,
      encryption: undefined,
      encrypted: undefined,
      inputLayers: {},
      attempts: options.repeatedAttempts,
      log: options.logger,
      state: 'idle',
      now: 0,
      deadline: undefined,
      progress: undefined,
      actions: [],
    };
  }

  get role(): Role {
    return this.ctx.role;
  }
  get config(): Readonly<PairingConfig> {
    return this.ctx.config;
  }
  /** The current state (see state-table.ts for what each accepts). */
  get state(): SessionState {
    return this.ctx.state;
  }
  /** True between the first pairing PDU and `complete`/`failed`. */
  get pairing(): boolean {
    return isPairing(this.ctx);
  }

  /** When `tick()` must be called next for the SMP timeout (a `now` value), or undefined while nothing waits. */
  get deadline(): number | undefined {
    return this.ctx.deadline;
  }

  /**
   * Central: start pairing (send Pairing Request). `config` layers go over the session's configuration for
   * this pairing only; values that cannot work throw PairingConfigError here, before anything is queued.
   */
  start(now: number, config: Partial<PairingConfig> = {}): Promise<PairingAction[]> {
    configFor(this.ctx.baseConfig, config);
    return this.input(now, 'start', (ctx) => {
      if (isPairing(ctx) || ctx.role !== 'central') return;
      ctx.config = configFor(ctx.baseConfig, config);
      // Refusals of our own start send nothing: there is no pairing on the air to fail.
      const refusal = startRefusal(ctx);
      if (refusal)
        emit(ctx, {
          type: 'failed',
          reason: refusal.reason,
          byPeer: false,
          timedOut: false,
          message: refusal.message,
        });
      else startPairing(ctx, config);
    });
  }

  /**
   * Peripheral: send a Security Request asking the central to pair or encrypt (Core 6.0 Vol 3 Part H 3.6.7).
   * The pairing the central starts in answer is made with `config` over the session's configuration.
   */
  requestSecurity(now: number, config: Partial<PairingConfig> = {}): Promise<PairingAction[]> {
    configFor(this.ctx.baseConfig, config);
    return this.input(now, 'requestSecurity', (ctx) => {
      if (ctx.role === 'peripheral' && !isPairing(ctx)) sendSecurityRequest(ctx, config);
    });
  }

  /**
   * A PDU received on the SMP channel. A Pairing Request (peripheral) or a Security Request that starts a
   * pairing (central) is handled with `config` over the session's configuration (e.g. the peer's OOB data).
   */
  receive(pdu: Uint8Array, now: number, config: Partial<PairingConfig> = {}): Promise<PairingAction[]> {
    configFor(this.ctx.baseConfig, config);
    return this.input(now, 'receive', async (ctx) => {
      ctx.inputLayers = config;
      try {
        await this.dispatch(ctx, pdu);
      } finally {
        ctx.inputLayers = {};
      }
    });
  }

  /**
   * Peripheral: the controller's LE Long Term Key Request (Vol 4 Part E 7.7.65.5). Answered with `ltk-reply`
   * (the pairing's key, or the bond's when EDIV and Rand name it) or `ltk-negative-reply`.
   */
  ltkRequested(rand: Uint8Array, ediv: number, now: number): Promise<PairingAction[]> {
    return this.input(now, 'ltkRequested', (ctx) => answerLtkRequest(ctx, rand, ediv));
  }

  /** Central: encrypt the link with the bond's LTK (`start-encryption`); nothing when there is no bond key. */
  encryptFromBond(now: number): Promise<PairingAction[]> {
    return this.input(now, 'encryptFromBond', (ctx) => {
      if (ctx.role === 'central' && !isPairing(ctx)) encryptWithBond(ctx);
    });
  }

  /** The answer to `request-passkey`; `null` means the user cancelled (Passkey Entry Failed). */
  passkeyEntered(passkey: number | null, now: number): Promise<PairingAction[]> {
    return this.input(now, 'passkeyEntered', (ctx) => {
      const progress = ctx.progress;
      const waiting = [
        'legacy-wait-tk',
        'legacy-wait-confirm',
        'sc-wait-passkey',
        'sc-wait-confirm',
      ].includes(ctx.state);
      const asked =
        progress?.negotiated?.method === 'passkey-entry' &&
        (progress.negotiated.sc ? progress.passkey === undefined : progress.tk === undefined);
      if (!waiting || !asked) return;
      if (passkey === null)
        throw new SmpError(PairingFailedReason.passkeyEntryFailed, 'the user cancelled passkey entry');
      if (progress?.negotiated?.sc) scPasskeyEntered(ctx, passkey);
      else legacyPasskeyEntered(ctx, passkey);
    });
  }

  /** The answer to `confirm-numeric`: do both devices show the same number? */
  numericComparisonAnswered(match: boolean, now: number): Promise<PairingAction[]> {
    return this.input(now, 'numericComparisonAnswered', (ctx) => {
      const progress = ctx.progress;
      const outstanding = progress?.negotiated?.method === 'numeric-comparison' && !progress.userConfirmed;
      const inState =
        ctx.state === 'sc-wait-user-confirm' ||
        (ctx.role === 'peripheral' && ctx.state === 'sc-wait-dhkey-check');
      if (outstanding && inState) return numericComparisonAnswered(ctx, match);
    });
  }

  /** The answer to `accept-pairing`. Refusing fails the pairing with Pairing Not Supported. */
  acceptPairing(accepted: boolean, now: number): Promise<PairingAction[]> {
    return this.input(now, 'acceptPairing', async (ctx) => {
      if (ctx.state === 'wait-accept') await pairingAccepted(ctx, accepted);
    });
  }

  /** The answer to `confirm-bond-replacement`. Refusing fails the pairing (Unspecified Reason); nothing is stored. */
  bondReplacementAnswered(allowed: boolean, now: number): Promise<PairingAction[]> {
    return this.input(now, 'bondReplacementAnswered', (ctx) => {
      if (ctx.state === 'wait-bond-replacement') bondReplacementAnswered(ctx, allowed);
    });
  }

  /** Our user pressed a key while typing the passkey: tells the peer, when both offered keypress notifications. */
  keypress(notificationType: KeypressNotificationType, now: number): Promise<PairingAction[]> {
    return this.input(now, 'keypress', (ctx) => {
      const negotiated = ctx.progress?.negotiated;
      const typing = ['legacy-wait-tk', 'legacy-wait-confirm', 'sc-wait-passkey', 'sc-wait-confirm'].includes(
        ctx.state,
      );
      const valid =
        notificationType >= 0 && notificationType <= KeypressNotificationType.passkeyEntryCompleted;
      const roles = negotiated?.passkey;
      const weType =
        roles !== undefined && (ctx.role === 'central' ? roles.initiator : roles.responder) === 'input';
      if (negotiated?.method === 'passkey-entry' && negotiated.keypress && weType && typing && valid) {
        send(ctx, { op: 'keypress-notification', notificationType });
      }
    });
  }

  /**
   * HCI Encryption Change (or Encryption Key Refresh Complete) with status success. Counts only when the
   * session asked for it (`start-encryption`, or an `ltk-reply`); then `link-encrypted` follows.
   */
  encryptionChanged(now: number): Promise<PairingAction[]> {
    return this.input(now, 'encryptionChanged', (ctx) => encryptionChange(ctx, 0, true));
  }

  /** Encryption the session asked for failed: the controller's status (LE Enable Encryption or its event). */
  encryptionFailed(now: number, status = 0x1f): Promise<PairingAction[]> {
    return this.input(now, 'encryptionFailed', (ctx) => encryptionChange(ctx, status, false));
  }

  /** Abort a running pairing locally (e.g. the user cancelled) with the given Pairing Failed reason. */
  cancel(now: number, reason: number = PairingFailedReason.unspecifiedReason): Promise<PairingAction[]> {
    return this.input(now, 'cancel', (ctx) => {
      if (isPairing(ctx)) throw new SmpError(reason as SmpError['reason'], 'pairing cancelled locally');
    });
  }

  /** Time passes: fires the SMP timeout when due. */
  tick(now: number): Promise<PairingAction[]> {
    return this.input(now, 'tick', () => undefined);
  }

  private input(now: number, name: string, step: Step): Promise<PairingAction[]> {
    const run = () => this.run(now, name, step);
    const result = this.queue.then(run, run);
    this.queue = result;
    return result;
  }

  private async run(now: number, name: string, step: Step): Promise<PairingAction[]> {
    const ctx = this.ctx;
    ctx.actions = [];
    if (Number.isFinite(now)) ctx.now = Math.max(ctx.now, now);
    if (ctx.state === 'timed-out') return [];
    if (ctx.deadline !== undefined && ctx.now >= ctx.deadline) {
      this.timeOut();
      return ctx.actions;
    }
    try {
      await step(ctx);
    } catch (error) {
      this.failLocally(error, name);
    }
    return ctx.actions;
  }

  private async dispatch(ctx: PairingContext, bytes: Uint8Array): Promise<void> {
    const decoded = decodeSmpPdu(bytes);
    if (!decoded.ok) throw decoded.error;
    const pdu = decoded.value;
    ctx.log?.trace({ layer: 'smp', pdu: pdu.op, state: ctx.state }, 'receive');
    if (NEVER_RECEIVED_BY[ctx.role].includes(pdu.op)) {
      throw new SmpError(
        PairingFailedReason.commandNotSupported,
        `${pdu.op} is never sent to a ${ctx.role}`,
        bytes[0],
      );
    }
    if (pdu.op === 'pairing-failed') return this.peerFailed(pdu.reason);
    // SM/CEN/PIS/BV-03-C: a Security Request during pairing is ignored, not an error.
    if (pdu.op === 'security-request' && isPairing(ctx)) return;
    if (!ALLOWED_PDUS[ctx.state].includes(pdu.op)) {
      throw new SmpError(
        PairingFailedReason.unspecifiedReason,
        `${pdu.op} not expected in state ${ctx.state}`,
        bytes[0],
      );
    }
    const handler = HANDLERS[pdu.op] as (
      ctx: PairingContext,
      pdu: SmpPdu,
      raw: Uint8Array,
    ) => void | Promise<void>;
    await handler(ctx, pdu, bytes);
  }

  private peerFailed(reason: number): void {
    const ctx = this.ctx;
    // After `complete`, a Pairing Failed (e.g. Key Rejected, SM/PER/KDU/BI-02-C) withdraws the keys just made.
    if (!isPairing(ctx) && ctx.state !== 'complete') return;
    emit(ctx, {
      type: 'failed',
      reason,
      byPeer: true,
      timedOut: false,
      message: `peer sent Pairing Failed 0x${reason.toString(16)}`,
    });
    this.endPairing('failed', true);
  }

  private failLocally(error: unknown, input: string): void {
    const ctx = this.ctx;
    const smpError = error instanceof SmpError ? error : undefined;
    const reason = smpError?.reason ?? PairingFailedReason.unspecifiedReason;
    const message = smpError?.message ?? `internal error in ${input}: ${String(error)}`;
    if (!smpError) ctx.log?.error({ layer: 'smp', err: error }, 'pairing session internal error');
    // A malformed Pairing Request to a peripheral is a pairing attempt that failed, and is reported as one.
    const refusedRequest = ctx.role === 'peripheral' && smpError?.opcode === SmpOpcode.pairingRequest;
    const wasPairing = isPairing(ctx) || ctx.progress !== undefined || refusedRequest;
    // Whatever this step produced that depends on the pairing succeeding is withdrawn.
    ctx.actions = ctx.actions.filter(
      (a) => a.type !== 'start-encryption' && a.type !== 'keys' && a.type !== 'complete',
    );
    send(ctx, { op: 'pairing-failed', reason });
    if (!wasPairing) return;
    emit(ctx, { type: 'failed', reason, byPeer: false, timedOut: false, message });
    this.endPairing('failed', reason !== PairingFailedReason.repeatedAttempts);
  }

  private timeOut(): void {
    emit(this.ctx, {
      type: 'failed',
      reason: PairingFailedReason.unspecifiedReason,
      byPeer: false,
      timedOut: true,
      message: 'SMP timeout (30 s)',
    });
    this.endPairing('timed-out', true);
  }

  /** Drops every secret of the attempt and records the failure for the Repeated Attempts back-off. */
  private endPairing(state: SessionState, countsAsAttempt: boolean): void {
    const ctx = this.ctx;
    ctx.state = state;
    ctx.progress = undefined;
    ctx.deadline = undefined;
    ctx.requested = undefined;
    // The pairing's key will not be used now: an Encryption Change for it would be one nobody asked for.
    if (ctx.encryption?.source === 'pairing') ctx.encryption = undefined;
    if (countsAsAttempt && ctx.attempts) ctx.attempts.tracker.recordFailure(ctx.attempts.peerKey, ctx.now);
  }
}
