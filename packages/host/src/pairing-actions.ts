/**
 * What the host does with each action its link's smp-core PairingSession returns, as a table (one handler per
 * action type, so a new action type is a compile error until it is handled). HCI commands for encryption are
 * sent here; user questions go to the pairing delegate without holding up other SMP traffic, and their answers
 * are fed back to the session.
 */
import { type Address, formatAddress, type Logger } from '@tsble/base';
import type { Hci } from '@tsble/hci-transport';
import { L2capError } from '@tsble/l2cap';
import type { PairingAction, PairingSession } from '@tsble/smp-core';
import { bondIdentity, recordFromBond } from './bond-store/bond-keys.js';
import type { BondStore } from './bond-store/bond-store.js';
import { BondLostError } from './errors.js';
import { type PairingContext, type PairingDelegate, parsePasskey } from './pairing-delegate.js';
import type { SecurityEvents } from './security-events.js';
import type { SecurityReport } from './security-report.js';
import type { SessionQueue } from './session-queue.js';

type Action<T extends PairingAction['type']> = Extract<PairingAction, { type: T }>;

/** What the handlers need from the connection's security glue (connection-security.ts). */
export interface ActionTarget {
  readonly logger: Logger;
  readonly events: SecurityEvents;
  readonly delegate: Required<PairingDelegate>;
  readonly hci: Hci;
  readonly handle: number;
  readonly bondStore: BondStore;
  /** The address the peer uses on this link. */
  readonly peerAddress: Address;
  /** L2CAP's SMP channel (CID 6). */
  readonly smp: { send(pdu: Uint8Array): Promise<void> };
  readonly role: 'central' | 'peripheral';
  /** The identity the peer's bond is stored under, and the way to change it once key distribution names it. */
  peerIdentity(): string;
  setPeerIdentity(identity: string): void;
  /** The link's inputs: a later one (an answer, a failed command) queues behind everything before it. */
  readonly queue: SessionQueue;
  /** The link-security record and the application's events (security-report.ts). */
  readonly report: SecurityReport;
}

/** What the pairing delegate is told about the link, plus what the question at hand adds. */
export function pairingContext(
  target: Pick<ActionTarget, 'role' | 'peerIdentity'>,
  extra: Partial<PairingContext> = {},
): PairingContext {
  return { peer: target.peerIdentity(), central: target.role === 'central', ...extra };
}

type Handler<T extends PairingAction['type']> = (
  action: Action<T>,
  target: ActionTarget,
  session: PairingSession,
) => void | Promise<void>;

const now = () => performance.now();

/** Runs an HCI command for the session; a failure is logged and, where given, reported back as `onError`. */
async function command(
  target: ActionTarget,
  run: () => Promise<unknown>,
  what: string,
  onError?: () => void,
) {
  try {
    await run();
  } catch (error) {
    target.logger.warn({ err: error }, `${what} failed`);
    onError?.();
  }
}

