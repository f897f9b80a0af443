/**
 * Which PDUs each state accepts (in the manner of Zephyr's allowed-command masks). A PDU missing from its
 * state's list fails the pairing with Unspecified Reason and never advances the state; PDUs that the local
 * role can never receive fail with Command Not Supported. Core 6.0 Vol 3 Part H 2.3 and 3.
 */
import type { SmpPduName } from '../pdu/types.js';
import type { SessionState } from './context.js';
import { KEY_PDUS } from './key-distribution.js';
import type { Role } from './types.js';

const PASSKEY_WAIT: readonly SmpPduName[] = ['pairing-failed', 'keypress-notification'];
const NOT_PAIRING: readonly SmpPduName[] = ['pairing-request', 'security-request', 'pairing-failed'];

export const ALLOWED_PDUS: Readonly<Record<SessionState, readonly SmpPduName[]>> = {
  idle: NOT_PAIRING,
  complete: NOT_PAIRING,
  failed: NOT_PAIRING,
  'timed-out': [],
  'wait-pairing-response': ['pairing-response', 'pairing-failed'],
  'wait-accept': ['pairing-failed'],
  'legacy-wait-tk': PASSKEY_WAIT,
  'legacy-wait-confirm': ['pairing-confirm', ...PASSKEY_WAIT],
  'legacy-wait-random': ['pairing-random', 'pairing-failed'],
  'sc-wait-public-key': ['pairing-public-key', 'pairing-failed'],
  'sc-wait-passkey': PASSKEY_WAIT,
  'sc-wait-confirm': ['pairing-confirm', ...PASSKEY_WAIT],
  'sc-wait-random': ['pairing-random', 'pairing-failed'],
  'sc-wait-user-confirm': ['pairing-failed'],
  'sc-wait-dhkey-check': ['pairing-dhkey-check', 'pairing-failed'],
  'wait-encryption': ['pairing-failed'],
  'key-distribution': [...KEY_PDUS, 'pairing-failed'],
  // Every key from the peer is in; the application decides whether they may replace a bond.
  'wait-bond-replacement': ['pairing-failed'],
};

/** PDUs only the other role sends: receiving one is Command Not Supported (3.3). */
export const NEVER_RECEIVED_BY: Readonly<Record<Role, readonly SmpPduName[]>> = {
  central: ['pairing-request'],
  peripheral: ['pairing-response', 'security-request'],
};
