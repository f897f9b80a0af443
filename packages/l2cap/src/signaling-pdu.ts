/**
 * LE signaling commands (Core 6.0 Vol 3 Part A 4): one encode/decode pair. Every command but Command
 * Reject is a fixed list of 16-bit little-endian fields, so the codec is a table of field names.
 */
import { err, ok, putU16, type Result, u16 } from '@tsble/base';
import { SIGNALING_HEADER_LENGTH, SignalingCode } from './constants.js';

interface Identified {
  identifier: number;
}

export type SignalingCommand = Identified &
  (
    | { op: 'command-reject'; reason: number; data: Uint8Array }
    | { op: 'disconnection-request'; destinationCid: number; sourceCid: number }
    | { op: 'disconnection-response'; destinationCid: number; sourceCid: number }
    | {
        op: 'connection-parameter-update-request';
        intervalMin: number;
        intervalMax: number;
        latency: number;
        timeout: number;
      }
    | { op: 'connection-parameter-update-response'; result: number }
    | {
        op: 'le-credit-based-connection-request';
        spsm: number;
        sourceCid: number;
        mtu: number;
        mps: number;
        initialCredits: number;
      }
    | {
        op: 'le-credit-based-connection-response';
        destinationCid: number;
        mtu: number;
        mps: number;
        initialCredits: number;
        result: number;
      }
    | { op: 'flow-control-credit-indication'; cid: number; credits: number }
  );

export type SignalingOp = SignalingCommand['op'];
type FixedOp = Exclude<SignalingOp, 'command-reject'>;

/** The 16-bit fields of each fixed-layout command, in wire order (Core 6.0 Vol 3 Part A 4.6-4.24). */
const FIELDS: { [K in FixedOp]: readonly string[] } = {
  'disconnection-request': ['destinationCid', 'sourceCid'],
  'disconnection-response': ['destinationCid', 'sourceCid'],
  'connection-parameter-update-request': ['intervalMin', 'intervalMax', 'latency', 'timeout'],
  'connection-parameter-update-response': ['result'],
  'le-credit-based-connection-request': ['spsm', 'sourceCid', 'mtu', 'mps', 'initialCredits'],
  'le-credit-based-connection-response': ['destinationCid', 'mtu', 'mps', 'initialCredits', 'result'],
  'flow-control-credit-indication': ['cid', 'credits'],
};

const CODE_OF: { [K in SignalingOp]: number } = {
  'command-reject': SignalingCode.commandReject,
  'disconnection-request': SignalingCode.disconnectionRequest,
  'disconnection-response': SignalingCode.disconnectionResponse,
  'connection-parameter-update-request': SignalingCode.connectionParameterUpdateRequest,
  'connection-parameter-update-response': SignalingCode.connectionParameterUpdateResponse,
  'le-credit-based-connection-request': SignalingCode.leCreditBasedConnectionRequest,
  'le-credit-based-connection-response': SignalingCode.leCreditBasedConnectionResponse,
  'flow-control-credit-indication': SignalingCode.flowControlCreditIndication,
};

const OP_OF = new Map<number, SignalingOp>(
  Object.entries(CODE_OF).map(([op, code]) => [code, op as SignalingOp]),
);

/** Why a C-frame could not be decoded; `identifier`/`code` are present when the header was readable. */
export interface SignalingDecodeError {
  kind: 'truncated-header' | 'length-mismatch' | 'unknown-code' | 'too-short';
  code?: number;
  identifier?: number;
}

export function encodeSignalingCommand(command: SignalingCommand): Uint8Array {
  const body = command.op === 'command-reject' ? encodeReject(command) : encodeFixed(command);
  const out = new Uint8Array(SIGNALING_HEADER_LENGTH + body.length);
  out[0] = CODE_OF[command.op];
  out[1] = command.identifier & 0xff;
  putU16(out, 2, body.length);
  out.set(body, SIGNALING_HEADER_LENGTH);
  return out;
}

function encodeReject(command: Extract<SignalingCommand, { op: 'command-reject' }>): Uint8Array {
  const body = new Uint8Array(2 + command.data.length);
  putU16(body, 0, command.reason);
  body.set(command.data, 2);
  return body;
}

function encodeFixed(command: Exclude<SignalingCommand, { op: 'command-reject' }>): Uint8Array {
  const fields = FIELDS[command.op];
  const body = new Uint8Array(fields.length * 2);
  const values = command as unknown as Record<string, number>;
  for (const [i, field] of fields.entries()) putU16(body, i * 2, values[field] ?? 0);
  return body;
}

/**
 * Decodes one signaling command (LE carries exactly one per C-frame, Core 6.0 Vol 3 Part A 4).
 * Octets beyond a fixed command's fields are ignored; a shorter command is an error.
 */
export function decodeSignalingCommand(frame: Uint8Array): Result<SignalingCommand, SignalingDecodeError> {
  if (frame.length < SIGNALING_HEADER_LENGTH) return err({ kind: 'truncated-header' });
  const code = frame[0] ?? 0;
  const identifier = frame[1] ?? 0;
  const length = u16(frame, 2);
  if (length !== frame.length - SIGNALING_HEADER_LENGTH)
    return err({ kind: 'length-mismatch', code, identifier });
  const op = OP_OF.get(code);
  if (op === undefined) return err({ kind: 'unknown-code', code, identifier });
  const body = frame.subarray(SIGNALING_HEADER_LENGTH);
  if (op === 'command-reject') {
    if (body.length < 2) return err({ kind: 'too-short', code, identifier });
    return ok({ op, identifier, reason: u16(body, 0), data: body.slice(2) });
  }
  const fields = FIELDS[op];
  if (body.length < fields.length * 2) return err({ kind: 'too-short', code, identifier });
  const command: Record<string, unknown> = { op, identifier };
  fields.forEach((field, i) => {
    command[field] = u16(body, i * 2);
  });
  return ok(command as unknown as SignalingCommand);
}
