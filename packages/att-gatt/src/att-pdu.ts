/**
 * ATT PDUs (Core 6.0 Vol 3 Part F 3.4): one discriminated union, one codec table with an encode/decode
 * pair per opcode. Decoding checks every length and returns a typed error, never reading past the buffer.
 */
import { concatBytes, err, ok, putU16, type Result, u16 } from '@tsble/base';
import { ATT_SIGNATURE_LENGTH, AttOpcode } from './constants.js';
import { type Uuid, uuidFromBytes, uuidToBytes } from './uuid.js';

export interface HandleValue {
  handle: number;
  value: Uint8Array;
}

export type AttPdu =
  | { op: 'error-response'; requestOpcode: number; handle: number; errorCode: number }
  | { op: 'exchange-mtu-request'; mtu: number }
  | { op: 'exchange-mtu-response'; mtu: number }
  | { op: 'find-information-request'; startHandle: number; endHandle: number }
  | { op: 'find-information-response'; entries: { handle: number; type: Uuid }[] }
  | {
      op: 'find-by-type-value-request';
      startHandle: number;
      endHandle: number;
      type: Uuid;
      value: Uint8Array;
    }
  | { op: 'find-by-type-value-response'; ranges: { handle: number; groupEndHandle: number }[] }
  | { op: 'read-by-type-request'; startHandle: number; endHandle: number; type: Uuid }
  | { op: 'read-by-type-response'; entries: HandleValue[] }
  | { op: 'read-request'; handle: number }
  | { op: 'read-response'; value: Uint8Array }
  | { op: 'read-blob-request'; handle: number; offset: number }
  | { op: 'read-blob-response'; value: Uint8Array }
  | { op: 'read-multiple-request'; handles: number[] }
  | { op: 'read-multiple-response'; values: Uint8Array }
  | { op: 'read-by-group-type-request'; startHandle: number; endHandle: number; type: Uuid }
  | {
      op: 'read-by-group-type-response';
      entries: { handle: number; endGroupHandle: number; value: Uint8Array }[];
    }
  | { op: 'write-request'; handle: number; value: Uint8Array }
  | { op: 'write-response' }
  | { op: 'prepare-write-request'; handle: number; offset: number; value: Uint8Array }
  | { op: 'prepare-write-response'; handle: number; offset: number; value: Uint8Array }
  | { op: 'execute-write-request'; flags: number }
  | { op: 'execute-write-response' }
  | { op: 'handle-value-notification'; handle: number; value: Uint8Array }
  | { op: 'handle-value-indication'; handle: number; value: Uint8Array }
  | { op: 'handle-value-confirmation' }
  | { op: 'read-multiple-variable-request'; handles: number[] }
  | { op: 'read-multiple-variable-response'; values: Uint8Array[] }
  | { op: 'multiple-handle-value-notification'; entries: HandleValue[] }
  | { op: 'write-command'; handle: number; value: Uint8Array }
  | { op: 'signed-write-command'; handle: number; value: Uint8Array; signature: Uint8Array };

export type AttOp = AttPdu['op'];
export type AttPduOf<Op extends AttOp> = Extract<AttPdu, { op: Op }>;

/** Why bytes are not an ATT PDU: nothing there, an opcode ATT does not define, or parameters that do not fit it. */
export interface AttDecodeError {
  kind: 'empty' | 'unknown-opcode' | 'invalid-pdu';
  opcode?: number;
}

interface Codec<Op extends AttOp> {
  opcode: number;
  encode(pdu: AttPduOf<Op>): Uint8Array;
  /** Decodes the parameters after the opcode; undefined when they are malformed. */
  decode(body: Uint8Array): Omit<AttPduOf<Op>, 'op'> | undefined;
}

// --- small field helpers -------------------------------------------------------------------------

function u16s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  for (const [i, v] of values.entries()) putU16(out, i * 2, v);
  return out;
}

const empty: Codec<'write-response'> = {
  opcode: 0,
  encode: () => new Uint8Array(0),
  decode: (b) => (b.length === 0 ? {} : undefined),
};

