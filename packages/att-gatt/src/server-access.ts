/**
 * The server side of reads and writes (Core 6.0 Vol 3 Part F 3.4.4-3.4.6): each request passes the
 * gate for every attribute it touches before any value is read or changed.
 */
import type { AttPdu, AttPduOf } from './att-pdu.js';
import { ATT_MAX_VALUE_LENGTH, AttErrorCode, AttOpcode, ExecuteWriteFlags } from './constants.js';
import type { Attribute } from './gatt-database.js';
import { errorResponse, type ServerContext } from './server-context.js';

/** Bounds on one client's prepare queue, so a peer cannot make us hold unbounded data. */
export const PREPARE_QUEUE_LIMITS = { entries: 64, octets: 4 * ATT_MAX_VALUE_LENGTH } as const;

type Gate = { attribute: Attribute } | { error: [handle: number, code: number] };

async function gate(ctx: ServerContext, handle: number, access: 'read' | 'write'): Promise<Gate> {
  const attribute = ctx.database.get(handle);
  if (!attribute) return { error: [handle, AttErrorCode.invalidHandle] };
  const refused = await ctx.check(attribute, access);
  return refused === undefined ? { attribute } : { error: [handle, refused] };
}

export async function read(ctx: ServerContext, pdu: AttPduOf<'read-request'>): Promise<AttPdu> {
  const g = await gate(ctx, pdu.handle, 'read');
  if ('error' in g) return errorResponse(AttOpcode.readRequest, ...g.error);
  const value = await ctx.readValue(g.attribute);
  return { op: 'read-response', value: value.subarray(0, ctx.mtu - 1) };
}

export async function readBlob(ctx: ServerContext, pdu: AttPduOf<'read-blob-request'>): Promise<AttPdu> {
  const g = await gate(ctx, pdu.handle, 'read');
  if ('error' in g) return errorResponse(AttOpcode.readBlobRequest, ...g.error);
  const value = await ctx.readValue(g.attribute);
  if (pdu.offset > value.length)
    return errorResponse(AttOpcode.readBlobRequest, pdu.handle, AttErrorCode.invalidOffset);
  return { op: 'read-blob-response', value: value.subarray(pdu.offset, pdu.offset + ctx.mtu - 1) };
}

async function readAll(
  ctx: ServerContext,
  opcode: number,
  handles: number[],
): Promise<Uint8Array[] | AttPdu> {
  const values: Uint8Array[] = [];
  for (const handle of handles) {
    const g = await gate(ctx, handle, 'read');
    if ('error' in g) return errorResponse(opcode, ...g.error);
    values.push(await ctx.readValue(g.attribute));
  }
  return values;
}

export async function readMultiple(
  ctx: ServerContext,
  pdu: AttPduOf<'read-multiple-request'>,
): Promise<AttPdu> {
  const values = await readAll(ctx, AttOpcode.readMultipleRequest, pdu.handles);
  if (!Array.isArray(values)) return values;
  const joined = new Uint8Array(
    Math.min(
      values.reduce((n, v) => n + v.length, 0),
      ctx.mtu - 1,
    ),
  );
  let at = 0;
  for (const value of values) {
    joined.set(value.subarray(0, joined.length - at), at);
    at += Math.min(value.length, joined.length - at);
  }
  return { op: 'read-multiple-response', values: joined };
}

export async function readMultipleVariable(
  ctx: ServerContext,
  pdu: AttPduOf<'read-multiple-variable-request'>,
): Promise<AttPdu> {
  const values = await readAll(ctx, AttOpcode.readMultipleVariableRequest, pdu.handles);
  if (!Array.isArray(values)) return values;
  // Core 6.0 Vol 3 Part F 3.4.4.12: Length Value Tuples, the last one truncated to fit ATT_MTU - 1.
  const out: Uint8Array[] = [];
  let room = ctx.mtu - 1;
  for (const value of values) {
    if (room < 2) break;
    out.push(value.subarray(0, room - 2));
    room -= 2 + Math.min(value.length, room - 2);
  }
  return { op: 'read-multiple-variable-response', values: out };
}

/** Write Request and Write Command share everything but the answer. */
export async function write(ctx: ServerContext, handle: number, value: Uint8Array): Promise<AttPdu> {
  const g = await gate(ctx, handle, 'write');
  if ('error' in g) return errorResponse(AttOpcode.writeRequest, ...g.error);
  const refused = await ctx.writeValue(g.attribute, value);
  return refused === undefined
    ? { op: 'write-response' }
    : errorResponse(AttOpcode.writeRequest, handle, refused);
}

export async function prepareWrite(
  ctx: ServerContext,
  pdu: AttPduOf<'prepare-write-request'>,
): Promise<AttPdu> {
  const g = await gate(ctx, pdu.handle, 'write');
  if ('error' in g) return errorResponse(AttOpcode.prepareWriteRequest, ...g.error);
  const queued = ctx.prepareQueue.reduce((n, w) => n + w.value.length, 0);
  if (
    ctx.prepareQueue.length >= PREPARE_QUEUE_LIMITS.entries ||
    queued + pdu.value.length > PREPARE_QUEUE_LIMITS.octets
  ) {
    return errorResponse(AttOpcode.prepareWriteRequest, pdu.handle, AttErrorCode.prepareQueueFull);
  }
  ctx.prepareQueue.push({ handle: pdu.handle, offset: pdu.offset, value: pdu.value });
  return { op: 'prepare-write-response', handle: pdu.handle, offset: pdu.offset, value: pdu.value };
}

/**
 * Execute Write: all prepared values are assembled and validated first, then written, so a refused
 * execution changes nothing (Core 6.0 Vol 3 Part F 3.4.6.3).
 */
export async function executeWrite(
  ctx: ServerContext,
  pdu: AttPduOf<'execute-write-request'>,
): Promise<AttPdu> {
  const opcode = AttOpcode.executeWriteRequest;
  const queue = ctx.prepareQueue.splice(0);
  if (pdu.flags === ExecuteWriteFlags.cancel) return { op: 'execute-write-response' };
  if (pdu.flags !== ExecuteWriteFlags.write) return errorResponse(opcode, 0, AttErrorCode.invalidPdu);
  const assembled = new Map<number, Uint8Array>();
  for (const part of queue) {
    const attribute = ctx.database.get(part.handle) as Attribute;
    const current =
      assembled.get(part.handle) ?? (part.offset === 0 ? new Uint8Array(0) : await ctx.readValue(attribute));
    if (part.offset > current.length) return errorResponse(opcode, part.handle, AttErrorCode.invalidOffset);
    const next = new Uint8Array(Math.max(current.length, part.offset + part.value.length));
    next.set(current);
    next.set(part.value, part.offset);
    if (next.length > attribute.maxLength)
      return errorResponse(opcode, part.handle, AttErrorCode.invalidAttributeValueLength);
    assembled.set(part.handle, next);
  }
  for (const [handle, value] of assembled) {
    const refused = await ctx.writeValue(ctx.database.get(handle) as Attribute, value);
    if (refused !== undefined) return errorResponse(opcode, handle, refused);
  }
  return { op: 'execute-write-response' };
}
