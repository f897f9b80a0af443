import { type PacketBoundaryFlag, putU16, u16 } from '@tsble/base';
import { H4PacketType } from './constants.js';

/**
 * One HCI packet, transport-independent. Core 6.0 Vol 4 Part E 5.4 (packet formats).
 * Parameters and data never include the header; encoders add it.
 */
export type HciPacket = HciCommandPacket | HciAclPacket | HciScoPacket | HciEventPacket | HciIsoPacket;

export interface HciCommandPacket {
  type: 'command';
  opcode: number;
  params: Uint8Array;
}

export interface HciAclPacket {
  type: 'acl';
  /** Connection_Handle, 12 bits. */
  handle: number;
  packetBoundary: PacketBoundaryFlag;
  broadcast: number;
  data: Uint8Array;
}

export interface HciScoPacket {
  type: 'sco';
  handle: number;
  status: number;
  data: Uint8Array;
}

export interface HciEventPacket {
  type: 'event';
  code: number;
  params: Uint8Array;
}

export interface HciIsoPacket {
  type: 'iso';
  handle: number;
  /** PB_Flag (bits 12-13) and TS_Flag (bit 14) of the header's first field, shifted down by 12. */
  flags: number;
  data: Uint8Array;
}

export type HciPacketType = HciPacket['type'];

export const h4TypeOf: Record<HciPacketType, number> = {
  command: H4PacketType.command,
  acl: H4PacketType.acl,
  sco: H4PacketType.sco,
  event: H4PacketType.event,
  iso: H4PacketType.iso,
};

/** Header length of each packet type (without the H4 type octet). Core 6.0 Vol 4 Part E 5.4. */
export const headerLength: Record<HciPacketType, number> = { command: 3, acl: 4, sco: 3, event: 2, iso: 4 };

/** The packet's header and payload, as HCI defines them (no H4 type octet: this is what USB carries). */
export function encodePacket(packet: HciPacket): Uint8Array {
  return encodeAfter(packet, 0);
}

/** The packet with its H4 type octet in front: what a UART or a socket carries. Core 6.0 Vol 4 Part A 2. */
export function encodeH4(packet: HciPacket): Uint8Array {
  const out = encodeAfter(packet, 1);
  out[0] = h4TypeOf[packet.type];
  return out;
}

/**
 * Header and payload written `skip` octets into a new array, leaving room for a transport's framing, so an H4
 * packet is built in one allocation and one copy of the payload.
 */
function encodeAfter(packet: HciPacket, skip: number): Uint8Array {
  switch (packet.type) {
    case 'command': {
      const out = new Uint8Array(skip + 3 + packet.params.length);
      putU16(out, skip, packet.opcode);
      out[skip + 2] = packet.params.length;
      out.set(packet.params, skip + 3);
      return out;
    }
    case 'acl': {
      const out = new Uint8Array(skip + 4 + packet.data.length);
      putU16(
        out,
        skip,
        (packet.handle & 0x0fff) | (packet.packetBoundary << 12) | ((packet.broadcast & 3) << 14),
      );
      putU16(out, skip + 2, packet.data.length);
      out.set(packet.data, skip + 4);
      return out;
    }
    case 'sco': {
      const out = new Uint8Array(skip + 3 + packet.data.length);
      putU16(out, skip, (packet.handle & 0x0fff) | ((packet.status & 3) << 12));
      out[skip + 2] = packet.data.length;
      out.set(packet.data, skip + 3);
      return out;
    }
    case 'event': {
      const out = new Uint8Array(skip + 2 + packet.params.length);
      out[skip] = packet.code;
      out[skip + 1] = packet.params.length;
      out.set(packet.params, skip + 2);
      return out;
    }
    case 'iso': {
      const out = new Uint8Array(skip + 4 + packet.data.length);
      putU16(out, skip, (packet.handle & 0x0fff) | ((packet.flags & 0xf) << 12));
      putU16(out, skip + 2, packet.data.length & 0x3fff);
      out.set(packet.data, skip + 4);
      return out;
    }
  }
}

/** Payload length announced by a header that starts at `offset` (the header must be complete). */
export function announcedLength(type: HciPacketType, bytes: Uint8Array, offset: number): number {
  switch (type) {
    case 'command':
      return bytes[offset + 2] ?? 0;
    case 'acl':
      return u16(bytes, offset + 2);
    case 'sco':
      return bytes[offset + 2] ?? 0;
    case 'event':
      return bytes[offset + 1] ?? 0;
    case 'iso':
      return u16(bytes, offset + 2) & 0x3fff;
  }
}

/** Builds the packet whose header starts at `offset` and whose payload follows it (copied out). */
export function decodePacketAt(
  type: HciPacketType,
  bytes: Uint8Array,
  offset: number,
  length: number,
): HciPacket {
  const start = offset + headerLength[type];
  const payload = bytes.slice(start, start + length);
  const first = u16(bytes, offset);
  switch (type) {
    case 'command':
      return { type, opcode: first, params: payload };
    case 'acl':
      return {
        type,
        handle: first & 0x0fff,
        packetBoundary: ((first >> 12) & 3) as PacketBoundaryFlag,
        broadcast: (first >> 14) & 3,
        data: payload,
      };
    case 'sco':
      return { type, handle: first & 0x0fff, status: (first >> 12) & 3, data: payload };
    case 'event':
      return { type, code: bytes[offset] ?? 0, params: payload };
    case 'iso':
      return { type, handle: first & 0x0fff, flags: (first >> 12) & 0xf, data: payload };
  }
}

/** A short description for logs: "event 0x0e len 4", "acl handle 0x0040 pb 0 len 27". */
export function describePacket(packet: HciPacket): string {
  const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, '0')}`;
  switch (packet.type) {
    case 'command':
      return `command ${hex(packet.opcode, 4)} len ${packet.params.length}`;
    case 'event':
      return `event ${hex(packet.code, 2)} len ${packet.params.length}`;
    case 'acl':
      return `acl handle ${hex(packet.handle, 4)} pb ${packet.packetBoundary} len ${packet.data.length}`;
    case 'sco':
      return `sco handle ${hex(packet.handle, 4)} len ${packet.data.length}`;
    case 'iso':
      return `iso handle ${hex(packet.handle, 4)} len ${packet.data.length}`;
  }
}