const mtuCodec: Codec<'exchange-mtu-request'> = {
  opcode: 0,
  encode: (p) => u16s(p.mtu),
  decode: (b) => (b.length === 2 ? { mtu: u16(b, 0) } : undefined),
};

const handleValue: Codec<'write-request'> = {
  opcode: 0,
  encode: (p) => concatBytes(u16s(p.handle), p.value),
  decode: (b) => (b.length >= 2 ? { handle: u16(b, 0), value: b.slice(2) } : undefined),
};

const rangeType: Codec<'read-by-type-request'> = {
  opcode: 0,
  encode: (p) => concatBytes(u16s(p.startHandle, p.endHandle), uuidToBytes(p.type)),
  decode: (b) => {
    const type = b.length === 6 || b.length === 20 ? uuidFromBytes(b.subarray(4)) : undefined;
    return type === undefined ? undefined : { startHandle: u16(b, 0), endHandle: u16(b, 2), type };
  },
};

const handleOffsetValue: Codec<'prepare-write-request'> = {
  opcode: 0,
  encode: (p) => concatBytes(u16s(p.handle, p.offset), p.value),
  decode: (b) => (b.length >= 4 ? { handle: u16(b, 0), offset: u16(b, 2), value: b.slice(4) } : undefined),
};

const handleList: Codec<'read-multiple-request'> = {
  opcode: 0,
  encode: (p) => u16s(...p.handles),
  // Core 6.0 Vol 3 Part F 3.4.4.7: a Set Of Handles holds two or more handles.
  decode: (b) =>
    b.length >= 4 && b.length % 2 === 0
      ? { handles: Array.from({ length: b.length / 2 }, (_, i) => u16(b, i * 2)) }
      : undefined,
};

const value: Codec<'read-response'> = {
  opcode: 0,
  encode: (p) => p.value,
  decode: (b) => ({ value: b.slice() }),
};

/** Read By Type / Group Type responses: a Length octet, then equal-length entries. */
function lengthPrefixedList<T>(
  body: Uint8Array,
  minEntry: number,
  decodeEntry: (entry: Uint8Array) => T,
): T[] | undefined {
  const length = body[0];
  if (
    length === undefined ||
    length < minEntry ||
    body.length < 1 + length ||
    (body.length - 1) % length !== 0
  ) {
    return undefined;
  }
  const entries: T[] = [];
  for (let at = 1; at < body.length; at += length) entries.push(decodeEntry(body.subarray(at, at + length)));
  return entries;
}

function encodeLengthPrefixed(entries: Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(entries[0]?.length ?? 0), ...entries);
}

// --- the table -----------------------------------------------------------------------------------

type CodecTable = { [Op in AttOp]: Codec<Op> };

/** A shared shape (e.g. Handle + Value) under a given opcode. */
const with_ = <Op extends AttOp>(opcode: number, shape: object): Codec<Op> =>
  ({ ...shape, opcode }) as unknown as Codec<Op>;

