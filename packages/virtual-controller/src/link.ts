import { equalBytes, PacketBoundary } from '@tsble/base';
import { type HciAclPacket, HciStatus } from '@tsble/hci-transport';
import { ConnectionEvents, type LinkTiming, type QueuedPdu } from './connection-events.js';
import type { VirtualController } from './controller.js';

/** One end of a link. */
export interface LinkEnd {
  controller: VirtualController;
  handle: number;
  /** The address this end uses on the air, and its type (0 public, 1 random). */
  address: Uint8Array;
  addressType: number;
  /** LL payload octets this end sends per PDU: 27 until LE Set Data Length. Core 6.0 Vol 6 Part B 4.5.10. */
  maxTxOctets: number;
}

interface PendingEncryption {
  randomNumber: Uint8Array;
  encryptedDiversifier: number;
  longTermKey: Uint8Array;
}

/** An LE connection between two virtual controllers. */
export class Link {
  encrypted = false;
  pendingEncryption: PendingEncryption | undefined;
  connectionInterval: number;
  peripheralLatency: number;
  supervisionTimeout: number;

  /** Connection events: instant, or every connection interval (set `events.timing` to change it per link). */
  readonly events: ConnectionEvents;

  constructor(
    readonly central: LinkEnd,
    readonly peripheral: LinkEnd,
    params: { connectionInterval: number; peripheralLatency: number; supervisionTimeout: number },
    timing?: LinkTiming,
  ) {
    this.connectionInterval = params.connectionInterval;
    this.peripheralLatency = params.peripheralLatency;
    this.supervisionTimeout = params.supervisionTimeout;
    this.events = new ConnectionEvents(timing, () => this.connectionInterval);
  }

  endOf(controller: VirtualController): LinkEnd {
    return controller === this.central.controller ? this.central : this.peripheral;
  }

  peerOf(controller: VirtualController): LinkEnd {
    return controller === this.central.controller ? this.peripheral : this.central;
  }

  handleOf(controller: VirtualController): number {
    return this.endOf(controller).handle;
  }

  /**
   * Carries one host ACL packet to the peer, cut into LL PDUs of at most the sender's data length; each PDU
   * reaches the peer's host as its own ACL packet (first flushable, then continuations), which is what real
   * controllers do and what makes the receiving L2CAP reassemble. The sender's buffer is freed once the last
   * PDU is acknowledged. With timing, PDUs cross at connection events, in order, a few per event.
   */
  transmit(from: VirtualController, packet: HciAclPacket): void {
    const me = this.endOf(from);
    const peer = this.peerOf(from);
    const size = Math.max(1, me.maxTxOctets);
    const first = packet.packetBoundary !== PacketBoundary.continuation;
    const pdus: QueuedPdu[] = [];
    for (let at = 0; at === 0 || at < packet.data.length; at += size) {
      const data = packet.data.slice(at, at + size);
      const boundary = first && at === 0 ? PacketBoundary.firstFlushable : PacketBoundary.continuation;
      pdus.push({
        deliver: () =>
          peer.controller.sendAcl({
            type: 'acl',
            handle: peer.handle,
            packetBoundary: boundary,
            broadcast: 0,
            data,
          }),
      });
      if (packet.data.length === 0) break;
    }
    const last = pdus[pdus.length - 1];
    if (last) last.sent = () => from.completeAcl(me.handle);
    this.events.send(me === this.central ? 0 : 1, pdus);
  }

  /** The link is gone: nothing more crosses it. */
  close(): void {
    this.events.close();
  }

  /**
   * The peripheral's host answered the LTK request. Core 6.0 Vol 6 Part B 5.1.3.1 and 5.1.3.2:
   * - the same key as the central's: encryption starts (or, on an encrypted link, the key is refreshed);
   * - a negative reply: the peripheral's LL answers LL_REJECT_EXT_IND with PIN or Key Missing, the central's
   *   host gets Encryption Change 0x06, and the link stays up unencrypted (what to do next is the hosts'
   *   decision; the peripheral's host gets no event, it refused the key itself). After an encryption pause
   *   (a refresh) the link is left unencrypted too, as Zephyr's link layer leaves it;
   * - a different key: the central cannot decrypt LL_START_ENC_RSP, the MIC check fails and the link drops.
   */
  answerLtk(longTermKey: Uint8Array | undefined): void {
    const pending = this.pendingEncryption;
    if (pending === undefined) return;
    this.pendingEncryption = undefined;
    const c = this.central;
    const p = this.peripheral;
    if (longTermKey !== undefined && equalBytes(longTermKey, pending.longTermKey)) {
      const refresh = this.encrypted;
      this.encrypted = true;
      for (const end of [c, p]) {
        end.controller.sendEvent(
          refresh
            ? { kind: 'encryption-key-refresh-complete', status: 0, connectionHandle: end.handle }
            : {
                kind: 'encryption-change',
                version: 1,
                status: 0,
                connectionHandle: end.handle,
                encryptionEnabled: 1,
              },
        );
      }
      return;
    }
    if (longTermKey === undefined) {
      c.controller.sendEvent({
        kind: 'encryption-change',
        version: 1,
        status: HciStatus.pinOrKeyMissing,
        connectionHandle: c.handle,
        encryptionEnabled: 0,
      });
      this.encrypted = false;
      return;
    }
    for (const end of [c, p]) {
      end.controller.sendEvent({
        kind: 'encryption-change',
        version: 1,
        status: HciStatus.pinOrKeyMissing,
        connectionHandle: end.handle,
        encryptionEnabled: 0,
      });
    }
    c.controller.air.disconnect(this, undefined, HciStatus.connectionTerminatedMicFailure);
  }
}
