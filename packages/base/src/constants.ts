/** Protocol facts that packages which do not depend on each other both need. */

/** A device address is 48 bits. Core 6.0 Vol 6 Part B 1.3 */
export const ADDRESS_LENGTH = 6;

/** The two most significant bits of a random address give its sub-type. Core 6.0 Vol 6 Part B 1.3.2 */
export const RandomAddressSubType = {
  /** 0b00: non-resolvable private address. */
  nonResolvable: 0b00,
  /** 0b01: resolvable private address (prand in the top 24 bits, hash below). */
  resolvable: 0b01,
  /** 0b11: static device address. */
  static: 0b11,
} as const;

/** ACL Packet_Boundary_Flag values. Core 6.0 Vol 4 Part E 5.4.2 */
export const PacketBoundary = {
  /** First non-automatically-flushable packet: what a host sends as the first fragment on LE. */
  firstNonFlushable: 0x00,
  /** Continuing fragment of a higher-layer message. */
  continuation: 0x01,
  /** First automatically flushable packet: what a controller sends to the host as the first fragment. */
  firstFlushable: 0x02,
} as const;
export type PacketBoundaryFlag = 0x00 | 0x01 | 0x02 | 0x03;
