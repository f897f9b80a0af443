import { PacketBoundary } from '@tsble/base';
import type { HciAclPacket } from '@tsble/hci-transport';

/** Host Number Of Completed Packets: exempt from command credits and answered by no event. Vol 4 Part E 7.3.40. */
export const hostNumberOfCompletedPacketsOpcode = 0x0c35;

/**
 * Controller-to-host flow control (Core 6.0 Vol 4 Part E 4.2 and 7.3.38-7.3.40): once the host turns it on and
 * gives its buffer size, the controller sends it no more ACL packets than it has buffers, each no longer than
 * its packet length, and waits for Host Number Of Completed Packets to send more. Off (the default), ACL goes
 * straight through.
 */
export class ControllerToHostFlow {
  /** Set Controller To Host Flow Control: ACL flow control on (values 0x01 and 0x03). */
  enabled = false;
  hostAclLength = 0;
  hostAclCount = 0;
  readonly #outstanding = new Map<number, number>();
  #held: HciAclPacket[] = [];

  constructor(private readonly deliver: (packet: HciAclPacket) => void) {}

  /** ACL packets the host holds now (sent, not yet reported completed). */
  get outstanding(): number {
    let n = 0;
    for (const count of this.#outstanding.values()) n += count;
    return n;
  }

  /** ACL packets waiting for a host buffer. */
  get held(): number {
    return this.#held.length;
  }

  send(packet: HciAclPacket): void {
    if (!this.enabled || this.hostAclLength === 0 || this.hostAclCount === 0) {
      this.deliver(packet);
      return;
    }
    // Cut to the host's packet length: the first piece keeps the boundary flag, the rest continue it.
    for (let at = 0; at === 0 || at < packet.data.length; at += this.hostAclLength) {
      this.#held.push({
        ...packet,
        packetBoundary: at === 0 ? packet.packetBoundary : PacketBoundary.continuation,
        data: packet.data.slice(at, at + this.hostAclLength),
      });
      if (packet.data.length === 0) break;
    }
    this.#release();
  }

  /** Host Number Of Completed Packets for one handle: its buffers are free again (never more than it held). */
  completed(handle: number, count: number): void {
    const held = this.#outstanding.get(handle) ?? 0;
    const left = held - Math.min(held, count);
    if (left === 0) this.#outstanding.delete(handle);
    else this.#outstanding.set(handle, left);
    this.#release();
  }

  /** A link went down: the host flushed what it held for it, and what waited for it is dropped. */
  linkGone(handle: number): void {
    this.#outstanding.delete(handle);
    this.#held = this.#held.filter((p) => p.handle !== handle);
    this.#release();
  }

  reset(): void {
    this.enabled = false;
    this.hostAclLength = 0;
    this.hostAclCount = 0;
    this.#outstanding.clear();
    this.#held = [];
  }

  #release(): void {
    while (this.#held.length > 0 && (!this.enabled || this.outstanding < this.hostAclCount)) {
      const packet = this.#held.shift() as HciAclPacket;
      if (this.enabled) this.#outstanding.set(packet.handle, (this.#outstanding.get(packet.handle) ?? 0) + 1);
      this.deliver(packet);
    }
  }
}
