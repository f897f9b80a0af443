/**
 * Device addresses. HCI carries BD_ADDR least significant octet first (Core 6.0 Vol 4 Part E 5.2); people write
 * them most significant octet first, colon separated. `Address` keeps the HCI order and converts at the edges.
 */

/** An LE address as HCI carries it: 6 octets, least significant first, and its type. */
export interface Address {
  /** 6 octets, least significant octet first (HCI order). */
  bytes: Uint8Array;
  type: 'public' | 'random';
}

/** "F0:F1:F2:F3:F4:F5" (most significant octet first) from HCI-order bytes. */
export function formatBdAddr(bytes: Uint8Array): string {
  return Array.from(bytes)
    .reverse()
    .map((b) => b.toString(16).padStart(2, '0').toUpperCase())
    .join(':');
}

/** HCI-order bytes from "F0:F1:F2:F3:F4:F5", or undefined when the text is not an address. */
export function parseBdAddr(text: string): Uint8Array | undefined {
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text)) return undefined;
  return Uint8Array.from(
    text
      .split(':')
      .reverse()
      .map((h) => Number.parseInt(h, 16)),
  );
}

/** True for 00:00:00:00:00:00, which Zephyr's controller reports when it has no public address. */
export function isZeroAddress(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/**
 * A fresh static random address: the two most significant bits set, the rest random and not all ones or
 * all zeros. Core 6.0 Vol 6 Part B 1.3.2.1.
 */
export function generateStaticRandomAddress(random: (n: number) => Uint8Array): Uint8Array {
  for (;;) {
    const bytes = random(6);
    bytes[5] = ((bytes[5] ?? 0) & 0x3f) | 0xc0;
    const rest = bytes.slice(0, 5);
    const top = (bytes[5] ?? 0) & 0x3f;
    const allZero = top === 0 && rest.every((b) => b === 0);
    const allOne = top === 0x3f && rest.every((b) => b === 0xff);
    if (!allZero && !allOne) return bytes;
  }
}
