/**
 * The lower tester's own reading of the association model tables (Core 6.0 Vol 3 Part H 2.3.5.1, Tables 2.6
 * to 2.8), written independently of smp-core's so that a shared mistake cannot make both sides agree.
 */
import { AUTH, type LtFeatures } from './smp-frames.js';

export type LtMethod = 'just-works' | 'numeric-comparison' | 'passkey-entry' | 'oob';
/** Who shows the passkey: the initiator, the responder, or nobody (both type the same one). */
export type PasskeyDisplay = 'initiator' | 'responder' | 'both-input';

export interface Association {
  method: LtMethod;
  display?: PasskeyDisplay;
}

// Rows: initiator IO capability; columns: responder IO capability (DisplayOnly, DisplayYesNo, KeyboardOnly,
// NoInputNoOutput, KeyboardDisplay). JW just works, NC numeric comparison in LE SC (JW in legacy),
// ID initiator displays / responder types, RD responder displays / initiator types, BI both type,
// IDNC: ID in legacy, NC in LE SC; RDNC: RD in legacy, NC in LE SC.
type Cell = 'JW' | 'NC' | 'ID' | 'RD' | 'BI' | 'IDNC' | 'RDNC';
const TABLE: readonly (readonly Cell[])[] = [
  ['JW', 'JW', 'ID', 'JW', 'ID'],
  ['JW', 'NC', 'ID', 'JW', 'IDNC'],
  ['RD', 'RD', 'BI', 'JW', 'RD'],
  ['JW', 'JW', 'JW', 'JW', 'JW'],
  ['RD', 'RDNC', 'ID', 'JW', 'IDNC'],
];

export function associate(initiator: LtFeatures, responder: LtFeatures): Association & { sc: boolean } {
  const sc = (initiator.authReq & AUTH.sc) !== 0 && (responder.authReq & AUTH.sc) !== 0;
  const mitm = ((initiator.authReq | responder.authReq) & AUTH.mitm) !== 0;
  if (sc ? initiator.oob || responder.oob : initiator.oob && responder.oob) return { method: 'oob', sc };
  if (!mitm) return { method: 'just-works', sc };
  const cell = TABLE[initiator.io]?.[responder.io] ?? 'JW';
  switch (cell) {
    case 'JW':
      return { method: 'just-works', sc };
    case 'NC':
      return { method: sc ? 'numeric-comparison' : 'just-works', sc };
    case 'ID':
      return { method: 'passkey-entry', display: 'initiator', sc };
    case 'RD':
      return { method: 'passkey-entry', display: 'responder', sc };
    case 'BI':
      return { method: 'passkey-entry', display: 'both-input', sc };
    case 'IDNC':
      return sc
        ? { method: 'numeric-comparison', sc }
        : { method: 'passkey-entry', display: 'initiator', sc };
    case 'RDNC':
      return sc
        ? { method: 'numeric-comparison', sc }
        : { method: 'passkey-entry', display: 'responder', sc };
  }
}