export const ATT_CODECS: CodecTable = {
  'error-response': {
    opcode: AttOpcode.errorResponse,
    encode: (p) => concatBytes(Uint8Array.of(p.requestOpcode), u16s(p.handle), Uint8Array.of(p.errorCode)),
    decode: (b) =>
      b.length === 4 ? { requestOpcode: b[0] ?? 0, handle: u16(b, 1), errorCode: b[3] ?? 0 } : undefined,
  },
  'exchange-mtu-request': with_(AttOpcode.exchangeMtuRequest, mtuCodec),
  'exchange-mtu-response': with_(AttOpcode.exchangeMtuResponse, mtuCodec),
  'find-information-request': {
    opcode: AttOpcode.findInformationRequest,
    encode: (p) => u16s(p.startHandle, p.endHandle),
    decode: (b) => (b.length === 4 ? { startHandle: u16(b, 0), endHandle: u16(b, 2) } : undefined),
  },
  'find-information-response': {
    opcode: AttOpcode.findInformationResponse,
    encode: (p) => {
      const wide = p.entries.some((e) => e.type.length !== 4);
      return concatBytes(
        Uint8Array.of(wide ? 0x02 : 0x01),
        ...p.entries.map((e) => concatBytes(u16s(e.handle), uuidToBytes(e.type))),
      );
    },
    decode: (b) => {
      const format = b[0];
      const size = format === 0x01 ? 4 : format === 0x02 ? 18 : 0;
      if (size === 0 || b.length < 1 + size || (b.length - 1) % size !== 0) return undefined;
      const entries: { handle: number; type: Uuid }[] = [];
      for (let at = 1; at < b.length; at += size) {
        entries.push({
          handle: u16(b, at),
          type: uuidFromBytes(b.subarray(at + 2, at + size)) as Uuid,
        });
      }
      return { entries };
    },
  },
  'find-by-type-value-request': {
    opcode: AttOpcode.findByTypeValueRequest,
    encode: (p) => concatBytes(u16s(p.startHandle, p.endHandle), uuidToBytes(p.type), p.value),
    decode: (b) =>
      b.length >= 6
        ? {
            startHandle: u16(b, 0),
            endHandle: u16(b, 2),
            type: uuidFromBytes(b.subarray(4, 6)) as Uuid,
            value: b.slice(6),
          }
        : undefined,
  },
  'find-by-type-value-response': {
    opcode: AttOpcode.findByTypeValueResponse,
    encode: (p) => u16s(...p.ranges.flatMap((r) => [r.handle, r.groupEndHandle])),
    decode: (b) => {
      if (b.length < 4 || b.length % 4 !== 0) return undefined;
      const ranges = Array.from({ length: b.length / 4 }, (_, i) => ({
        handle: u16(b, i * 4),
        groupEndHandle: u16(b, i * 4 + 2),
      }));
      return { ranges };
    },
  },
  'read-by-type-request': with_(AttOpcode.readByTypeRequest, rangeType),
  'read-by-type-response': {
    opcode: AttOpcode.readByTypeResponse,
    encode: (p) => encodeLengthPrefixed(p.entries.map((e) => concatBytes(u16s(e.handle), e.value))),
    decode: (b) => {
      const entries = lengthPrefixedList(b, 2, (e) => ({ handle: u16(e, 0), value: e.slice(2) }));
      return entries && { entries };
    },
  },
  'read-request': {
    opcode: AttOpcode.readRequest,
    encode: (p) => u16s(p.handle),
    decode: (b) => (b.length === 2 ? { handle: u16(b, 0) } : undefined),
  },
  'read-response': with_(AttOpcode.readResponse, value),
  'read-blob-request': {
    opcode: AttOpcode.readBlobRequest,
    encode: (p) => u16s(p.handle, p.offset),
    decode: (b) => (b.length === 4 ? { handle: u16(b, 0), offset: u16(b, 2) } : undefined),
  },
  'read-blob-response': with_(AttOpcode.readBlobResponse, value),
  'read-multiple-request': with_(AttOpcode.readMultipleRequest, handleList),
  'read-multiple-response': {
    opcode: AttOpcode.readMultipleResponse,
    encode: (p) => p.values,
    decode: (b) => ({ values: b.slice() }),
  },
  'read-by-group-type-request': with_(AttOpcode.readByGroupTypeRequest, rangeType),
  'read-by-group-type-response': {
    opcode: AttOpcode.readByGroupTypeResponse,
    encode: (p) =>
      encodeLengthPrefixed(p.entries.map((e) => concatBytes(u16s(e.handle, e.endGroupHandle), e.value))),
    decode: (b) => {
      const entries = lengthPrefixedList(b, 4, (e) => ({
        handle: u16(e, 0),
        endGroupHandle: u16(e, 2),
        value: e.slice(4),
      }));
      return entries && { entries };
    },
  },
  'write-request': with_(AttOpcode.writeRequest, handleValue),
  'write-response': with_(AttOpcode.writeResponse, empty),
  'prepare-write-request': with_(AttOpcode.prepareWriteRequest, handleOffsetValue),
  'prepare-write-response': with_(AttOpcode.prepareWriteResponse, handleOffsetValue),
  'execute-write-request': {
    opcode: AttOpcode.executeWriteRequest,
    encode: (p) => Uint8Array.of(p.flags),
    decode: (b) => (b.length === 1 ? { flags: b[0] ?? 0 } : undefined),
  },
  'execute-write-response': with_(AttOpcode.executeWriteResponse, empty),
  'handle-value-notification': with_(AttOpcode.handleValueNotification, handleValue),
  'handle-value-indication': with_(AttOpcode.handleValueIndication, handleValue),
  'handle-value-confirmation': with_(AttOpcode.handleValueConfirmation, empty),
  'read-multiple-variable-request': with_(AttOpcode.readMultipleVariableRequest, handleList),
  'read-multiple-variable-response': {
    opcode: AttOpcode.readMultipleVariableResponse,
    encode: (p) => concatBytes(...p.values.flatMap((v) => [u16s(v.length), v])),
    decode: (b) => {
      // Core 6.0 Vol 3 Part F 3.4.4.12: the last value may be cut short to fit ATT_MTU.
      const values: Uint8Array[] = [];
      let at = 0;
      while (at < b.length) {
        if (at + 2 > b.length) return undefined;
        const length = u16(b, at);
        values.push(b.slice(at + 2, at + 2 + length));
        at += 2 + length;
      }
      return { values };
    },
  },
  'multiple-handle-value-notification': {
    opcode: AttOpcode.multipleHandleValueNotification,
    encode: (p) => concatBytes(...p.entries.flatMap((e) => [u16s(e.handle, e.value.length), e.value])),
    decode: (b) => {
      const entries: HandleValue[] = [];
      let at = 0;
      while (at < b.length) {
        if (at + 4 > b.length) return undefined;
        const length = u16(b, at + 2);
        if (at + 4 + length > b.length) return undefined;
        entries.push({ handle: u16(b, at), value: b.slice(at + 4, at + 4 + length) });
        at += 4 + length;
      }
      return entries.length >= 2 ? { entries } : undefined;
    },
  },
  'write-command': with_(AttOpcode.writeCommand, handleValue),
  'signed-write-command': {
    opcode: AttOpcode.signedWriteCommand,
    encode: (p) => concatBytes(u16s(p.handle), p.value, p.signature),
    decode: (b) =>
      b.length >= 2 + ATT_SIGNATURE_LENGTH
        ? {
            handle: u16(b, 0),
            value: b.slice(2, b.length - ATT_SIGNATURE_LENGTH),
            signature: b.slice(b.length - ATT_SIGNATURE_LENGTH),
          }
        : undefined,
  },
};