export const PAIRING_ACTION_HANDLERS: { [T in PairingAction['type']]: Handler<T> } = {
  send: (action, target) =>
    target.smp.send(action.pdu).catch((error) =>
      // A PDU for a link that is already gone (the peer disconnected first) is expected, not a warning.
      error instanceof L2capError && error.code === 'disconnected'
        ? target.logger.debug({ err: error }, 'SMP PDU not sent: the link is closed')
        : target.logger.warn({ err: error }, 'SMP PDU not sent'),
    ),
  negotiated: (action, target) => {
    target.events.emit(
      'pairingRequest',
      pairingContext(target, {
        method: action.method,
        sc: action.sc,
        peerIoCapability: action.peerIoCapability,
      }),
    );
  },
  'accept-pairing': (action, target, session) => {
    const context = pairingContext(target, {
      method: action.method,
      sc: action.sc,
      peerIoCapability: action.peerIoCapability,
    });
    void Promise.resolve(target.delegate.acceptPairing(context))
      .catch(() => false)
      .then((accepted) => target.queue.enqueue(() => session.acceptPairing(accepted === true, now())));
  },
  'display-passkey': (action, target) => {
    target.events.emit('passkeyDisplay', action.digits);
    target.delegate.displayPasskey(action.digits, pairingContext(target, { method: 'passkey-entry' }));
  },
  'request-passkey': (_action, target, session) => {
    target.events.emit('passkeyRequest');
    void Promise.resolve(target.delegate.requestPasskey(pairingContext(target, { method: 'passkey-entry' })))
      .catch(() => undefined)
      // An answer that is not a passkey cancels: Passkey Entry Failed (Vol 3 Part H 3.5.5).
      .then((answer) =>
        target.queue.enqueue(() => session.passkeyEntered(parsePasskey(answer) ?? null, now())),
      );
  },
  'confirm-numeric': (action, target, session) => {
    target.events.emit('numericComparison', action.digits);
    void Promise.resolve(
      target.delegate.confirmNumericComparison(
        action.digits,
        pairingContext(target, { method: 'numeric-comparison' }),
      ),
    )
      .catch(() => false)
      .then((match) => target.queue.enqueue(() => session.numericComparisonAnswered(match === true, now())));
  },
  'peer-keypress': () => undefined,
  'start-encryption': (action, target, session) =>
    // HCI LE Enable Encryption (Vol 4 Part E 7.8.24); the result arrives as an Encryption Change event.
    command(
      target,
      () =>
        target.hci.execute('leEnableEncryption', {
          connectionHandle: target.handle,
          randomNumber: action.rand,
          encryptedDiversifier: action.ediv,
          longTermKey: action.key,
        }),
      'LE Enable Encryption',
      () => target.queue.enqueue(() => session.encryptionFailed(now(), 0x1f)),
    ),
  'ltk-reply': (action, target) =>
    command(
      target,
      () =>
        target.hci.execute('leLongTermKeyRequestReply', {
          connectionHandle: target.handle,
          longTermKey: action.key,
        }),
      'answering the LTK request',
    ),
  'ltk-negative-reply': (_action, target) => {
    target.logger.info({ handle: target.handle }, 'LTK request without a stored key: negative reply');
    return command(
      target,
      () => target.hci.execute('leLongTermKeyRequestNegativeReply', { connectionHandle: target.handle }),
      'answering the LTK request',
    );
  },
  'link-encrypted': (action, target) => target.report.linkEncrypted(action),
  'encryption-failed': (action, target) =>
    target.report.bondLost(new BondLostError(pairingContext(target).peer, action.status)),
  'confirm-bond-replacement': (action, target, session) => {
    const request = {
      identity: formatAddress(action.identity),
      existing: action.existing,
      proposed: action.proposed,
      proven: action.proven,
    };
    void Promise.resolve(target.delegate.replaceBond(request, pairingContext(target)))
      .catch(() => false)
      .then((allowed) =>
        target.queue.enqueue(() => session.bondReplacementAnswered(allowed === true, now())),
      );
  },
  keys: async (action, target) => {
    // The record kept so far for the identity the keys belong to (the session has checked the claim).
    const previous = target.bondStore.get(bondIdentity(action.bond));
    const record = recordFromBond(action.bond, previous, target.peerAddress);
    if (record.address !== target.peerIdentity()) target.setPeerIdentity(record.address);
    try {
      await target.bondStore.put(record);
      target.report.bondSaved(record.address);
      if (action.replaces) {
        target.logger.info({ identity: record.address }, 'bond replaced by a new pairing');
        target.events.emit('bondReplaced', record.address);
      }
      target.events.emit('bonded', record.address);
    } catch (error) {
      target.logger.error({ err: error }, 'the bond could not be saved');
      target.events.emit('error', error as Error);
    }
  },
  complete: (action, target) => target.report.complete(action),
  failed: (action, target) => {
    // After an SMP timeout nothing more is taken in on the link (Vol 3 Part H 3.4).
    if (action.timedOut) target.queue.kill();
    target.report.failed(action);
  },
};

export async function carryOut(
  action: PairingAction,
  target: ActionTarget,
  session: PairingSession,
): Promise<void> {
  const handler = PAIRING_ACTION_HANDLERS[action.type] as Handler<PairingAction['type']>;
  await handler(action, target, session);
}
