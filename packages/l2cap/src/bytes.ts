/** Little-endian field access on Uint8Array, as every L2CAP/ATT field is carried (Core 6.0 Vol 3 Part A 1.4). */
export function readUint16(data: Uint8Array, offset: number): number {
  return (data[offset] ?? 0) | ((data[offset + 1] ?? 0) << 8);
}

export function writeUint16(data: Uint8Array, offset: number, value: number): void {
  data[offset] = value & 0xff;
  data[offset + 1] = (value >>> 8) & 0xff;
}
