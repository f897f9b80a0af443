/**
 * Which ATT PDUs are requests a server answers, and which response each expects
 * (Core 6.0 Vol 3 Part F 3.3 and 3.4.9, Table 3.38).
 */
import type { AttOp, AttPduOf } from './att-pdu.js';

/** Requests a server answers (Core 6.0 Vol 3 Part F 3.4.9, Table 3.38). */
export type AttRequestOp =
  | 'find-information-request'
  | 'find-by-type-value-request'
  | 'read-by-type-request'
  | 'read-request'
  | 'read-blob-request'
  | 'read-multiple-request'
  | 'read-by-group-type-request'
  | 'write-request'
  | 'prepare-write-request'
  | 'execute-write-request'
  | 'read-multiple-variable-request';
export type AttRequest = AttPduOf<AttRequestOp>;
export type AttCommand = AttPduOf<'write-command' | 'signed-write-command'>;

export const REQUEST_OPS: ReadonlySet<AttOp> = new Set<AttOp>([
  'find-information-request',
  'find-by-type-value-request',
  'read-by-type-request',
  'read-request',
  'read-blob-request',
  'read-multiple-request',
  'read-by-group-type-request',
  'write-request',
  'prepare-write-request',
  'execute-write-request',
  'read-multiple-variable-request',
]);

/** The response op each request expects. */
export const RESPONSE_OF = {
  'exchange-mtu-request': 'exchange-mtu-response',
  'find-information-request': 'find-information-response',
  'find-by-type-value-request': 'find-by-type-value-response',
  'read-by-type-request': 'read-by-type-response',
  'read-request': 'read-response',
  'read-blob-request': 'read-blob-response',
  'read-multiple-request': 'read-multiple-response',
  'read-by-group-type-request': 'read-by-group-type-response',
  'write-request': 'write-response',
  'prepare-write-request': 'prepare-write-response',
  'execute-write-request': 'execute-write-response',
  'read-multiple-variable-request': 'read-multiple-variable-response',
} as const;
export type ClientRequestOp = keyof typeof RESPONSE_OF;
export type ResponseOf<Op extends ClientRequestOp> = AttPduOf<(typeof RESPONSE_OF)[Op]>;
