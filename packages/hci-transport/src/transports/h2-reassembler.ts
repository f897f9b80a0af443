import { announcedLength, decodePacketAt, type HciPacket, headerLength } from '../packet.js';

/**
 * USB (H2) carries events on the interrupt endpoint and ACL data on the bulk endpoint with no type octet, and
 * one USB transfer is not one packet: a long event spans several interrupt transfers, and a bulk transfer may
 * hold several ACL packets. This reassembles one endpoint's stream by the HCI header's length field.
 * Core 6.0 Vol 4 Part B 2.1.
 */
export class H2Reassembler {
  #pending = new Uint8Array(0);

  constructor(private readonly type: 'event' | 'acl') {}

  push(chunk: Uint8Array): HciPacket[] {
    const bytes = this.#pending.length === 0 ? chunk : Uint8Array.from([...this.#pending, ...chunk]);
    const header = headerLength[this.type];
    const packets: HciPacket[] = [];
    let at = 0;
    while (bytes.length - at >= header) {
      const length = announcedLength(this.type, bytes, at);
      if (bytes.length - at < header + length) break;
      packets.push(decodePacketAt(this.type, bytes, at, length));
      at += header + length;
    }
    this.#pending = bytes.slice(at);
    return packets;
  }
}
