/**
 * Choosing the pairing method from both sides' Pairing Request/Response. Core 6.0 Vol 3 Part H 2.3.5.1:
 * Table 2.6 (legacy: OOB only when both have OOB data), Table 2.7 (LE SC: OOB when either has), then, when
 * either side set MITM, Table 2.8 (the IO capability mapping); otherwise Just Works.
 */
import { IoCapability } from '../constants.js';
import type { PairingFeatures } from '../pdu/types.js';

export type PairingMethod = 'just-works' | 'numeric-comparison' | 'passkey-entry' | 'oob';

/** Who shows and who types the passkey in Passkey Entry (Table 2.8). */
export type PasskeyRoles = { initiator: 'display' | 'input'; responder: 'display' | 'input' };

export interface AssociationModel {
  method: PairingMethod;
  /** Set for Passkey Entry only. */
  passkey?: PasskeyRoles;
}

const JW: AssociationModel = { method: 'just-works' };
const NC: AssociationModel = { method: 'numeric-comparison' };
const INIT_DISPLAYS: AssociationModel = {
  method: 'passkey-entry',
  passkey: { initiator: 'display', responder: 'input' },
};
const RESP_DISPLAYS: AssociationModel = {
  method: 'passkey-entry',
  passkey: { initiator: 'input', responder: 'display' },
};
const BOTH_INPUT: AssociationModel = {
  method: 'passkey-entry',
  passkey: { initiator: 'input', responder: 'input' },
};

/** One cell of Table 2.8: the legacy method, and the LE SC method where it differs. */
type Cell = AssociationModel | { legacy: AssociationModel; sc: AssociationModel };

const {
  displayOnly: DO,
  displayYesNo: DYN,
  keyboardOnly: KO,
  noInputNoOutput: NIO,
  keyboardDisplay: KD,
} = IoCapability;

/** Table 2.8, indexed [responder][initiator]. */
const IO_MAPPING: Readonly<Record<IoCapability, Readonly<Record<IoCapability, Cell>>>> = {
  [DO]: { [DO]: JW, [DYN]: JW, [KO]: RESP_DISPLAYS, [NIO]: JW, [KD]: RESP_DISPLAYS },
  [DYN]: {
    [DO]: JW,
    [DYN]: { legacy: JW, sc: NC },
    [KO]: RESP_DISPLAYS,
    [NIO]: JW,
    [KD]: { legacy: RESP_DISPLAYS, sc: NC },
  },
  [KO]: { [DO]: INIT_DISPLAYS, [DYN]: INIT_DISPLAYS, [KO]: BOTH_INPUT, [NIO]: JW, [KD]: INIT_DISPLAYS },
  [NIO]: { [DO]: JW, [DYN]: JW, [KO]: JW, [NIO]: JW, [KD]: JW },
  [KD]: {
    [DO]: INIT_DISPLAYS,
    [DYN]: { legacy: INIT_DISPLAYS, sc: NC },
    [KO]: RESP_DISPLAYS,
    [NIO]: JW,
    [KD]: { legacy: INIT_DISPLAYS, sc: NC },
  },
};

/** The Table 2.8 cell for these IO capabilities. */
export function ioCapabilityMapping(
  initiator: IoCapability,
  responder: IoCapability,
  sc: boolean,
): AssociationModel {
  const cell = IO_MAPPING[responder][initiator];
  if ('method' in cell) return cell;
  return sc ? cell.sc : cell.legacy;
}

/** The association model for a pairing, given the Pairing Request and Pairing Response as decoded. */
export function selectAssociationModel(
  request: PairingFeatures,
  response: PairingFeatures,
): AssociationModel {
  const sc = request.authReq.sc && response.authReq.sc;
  const oob = sc ? request.oobDataFlag || response.oobDataFlag : request.oobDataFlag && response.oobDataFlag;
  if (oob) return { method: 'oob' };
  if (!request.authReq.mitm && !response.authReq.mitm) return JW;
  return ioCapabilityMapping(request.ioCapability, response.ioCapability, sc);
}

/** Just Works is the only method without MITM protection (OOB is assumed to run over a protected channel). */
export function isAuthenticated(method: PairingMethod): boolean {
  return method !== 'just-works';
}
