import { putU16 } from '@tsble/base';
import { BASIC_HEADER_LENGTH } from './constants.js';

/** Prefixes the Basic L2CAP header (Length, CID) to `payload` (Core 6.0 Vol 3 Part A 3.1). */
export function encodeBasicFrame(cid: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(BASIC_HEADER_LENGTH + payload.length);
  putU16(frame, 0, payload.length);
  putU16(frame, 2, cid);
  frame.set(payload, BASIC_HEADER_LENGTH);
  return frame;
}
