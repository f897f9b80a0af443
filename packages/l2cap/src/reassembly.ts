/**
 * ACL reassembly for one LE-U logical link (Core 6.0 Vol 3 Part A 7.2): a start fragment opens a PDU
 * whose Basic L2CAP header says how long it is; continuation fragments fill it. The buffer is sized from
 * the header once and never grows, and a length above `maxPduLength` is refused before any allocation,
 * so a hostile peer cannot make us hold more than one bounded PDU per link.
 */
import { PacketBoundary, u16 } from '@tsble/base';
import { BASIC_HEADER_LENGTH } from './constants.js';

export type ReassemblyResult =
  | { kind: 'pdu'; cid: number; payload: Uint8Array }
  | { kind: 'pending' }
  | { kind: 'dropped'; reason: ReassemblyDropReason; detail?: number };

export type ReassemblyDropReason =
  | 'continuation-without-start' // a continuation fragment with no PDU open
  | 'pdu-too-large' // the header announces more than maxPduLength
  | 'length-overrun' // fragments carried more octets than the header announced
  | 'bad-packet-boundary';

export class Reassembler {
  #header = new Uint8Array(BASIC_HEADER_LENGTH);
  #headerFill = 0;
  #pdu: Uint8Array | undefined;
  #pduFill = 0;
  #open = false;

  constructor(private readonly maxPduLength: number) {}

  /** True while a PDU is partly received. */
  get inProgress(): boolean {
    return this.#open;
  }

  /**
   * Feeds one ACL fragment. Returns the completed PDU, `pending`, or why the fragment (and any partial
   * PDU) was dropped. Only one result per fragment: LE fragments never carry the tail of one PDU and the
   * head of the next (Core 6.0 Vol 3 Part A 7.2.1).
   */
  push(packetBoundary: number, fragment: Uint8Array): ReassemblyResult {
    const isStart =
      packetBoundary === PacketBoundary.firstNonFlushable || packetBoundary === PacketBoundary.firstFlushable;
    if (!isStart && packetBoundary !== PacketBoundary.continuation) {
      return this.#drop('bad-packet-boundary', packetBoundary);
    }
    if (isStart) {
      // A start while a PDU is open loses the partial PDU (the caller checks `inProgress` to log it).
      this.#reset();
      const whole = this.#wholePdu(fragment);
      if (whole) return whole;
      this.#open = true;
    } else if (!this.#open) {
      return { kind: 'dropped', reason: 'continuation-without-start' };
    }
    return this.#append(fragment);
  }

  /** Fast path: a start fragment holding exactly one whole PDU is delivered as a view, no copy. */
  #wholePdu(fragment: Uint8Array): ReassemblyResult | undefined {
    if (fragment.length < BASIC_HEADER_LENGTH) return undefined;
    const length = u16(fragment, 0);
    if (fragment.length !== BASIC_HEADER_LENGTH + length || length > this.maxPduLength) return undefined;
    return { kind: 'pdu', cid: u16(fragment, 2), payload: fragment.subarray(BASIC_HEADER_LENGTH) };
  }

  #append(fragment: Uint8Array): ReassemblyResult {
    let offset = 0;
    if (this.#headerFill < BASIC_HEADER_LENGTH) {
      const take = Math.min(BASIC_HEADER_LENGTH - this.#headerFill, fragment.length);
      this.#header.set(fragment.subarray(0, take), this.#headerFill);
      this.#headerFill += take;
      offset = take;
      if (this.#headerFill < BASIC_HEADER_LENGTH) return { kind: 'pending' };
      const length = u16(this.#header, 0);
      if (length > this.maxPduLength) return this.#drop('pdu-too-large', length);
      this.#pdu = new Uint8Array(length);
      this.#pduFill = 0;
    }
    const pdu = this.#pdu as Uint8Array;
    const rest = fragment.length - offset;
    if (this.#pduFill + rest > pdu.length) return this.#drop('length-overrun', this.#pduFill + rest);
    pdu.set(offset === 0 ? fragment : fragment.subarray(offset), this.#pduFill);
    this.#pduFill += rest;
    if (this.#pduFill < pdu.length) return { kind: 'pending' };
    const cid = u16(this.#header, 2);
    this.#reset();
    return { kind: 'pdu', cid, payload: pdu };
  }

  #drop(reason: ReassemblyDropReason, detail?: number): ReassemblyResult {
    this.#reset();
    return detail === undefined ? { kind: 'dropped', reason } : { kind: 'dropped', reason, detail };
  }

  #reset(): void {
    this.#open = false;
    this.#headerFill = 0;
    this.#pdu = undefined;
    this.#pduFill = 0;
  }
}
