/**
 * L2CAP for one LE-U logical link (one connection handle): reassembles received ACL fragments,
 * dispatches PDUs by CID to the fixed channels, LE signaling and credit-based channels, and fragments
 * what it sends to the link's maximum fragment length.
 */

import { type Logger, putU16, silentLogger, traceEnabled } from '@tsble/base';
import { encodeBasicFrame } from './basic-frame.js';
import {
  CommandRejectReason,
  ConnectionParameterUpdateResult,
  FixedCid,
  RTX_TIMEOUT_MS,
} from './constants.js';
import type { LeCreditChannel } from './credit-channel.js';
import {
  type CreditChannelOptions,
  CreditConnections,
  type CreditServerOptions,
} from './credit-connections.js';
import { L2capError } from './errors.js';
import { FixedChannel } from './fixed-channel.js';
import { LeSignaling, type SignalingReply, type SignalingRequest } from './le-signaling.js';
import { Reassembler } from './reassembly.js';
import { type LinkSecurity, UNSECURED_LINK } from './security.js';
import { realTimers, type Timers } from './timers.js';

/** The HCI side of one connection, as the host glues it to `hci.sendAcl`. */
export interface AclLink {
  readonly handle: number;
  /** The controller's LE ACL data packet length: no fragment may be longer. */
  readonly maxFragmentLength: number;
  /** Sends one ACL fragment; fragments must reach the controller in call order. */
  send(packetBoundary: 0 | 1, data: Uint8Array): Promise<void> | void;
}

/** Connection parameters of an LE Connection Parameter Update Request (units as in Core Vol 3 Part A 4.20). */
export interface ConnectionParameters {
  intervalMin: number; // 1.25 ms units
  intervalMax: number; // 1.25 ms units
  latency: number; // connection events
  timeout: number; // 10 ms units
}

export interface L2capOptions {
  role: 'central' | 'peripheral';
  logger?: Logger;
  /** The link's current security, asked whenever a decision depends on it. */
  security?: () => LinkSecurity;
  /**
   * Central only: decide on a peripheral's Connection Parameter Update Request. Accepting means the host
   * will issue HCI LE Connection Update. Without a hook every request is rejected.
   */
  onConnectionParameterUpdateRequest?: (parameters: ConnectionParameters) => boolean | Promise<boolean>;
  /** Largest PDU accepted from the peer; bounds reassembly memory. Default 65535 + header. */
  maxPduLength?: number;
  timers?: Timers;
  /** Signaling response timeout (RTX); default 30 s. */
  rtxMs?: number;
}

export class L2cap {
  readonly #link: AclLink;
  readonly #logger: Logger;
  readonly #reassembler: Reassembler;
  readonly #fixed = new Map<number, FixedChannel>();
  readonly #signaling: LeSignaling;
  readonly #credit: CreditConnections;
  #closed = false;
  readonly #trace: boolean;

