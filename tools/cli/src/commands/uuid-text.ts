/** UUIDs as people type them on the command line. */

// The spellings att-gatt's parseUuid accepts: 16-bit, 32-bit, 128-bit with or without dashes, optional 0x.
export const UUID_TEXT =
  /^(0x)?([0-9a-f]{4}|[0-9a-f]{8}|[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

// Core 6.0 Vol 3 Part B 2.5.1: 16- and 32-bit UUIDs are short forms of 128-bit ones on the Bluetooth Base UUID.
const BASE_SUFFIX = '-0000-1000-8000-00805f9b34fb';

/** One spelling per UUID (4 hex digits when it is on the base UUID, else dashed 128-bit), or undefined. */
export function normalUuid(text: string): string | undefined {
  const trimmed = text.trim();
  if (!UUID_TEXT.test(trimmed)) return undefined;
  let hex = trimmed.toLowerCase().replace(/^0x/, '').replaceAll('-', '');
  if (hex.length === 4) hex = `0000${hex}`;
  if (hex.length === 8) return hex.startsWith('0000') ? hex.slice(4) : `${hex}${BASE_SUFFIX}`;
  const dashed = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  if (dashed.endsWith(BASE_SUFFIX)) return normalUuid(dashed.slice(0, 8));
  return dashed;
}
