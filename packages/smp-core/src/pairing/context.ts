/**
 * The session's mutable state, shared by the phase modules. `PairingProgress` holds what one pairing
 * attempt learns and is dropped (keys and all) as soon as that attempt ends.
 */
import type { Address, Logger } from '@tsble/base';
import { PairingFailedReason, SMP_TIMEOUT_MS } from '../constants.js';
import type { P256KeyPair, P256PublicKey } from '../crypto/index.js';
import type { Bond, KeySet } from '../keys/types.js';
import { encodeSmpPdu } from '../pdu/encode.js';
import { SmpError } from '../pdu/smp-error.js';
import type { KeyDistribution, PairingFeatures, SmpPdu } from '../pdu/types.js';
import type { AssociationModel } from './association-model.js';
import type { EncryptionExpectation } from './link-encryption.js';
import type { RepeatedAttemptsTracker } from './repeated-attempts.js';
import type { PairingAction, PairingConfig, Role } from './types.js';

/** The session's states; each names what it waits for. Allowed opcodes per state: state-table.ts. */
export type SessionState =
  | 'idle'
  | 'wait-pairing-response'
  | 'wait-accept'
  | 'legacy-wait-tk'
  | 'legacy-wait-confirm'
  | 'legacy-wait-random'
  | 'sc-wait-public-key'
  | 'sc-wait-passkey'
  | 'sc-wait-confirm'
  | 'sc-wait-random'
  | 'sc-wait-user-confirm'
  | 'sc-wait-dhkey-check'
  | 'wait-encryption'
  | 'key-distribution'
  | 'wait-bond-replacement'
  | 'complete'
  | 'failed'
  | 'timed-out';

/** What phase 1 settled. */
export interface Negotiated extends AssociationModel {
  sc: boolean;
  keySize: number;
  authenticated: boolean;
  bonding: boolean;
  keypress: boolean;
  /** Keys we send and keys the peer sends, after both sides' fields and the method (no EncKey in LE SC). */
  localDist: KeyDistribution;
  remoteDist: KeyDistribution;
  linkKey: boolean;
  ct2: boolean;
}

export interface PairingProgress {
  preq: Uint8Array;
  pres?: Uint8Array;
  request: PairingFeatures;
  response?: PairingFeatures;
  negotiated?: Negotiated;
  // Legacy (Core 6.0 Vol 3 Part H 2.3.5.5).
  tk?: Uint8Array;
  localRandom?: Uint8Array;
  localConfirm?: Uint8Array;
  peerConfirm?: Uint8Array;
  stk?: Uint8Array;
  // LE Secure Connections (2.3.5.6).
  keyPair?: P256KeyPair;
  peerPublicKey?: P256PublicKey;
  dhKey?: Uint8Array;
  /**
   * The DHKey while it is computed in the background (from the public key exchange on): the session takes in
   * no later input before it has settled. Undefined when the computation refused the key.
   */
  dhKeyPending?: Promise<Uint8Array | undefined>;
  debugKey: boolean;
  passkey?: number;
  round: number;
  /** ra/rb of f6: our r and the peer's r (passkey or OOB random; zero otherwise). */
  localR: Uint8Array;
  peerR: Uint8Array;
  localNonce?: Uint8Array;
  peerNonce?: Uint8Array;
  macKey?: Uint8Array;
  ltk?: Uint8Array;
  /** Peripheral: the STK or LTK for the controller's LTK request, once phase 2 has made it. */
  encryptionKey?: Uint8Array;
  peerCheck?: Uint8Array;
  userConfirmed: boolean;
  // Key distribution (3.6).
  expectedKeys: SmpPdu['op'][];
  keys: Partial<KeySet>;
  /** The keys take the place of a bond already held for the peer's identity (identity-check.ts). */
  replaces?: boolean;
}