  constructor(
    link: AclLink,
    private readonly options: L2capOptions,
  ) {
    this.#link = link;
    this.#logger = options.logger ?? silentLogger;
    this.#trace = traceEnabled(this.#logger);
    this.#reassembler = new Reassembler(options.maxPduLength ?? 0xffff);
    this.#signaling = new LeSignaling({
      transmit: (payload) => void this.#transmitPayload(FixedCid.leSignaling, payload).catch(() => {}),
      onRequest: (request) => this.#onSignalingRequest(request),
      logger: this.#logger,
      timers: options.timers ?? realTimers,
      rtxMs: options.rtxMs ?? RTX_TIMEOUT_MS,
    });
    this.#credit = new CreditConnections({
      signaling: this.#signaling,
      security: options.security ?? (() => UNSECURED_LINK),
      transmit: (frame) => this.#transmitFrame(frame),
      logger: this.#logger,
    });
  }

  get handle(): number {
    return this.#link.handle;
  }

  /** The channel for a fixed CID (ATT 0x0004, SMP 0x0006); the same object on every call. */
  fixedChannel(cid: number): FixedChannel {
    let channel = this.#fixed.get(cid);
    if (!channel) {
      channel = new FixedChannel(cid, (c, payload) => this.#transmitPayload(c, payload), this.#logger);
      this.#fixed.set(cid, channel);
    }
    return channel;
  }

  /**
   * Accept LE credit-based channels on `spsm` (0x0001-0x00FF, else throws L2capError); returns a
   * function that stops listening.
   */
  listen(spsm: number, options: CreditServerOptions): () => void {
    return this.#credit.listen(spsm, options);
  }

  /** Open an LE credit-based channel; rejects with L2capError (`result` = the peer's result code). */
  connect(spsm: number, options?: CreditChannelOptions): Promise<LeCreditChannel> {
    if (this.#closed) return Promise.reject(new L2capError('disconnected', 'the link is closed'));
    return this.#credit.connect(spsm, options);
  }

  /** Peripheral only: ask the central for new connection parameters; resolves true if accepted. */
  async requestConnectionParameterUpdate(parameters: ConnectionParameters): Promise<boolean> {
    if (this.options.role !== 'peripheral') {
      throw new L2capError(
        'invalid-parameters',
        'only a peripheral sends Connection Parameter Update Request',
      );
    }
    const response = await this.#signaling.request(
      { op: 'connection-parameter-update-request', ...parameters },
      'connection-parameter-update-response',
    );
    return response.result === ConnectionParameterUpdateResult.accepted;
  }

  /** One ACL fragment from the controller for this handle. Never throws. */
  receiveAcl(packetBoundary: number, data: Uint8Array): void {
    if (this.#closed) return;
    if (packetBoundary !== 0x01 && this.#reassembler.inProgress) {
      this.#logger.warn(
        { handle: this.handle },
        'start fragment before the previous PDU completed; partial PDU dropped',
      );
    }
    const result = this.#reassembler.push(packetBoundary, data);
    if (result.kind === 'dropped') {
      this.#logger.warn(
        { handle: this.handle, reason: result.reason, detail: result.detail },
        'ACL fragment dropped',
      );
      return;
    }
    if (result.kind === 'pdu') this.#dispatch(result.cid, result.payload);
  }

  /** The connection is gone: pending requests fail, channels close, later input is ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signaling.close();
    this.#credit.closeAll();
    for (const channel of this.#fixed.values()) channel.closed();
  }

  #dispatch(cid: number, payload: Uint8Array): void {
    if (this.#trace)
      this.#logger.trace({ handle: this.handle, cid, length: payload.length }, 'L2CAP PDU received');
    if (cid === FixedCid.leSignaling) {
      this.#signaling.receive(payload);
      return;
    }
    const fixed = this.#fixed.get(cid);
    if (fixed) {
      fixed.deliver(payload);
      return;
    }
    if (!this.#credit.receive(cid, payload)) {
      // Core 6.0 Vol 3 Part A 2.1: data for an unknown or unopened CID is discarded.
      this.#logger.warn({ handle: this.handle, cid }, 'PDU for an unknown CID dropped');
    }
  }

  #onSignalingRequest(request: SignalingRequest): SignalingReply | Promise<SignalingReply> {
    switch (request.op) {
      case 'le-credit-based-connection-request':
        return this.#credit.onConnectionRequest(request);
      case 'flow-control-credit-indication':
        this.#credit.onCredits(request.cid, request.credits);
        return undefined;
      case 'disconnection-request':
        return this.#onDisconnectionRequest(request.destinationCid, request.sourceCid);
      case 'connection-parameter-update-request':
        return this.#onConnectionParameterUpdateRequest(request);
    }
  }

  #onDisconnectionRequest(destinationCid: number, sourceCid: number): SignalingReply {
    if (this.#credit.onDisconnectionRequest(destinationCid, sourceCid)) {
      return { op: 'disconnection-response', destinationCid, sourceCid };
    }
    // Core 6.0 Vol 3 Part A 4.6: unknown CIDs get Command Reject "Invalid CID in request" carrying both CIDs.
    const data = new Uint8Array(4);
    putU16(data, 0, destinationCid);
    putU16(data, 2, sourceCid);
    return { op: 'command-reject', reason: CommandRejectReason.invalidCidInRequest, data };
  }

  async #onConnectionParameterUpdateRequest(parameters: ConnectionParameters): Promise<SignalingReply> {
    if (this.options.role !== 'central') {
      // Core 6.0 Vol 3 Part A 4.20: a peripheral receiving this request answers Command Not Understood.
      return {
        op: 'command-reject',
        reason: CommandRejectReason.commandNotUnderstood,
        data: new Uint8Array(0),
      };
    }
    const respond = (accepted: boolean): SignalingReply => ({
      op: 'connection-parameter-update-response',
      result: accepted ? ConnectionParameterUpdateResult.accepted : ConnectionParameterUpdateResult.rejected,
    });
    if (!validConnectionParameters(parameters)) return respond(false);
    const hook = this.options.onConnectionParameterUpdateRequest;
    if (!hook) return respond(false);
    try {
      const { intervalMin, intervalMax, latency, timeout } = parameters;
      return respond(await hook({ intervalMin, intervalMax, latency, timeout }));
    } catch (error) {
      this.#logger.error({ err: error }, 'connection parameter policy hook threw; rejecting');
      return respond(false);
    }
  }

  #transmitPayload(cid: number, payload: Uint8Array): Promise<void> {
    return this.#transmitFrame(encodeBasicFrame(cid, payload));
  }

  /** Sends a complete B-frame as consecutive fragments (no other PDU can interleave: no await between). */
  #transmitFrame(frame: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new L2capError('disconnected', 'the link is closed'));
    const max = this.#link.maxFragmentLength;
    let last: Promise<void> | void;
    const pending: Promise<void>[] = [];
    try {
      for (let offset = 0; offset < frame.length; offset += max) {
        last = this.#link.send(offset === 0 ? 0 : 1, frame.subarray(offset, offset + max));
        if (last) pending.push(last);
      }
    } catch (error) {
      return Promise.reject(new L2capError('disconnected', `the link refused a fragment: ${String(error)}`));
    }
    if (pending.length === 0) return Promise.resolve();
    const sent =
      pending.length === 1 ? (pending[0] as Promise<void>) : Promise.all(pending).then(() => undefined);
    return sent.catch((error: unknown) => {
      throw new L2capError('disconnected', `the link refused a fragment: ${String(error)}`);
    });
  }
}

/** Core 6.0 Vol 4 Part E 7.8.18 ranges, and the supervision timeout must outlast the latency window. */
function validConnectionParameters(p: ConnectionParameters): boolean {
  const inRange = (v: number, lo: number, hi: number): boolean => v >= lo && v <= hi;
  return (
    inRange(p.intervalMin, 6, 3200) &&
    inRange(p.intervalMax, p.intervalMin, 3200) &&
    inRange(p.latency, 0, 499) &&
    inRange(p.timeout, 10, 3200) &&
    p.timeout * 4 > (1 + p.latency) * p.intervalMax
  );
}
