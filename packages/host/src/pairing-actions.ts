/**
 * What the host does with each action a smp-core PairingSession returns, as a table (one handler per action
 * type, so a new action type is a compile error until it is handled). User questions go to the pairing
 * delegate without blocking other SMP traffic; their answers are fed back to the session.
 */
import type { Bond, PairingAction, PairingMethod, PairingSession } from '@tsble/smp-core';
import type { Logger } from 'pino';
import { formatAddress } from './address.js';
import { type PairingContext, type PairingDelegate, parsePasskey } from './pairing-delegate.js';
import type { SecurityEvents } from './security-events.js';

type Action<T extends PairingAction['type']> = Extract<PairingAction, { type: T }>;

/** What the handlers need from the connection's security glue. */
export interface ActionTarget {
  readonly logger: Logger;
  readonly events: SecurityEvents;
  readonly delegate: Required<PairingDelegate>;
  sendPdu(pdu: Uint8Array): Promise<void>;
  /** Carries out the actions an input to `session` returns, after those already queued, against that session. */
  feed(actions: Promise<PairingAction[]>, session: PairingSession): void;
  context(extra?: Partial<PairingContext>): PairingContext;
  /** Whether the application wants to decide on each pairing (it supplied acceptPairing). */
  readonly askApplication: boolean;
  /** The association model and pairing kind chosen for this pairing, before any key exists. */
  negotiated(method: PairingMethod, sc: boolean): void;
  startEncryption(action: Action<'start-encryption'>, session: PairingSession): Promise<void>;
  ltkReady(key: Uint8Array, keySize: number): void;
  saveBond(bond: Bond, replaces: boolean): Promise<void>;
  complete(action: Action<'complete'>): void;
  fail(action: Action<'failed'>): void;
}

type Handler<T extends PairingAction['type']> = (
  action: Action<T>,
  target: ActionTarget,
  session: PairingSession,
) => void | Promise<void>;

const now = () => performance.now();

export const PAIRING_ACTION_HANDLERS: { [T in PairingAction['type']]: Handler<T> } = {
  send: (action, target) =>
    target.sendPdu(action.pdu).catch((error) => target.logger.warn({ err: error }, 'SMP PDU not sent')),
  'accept-pairing': (action, target, session) => {
    // The session always asks (so the link knows early what the key will be worth); the application is asked
    // only when it supplied its own acceptPairing.
    target.negotiated(action.method, action.sc);
    const context = target.context({
      method: action.method,
      sc: action.sc,
      peerIoCapability: action.peerIoCapability,
    });
    target.events.emit('pairingRequest', context);
    if (!target.askApplication) {
      target.feed(session.acceptPairing(true, now()), session);
      return;
    }
    void Promise.resolve(target.delegate.acceptPairing(context))
      .catch(() => false)
      .then((accepted) => target.feed(session.acceptPairing(accepted, now()), session));
  },
  'display-passkey': (action, target) => {
    target.events.emit('passkeyDisplay', action.digits);
    target.delegate.displayPasskey(action.digits, target.context({ method: 'passkey-entry' }));
  },
  'request-passkey': (_action, target, session) => {
    target.events.emit('passkeyRequest');
    void Promise.resolve(target.delegate.requestPasskey(target.context({ method: 'passkey-entry' })))
      .catch(() => undefined)
      // An answer that is not a passkey cancels: Passkey Entry Failed (Vol 3 Part H 3.5.5).
      .then((answer) => target.feed(session.passkeyEntered(parsePasskey(answer) ?? null, now()), session));
  },
  'confirm-numeric': (action, target, session) => {
    target.events.emit('numericComparison', action.digits);
    void Promise.resolve(
      target.delegate.confirmNumericComparison(
        action.digits,
        target.context({ method: 'numeric-comparison' }),
      ),
    )
      .catch(() => false)
      .then((match) => target.feed(session.numericComparisonAnswered(match === true, now()), session));
  },
  'peer-keypress': () => undefined,
  'start-encryption': (action, target, session) => target.startEncryption(action, session),
  'ltk-ready': (action, target) => target.ltkReady(action.key, action.keySize),
  'confirm-bond-replacement': (action, target, session) => {
    const request = {
      identity: formatAddress({ bytes: action.identity.address, type: action.identity.type }),
      existing: action.existing,
      proposed: action.proposed,
      proven: action.proven,
    };
    void Promise.resolve(target.delegate.replaceBond(request, target.context()))
      .catch(() => false)
      .then((allowed) => target.feed(session.bondReplacementAnswered(allowed === true, now()), session));
  },
  keys: (action, target) => target.saveBond(action.bond, action.replaces),
  complete: (action, target) => target.complete(action),
  failed: (action, target) => target.fail(action),
};

export async function carryOut(
  action: PairingAction,
  target: ActionTarget,
  session: PairingSession,
): Promise<void> {
  const handler = PAIRING_ACTION_HANDLERS[action.type] as Handler<PairingAction['type']>;
  await handler(action, target, session);
}
