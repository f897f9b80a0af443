/**
 * The server side of discovery and read-by-type requests (Core 6.0 Vol 3 Part F 3.4.3, 3.4.4.1,
 * 3.4.4.9): walk a handle range, stop at what does not fit the ATT_MTU or the response's uniform
 * entry size, and answer Attribute Not Found when nothing matched.
 */
import type { AttPdu, AttPduOf, HandleValue } from './att-pdu.js';
import { AttErrorCode, AttOpcode, GattUuid } from './constants.js';
import { errorResponse, type ServerContext } from './server-context.js';
import { isUuid16 } from './uuid.js';

/** Core 6.0 Vol 3 Part F 3.4.3.1: Starting Handle 0 or greater than Ending Handle is Invalid Handle. */
function invalidRange(opcode: number, start: number, end: number): AttPdu | undefined {
  return start === 0 || start > end ? errorResponse(opcode, start, AttErrorCode.invalidHandle) : undefined;
}

export function findInformation(ctx: ServerContext, pdu: AttPduOf<'find-information-request'>): AttPdu {
  const opcode = AttOpcode.findInformationRequest;
  const invalid = invalidRange(opcode, pdu.startHandle, pdu.endHandle);
  if (invalid) return invalid;
  const entries: { handle: number; type: string }[] = [];
  let short: boolean | undefined;
  let room = ctx.mtu - 2;
  for (const attribute of ctx.database.range(pdu.startHandle, pdu.endHandle)) {
    const isShort = isUuid16(attribute.type);
    short ??= isShort;
    const size = isShort ? 4 : 18;
    if (isShort !== short || size > room) break;
    entries.push({ handle: attribute.handle, type: attribute.type });
    room -= size;
  }
  if (entries.length === 0) return errorResponse(opcode, pdu.startHandle, AttErrorCode.attributeNotFound);
  return { op: 'find-information-response', entries };
}

export function findByTypeValue(ctx: ServerContext, pdu: AttPduOf<'find-by-type-value-request'>): AttPdu {
  const opcode = AttOpcode.findByTypeValueRequest;
  const invalid = invalidRange(opcode, pdu.startHandle, pdu.endHandle);
  if (invalid) return invalid;
  const ranges: { handle: number; groupEndHandle: number }[] = [];
  const max = Math.floor((ctx.mtu - 1) / 4);
  for (const attribute of ctx.database.range(pdu.startHandle, pdu.endHandle)) {
    if (ranges.length >= max) break;
    if (attribute.type !== pdu.type || !equal(attribute.value, pdu.value)) continue;
    ranges.push({ handle: attribute.handle, groupEndHandle: attribute.endGroup ?? attribute.handle });
  }
  if (ranges.length === 0) return errorResponse(opcode, pdu.startHandle, AttErrorCode.attributeNotFound);
  return { op: 'find-by-type-value-response', ranges };
}

export async function readByType(ctx: ServerContext, pdu: AttPduOf<'read-by-type-request'>): Promise<AttPdu> {
  const opcode = AttOpcode.readByTypeRequest;
  const invalid = invalidRange(opcode, pdu.startHandle, pdu.endHandle);
  if (invalid) return invalid;
  const entries: HandleValue[] = [];
  const maxValue = Math.min(ctx.mtu - 4, 253); // the Length octet covers handle + value, at most 255
  let room = ctx.mtu - 2;
  for (const attribute of ctx.database.range(pdu.startHandle, pdu.endHandle)) {
    if (attribute.type !== pdu.type) continue;
    const refused = await ctx.check(attribute, 'read');
    if (refused !== undefined) {
      // Core 6.0 Vol 3 Part F 3.4.4.1: an error on the first match is the answer; later ones end the list.
      if (entries.length === 0) return errorResponse(opcode, attribute.handle, refused);
      break;
    }
    const value = (await ctx.readValue(attribute)).subarray(0, maxValue);
    const first = entries[0];
    if ((first && first.value.length !== value.length) || 2 + value.length > room) break;
    entries.push({ handle: attribute.handle, value });
    room -= 2 + value.length;
  }
  if (entries.length === 0) return errorResponse(opcode, pdu.startHandle, AttErrorCode.attributeNotFound);
  return { op: 'read-by-type-response', entries };
}

export async function readByGroupType(
  ctx: ServerContext,
  pdu: AttPduOf<'read-by-group-type-request'>,
): Promise<AttPdu> {
  const opcode = AttOpcode.readByGroupTypeRequest;
  const invalid = invalidRange(opcode, pdu.startHandle, pdu.endHandle);
  if (invalid) return invalid;
  // Core 6.0 Vol 3 Part G 2.5.3: only service declarations are grouping types.
  if (pdu.type !== GattUuid.primaryService && pdu.type !== GattUuid.secondaryService) {
    return errorResponse(opcode, pdu.startHandle, AttErrorCode.unsupportedGroupType);
  }
  const entries: { handle: number; endGroupHandle: number; value: Uint8Array }[] = [];
  const maxValue = Math.min(ctx.mtu - 6, 251);
  let room = ctx.mtu - 2;
  for (const attribute of ctx.database.range(pdu.startHandle, pdu.endHandle)) {
    if (attribute.type !== pdu.type) continue;
    const value = (await ctx.readValue(attribute)).subarray(0, maxValue);
    const first = entries[0];
    if ((first && first.value.length !== value.length) || 4 + value.length > room) break;
    entries.push({ handle: attribute.handle, endGroupHandle: attribute.endGroup ?? attribute.handle, value });
    room -= 4 + value.length;
  }
  if (entries.length === 0) return errorResponse(opcode, pdu.startHandle, AttErrorCode.attributeNotFound);
  return { op: 'read-by-group-type-response', entries };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