const OP_BY_OPCODE = new Map<number, AttOp>(
  (Object.keys(ATT_CODECS) as AttOp[]).map((op) => [ATT_CODECS[op].opcode, op]),
);

/** The opcode of an op name. */
export function opcodeOf(op: AttOp): number {
  return ATT_CODECS[op].opcode;
}

/** The op name of an opcode, if we know it. */
export function opOf(opcode: number): AttOp | undefined {
  return OP_BY_OPCODE.get(opcode);
}

export function encodeAttPdu(pdu: AttPdu): Uint8Array {
  const codec = ATT_CODECS[pdu.op] as Codec<AttOp>;
  const body = codec.encode(pdu as never);
  const out = new Uint8Array(1 + body.length);
  out[0] = codec.opcode;
  out.set(body, 1);
  return out;
}

/** Decodes one ATT PDU; never throws and never reads past `bytes`. */
export function decodeAttPdu(bytes: Uint8Array): Result<AttPdu, AttDecodeError> {
  const opcode = bytes[0];
  if (opcode === undefined) return err({ kind: 'empty' });
  const op = OP_BY_OPCODE.get(opcode);
  if (op === undefined) return err({ kind: 'unknown-opcode', opcode });
  const fields = (ATT_CODECS[op] as Codec<AttOp>).decode(bytes.subarray(1));
  if (fields === undefined) return err({ kind: 'invalid-pdu', opcode });
  return ok({ op, ...fields } as AttPdu);
}
