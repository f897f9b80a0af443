/** SEC 1 2.3.3 uncompressed point encoding (0x04 || x || y, big-endian), as WebCrypto and OpenSSL take it. */
import type { BigEndianPoint } from '../provider.js';

const UNCOMPRESSED_POINT = 0x04;

export function uncompressed(point: BigEndianPoint): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(65);
  out[0] = UNCOMPRESSED_POINT;
  out.set(point.x, 1);
  out.set(point.y, 33);
  return out;
}

export function splitUncompressed(bytes: Uint8Array): BigEndianPoint {
  return { x: bytes.slice(1, 33), y: bytes.slice(33, 65) };
}