export interface PairingContext {
  readonly role: Role;
  /** The configuration the session was made with; each pairing may add layers to it (`configFor`). */
  readonly baseConfig: PairingConfig;
  /** The configuration of the current (or last) pairing. */
  config: PairingConfig;
  /** Layers a peripheral's Security Request was sent with, for the pairing the central then starts. */
  requested: Partial<PairingConfig> | undefined;
  readonly localAddress: Address;
  readonly peerAddress: Address;
  /** The bond held for this peer, read from its owner (see PairingSessionOptions.bond). */
  readonly bondSource: () => Bond | undefined;
  /** A pairing on this link bonded: the session's own copy takes it (a no-op when a store owns bonds). */
  readonly rememberBond: (bond: Bond) => void;
  readonly bondFor: ((identity: Address) => Bond | undefined) | undefined;
  readonly keyPairs: (() => Promise<P256KeyPair>) | undefined;
  /** The encryption the session asked for and waits to hear about (link-encryption.ts). */
  encryption: EncryptionExpectation | undefined;
  /** What the link is encrypted with now, as the session saw it happen (undefined while unencrypted). */
  encrypted: EncryptionExpectation | undefined;
  /** Configuration layers given with the input being handled (a received Pairing or Security Request). */
  inputLayers: Partial<PairingConfig>;
  readonly attempts: { tracker: RepeatedAttemptsTracker; peerKey: string } | undefined;
  readonly log: Logger | undefined;
  state: SessionState;
  now: number;
  /** When the SMP timer fires (ms), or undefined while no SMP procedure runs. Core 6.0 Vol 3 Part H 3.4. */
  deadline: number | undefined;
  progress: PairingProgress | undefined;
  actions: PairingAction[];
}

export function emit(ctx: PairingContext, action: PairingAction): void {
  ctx.actions.push(action);
}

/** Queues a PDU; every queued command restarts the 30 s SMP timer (Core 6.0 Vol 3 Part H 3.4). */
export function send(ctx: PairingContext, pdu: SmpPdu): void {
  const bytes = encodeSmpPdu(pdu);
  ctx.log?.trace({ layer: 'smp', pdu: pdu.op }, 'send');
  emit(ctx, { type: 'send', pdu: bytes });
  if (pdu.op !== 'pairing-failed' && pdu.op !== 'security-request') ctx.deadline = ctx.now + SMP_TIMEOUT_MS;
}

/** Aborts the current step with a Pairing Failed reason; the session turns it into Pairing Failed + `failed`. */
export function fail(reason: number, message: string): never {
  throw new SmpError(reason as SmpError['reason'], message);
}

/** The pairing in progress; its absence means a handler ran in a state the state table should have refused. */
export function progressOf(ctx: PairingContext): PairingProgress {
  if (!ctx.progress)
    fail(PairingFailedReason.unspecifiedReason, `no pairing in progress (state ${ctx.state})`);
  return ctx.progress;
}

export function negotiatedOf(ctx: PairingContext): Negotiated {
  const negotiated = progressOf(ctx).negotiated;
  if (!negotiated) fail(PairingFailedReason.unspecifiedReason, 'pairing features not negotiated yet');
  return negotiated;
}

export function newProgress(preq: Uint8Array, request: PairingFeatures): PairingProgress {
  return {
    preq,
    request,
    debugKey: false,
    round: 0,
    localR: new Uint8Array(16),
    peerR: new Uint8Array(16),
    userConfirmed: false,
    expectedKeys: [],
    keys: {},
  };
}

/** Address then type octet (0 public, 1 random): the A1/A2 of f5 and f6. */
export function addressWithType(address: Address): Uint8Array {
  const out = new Uint8Array(7);
  out.set(address.bytes.subarray(0, 6));
  out[6] = address.type === 'public' ? 0 : 1;
  return out;
}

/** The initiator's and responder's addresses, whichever role we play. */
export function initiatorResponder(ctx: PairingContext): { initiator: Address; responder: Address } {
  return ctx.role === 'central'
    ? { initiator: ctx.localAddress, responder: ctx.peerAddress }
    : { initiator: ctx.peerAddress, responder: ctx.localAddress };
}
