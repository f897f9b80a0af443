/**
 * Two smp-core pairing sessions joined by "someone else's transport": a plain in-memory queue that stands
 * in for L2CAP, a pretend controller that checks both sides use the same key when encryption starts, and
 * a scripted user. Nothing here is tsble-specific: it is how any stack drives a PairingSession.
 */
import type { PairingAction, PairingSession } from '../src/index.js';

/** The scripted user on one side. */
export interface UserScript {
  /** Passkey to type when asked; default: the one the other side displays. `null` cancels. */
  passkey?: number | null;
  /** Answer to Numeric Comparison; default true. */
  confirmNumeric?: boolean;
  /** Answer to accept-pairing; default true. */
  accept?: boolean;
  /** Keypress notifications to report (via `keypress()`) before entering the passkey. */
  keypresses?: number[];
  /** Answer to confirm-bond-replacement; default false (keep the old bond). */
  replaceBond?: boolean;
}

export interface SideRecord {
  actions: PairingAction[];
  sent: Uint8Array[];
  complete?: Extract<PairingAction, { type: 'complete' }>;
  failed?: Extract<PairingAction, { type: 'failed' }>;
  keys?: Extract<PairingAction, { type: 'keys' }>;
  displayed?: number;
  numeric?: number;
  encryptionKey?: Uint8Array;
}

export interface LinkOptions {
  central: PairingSession;
  peripheral: PairingSession;
  centralUser?: UserScript;
  peripheralUser?: UserScript;
  /** Passkey used when both sides must type one (KeyboardOnly on both sides). */
  sharedPasskey?: number;
  /** Rewrite (or drop, by returning undefined) each PDU in flight: for hostile-peer tests. */
  tamper?: (from: 'central' | 'peripheral', pdu: Uint8Array) => Uint8Array | undefined;
  /** Who starts: the central (default) or the peripheral with a Security Request. */
  initiate?: 'central' | 'security-request';
}

export interface LinkResult {
  central: SideRecord;
  peripheral: SideRecord;
}

type Side = 'central' | 'peripheral';

/** Runs one pairing to its end (both sides complete, one fails, or nothing is left to do). */
export async function pairInMemory(options: LinkOptions): Promise<LinkResult> {
  const sessions = { central: options.central, peripheral: options.peripheral };
  const users = { central: options.centralUser ?? {}, peripheral: options.peripheralUser ?? {} };
  const records: LinkResult = { central: { actions: [], sent: [] }, peripheral: { actions: [], sent: [] } };
  const tasks: (() => Promise<void>)[] = [];
  const waitingForPasskey: Side[] = [];
  let centralKey: Uint8Array | undefined;
  let now = 0;
  const other = (side: Side): Side => (side === 'central' ? 'peripheral' : 'central');

  const enterPasskey = (side: Side) => {
    const user = users[side];
    const passkey =
      user.passkey !== undefined
        ? user.passkey
        : (records[other(side)].displayed ?? options.sharedPasskey ?? null);
    for (const type of user.keypresses ?? []) {
      tasks.push(async () => handle(side, await sessions[side].keypress(type as 0 | 1 | 2 | 3 | 4, now)));
    }
    tasks.push(async () => handle(side, await sessions[side].passkeyEntered(passkey, now)));
  };

  const handle = (side: Side, actions: PairingAction[]): void => {
    const record = records[side];
    const session = sessions[side];
    for (const action of actions) {
      record.actions.push(action);
      switch (action.type) {
        case 'send': {
          record.sent.push(action.pdu);
          const pdu = options.tamper ? options.tamper(side, action.pdu) : action.pdu;
          if (pdu)
            tasks.push(async () => handle(other(side), await sessions[other(side)].receive(pdu, ++now)));
          break;
        }
        case 'display-passkey': {
          record.displayed = action.passkey;
          const waiting = waitingForPasskey.splice(0);
          for (const s of waiting) enterPasskey(s);
          break;
        }
        case 'request-passkey':
          if (users[side].passkey !== undefined || records[other(side)].displayed !== undefined)
            enterPasskey(side);
          else waitingForPasskey.push(side);
          break;
        case 'confirm-numeric':
          record.numeric = action.value;
          tasks.push(async () =>
            handle(side, await session.numericComparisonAnswered(users[side].confirmNumeric ?? true, now)),
          );
          break;
        case 'accept-pairing':
          tasks.push(async () => handle(side, await session.acceptPairing(users[side].accept ?? true, now)));
          break;
        case 'start-encryption': {
          // The pretend controller: LE Enable Encryption becomes an LTK request on the peripheral's side.
          record.encryptionKey = action.key;
          centralKey = action.key;
          const { rand, ediv } = action;
          tasks.push(async () =>
            handle('peripheral', await sessions.peripheral.ltkRequested(rand, ediv, now)),
          );
          break;
        }
        case 'ltk-reply':
        case 'ltk-negative-reply': {
          // Encryption works only if both hosts supplied the same key; no key is PIN or Key Missing (0x06).
          const key = action.type === 'ltk-reply' ? action.key : undefined;
          if (key) record.encryptionKey = key;
          const same = key !== undefined && centralKey !== undefined && bytesEqual(key, centralKey);
          const ends = key ? (['central', 'peripheral'] as const) : (['central'] as const);
          for (const s of ends) {
            tasks.push(async () =>
              handle(
                s,
                same
                  ? await sessions[s].encryptionChanged(now)
                  : await sessions[s].encryptionFailed(now, 0x06),
              ),
            );
          }
          break;
        }
        case 'keys':
          record.keys = action;
          break;
        case 'complete':
          record.complete = action;
          break;
        case 'failed':
          record.failed = action;
          break;
        case 'confirm-bond-replacement': {
          const allowed = users[side].replaceBond ?? false;
          tasks.push(async () => handle(side, await session.bondReplacementAnswered(allowed, now)));
          break;
        }
        case 'peer-keypress':
          break;
      }
    }
  };

  if (options.initiate === 'security-request')
    handle('peripheral', await options.peripheral.requestSecurity(now));
  else handle('central', await options.central.start(now));
  for (let steps = 0; steps < 10_000; steps++) {
    // Nothing left to do but someone waits for a passkey nobody displays: both users type the same one.
    if (tasks.length === 0) for (const side of waitingForPasskey.splice(0)) enterPasskey(side);
    const task = tasks.shift();
    if (!task) break;
    await task();
  }
  return records;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
