/**
 * Setting up and tearing down LE credit-based channels on one link (Core 6.0 Vol 3 Part A 4.22-4.24,
 * 4.6-4.7): servers listening on an SPSM with a security requirement, our own connect requests, CID
 * allocation, and the credit indications addressed to a channel.
 */
import type { Logger } from '@tsble/base';
import {
  DYNAMIC_CID_FIRST,
  DYNAMIC_CID_LAST,
  LE_CREDIT_MAX_CREDITS,
  LE_CREDIT_MAX_MPS,
  LE_CREDIT_MIN_MPS,
  LE_CREDIT_MIN_MTU,
  LeCreditBasedConnectionResult as Result,
  SPSM_MAX,
  SPSM_MIN,
} from './constants.js';
import { type CreditChannelIo, LeCreditChannel } from './credit-channel.js';
import { L2capError } from './errors.js';
import type { LeSignaling, SignalingReply, SignalingRequest } from './le-signaling.js';
import { type LinkSecurity, type SecurityRequirement, securityShortfall } from './security.js';

/** Our receive parameters for a channel. */
export interface CreditChannelOptions {
  mtu?: number;
  mps?: number;
  initialCredits?: number;
  /** Return credits automatically as K-frames are consumed (default true); otherwise call grantCredits. */
  autoCredits?: boolean;
}

export interface CreditServerOptions extends CreditChannelOptions {
  /** What the link must have before a channel on this SPSM is accepted. */
  security?: SecurityRequirement;
  /** Application authorization (result Insufficient Authorization when false). */
  authorize?: () => boolean;
  /** Called with each accepted channel, before any K-frame can arrive on it. */
  onChannel: (channel: LeCreditChannel) => void;
}

export const DEFAULT_CREDIT_CHANNEL = { mtu: 2048, mps: 247, initialCredits: 32 } as const;

type ConnectionRequest = Extract<SignalingRequest, { op: 'le-credit-based-connection-request' }>;

export interface CreditConnectionsContext {
  signaling: LeSignaling;
  security: () => LinkSecurity;
  transmit: (frame: Uint8Array) => Promise<void> | void;
  logger: Logger;
}

export class CreditConnections {
  readonly #servers = new Map<number, CreditServerOptions>();
  readonly #channels = new Map<number, LeCreditChannel>();
  readonly #io: CreditChannelIo;

  constructor(private readonly context: CreditConnectionsContext) {
    this.#io = {
      transmit: context.transmit,
      logger: context.logger,
      sendCredits: (cid, credits) =>
        context.signaling.indicate({ op: 'flow-control-credit-indication', cid, credits }),
      requestDisconnection: (channel) => this.#requestDisconnection(channel),
    };
  }

  listen(spsm: number, options: CreditServerOptions): () => void {
    if (spsm < SPSM_MIN || spsm > SPSM_MAX)
      throw new L2capError('invalid-parameters', 'an LE SPSM is 0x0001-0x00FF');
    this.#servers.set(spsm, options);
    return () => {
      if (this.#servers.get(spsm) === options) this.#servers.delete(spsm);
    };
  }

  async connect(spsm: number, options: CreditChannelOptions = {}): Promise<LeCreditChannel> {
    const local = resolveOptions(options);
    if (spsm < SPSM_MIN || spsm > SPSM_MAX || !validParameters(local.mtu, local.mps)) {
      throw new L2capError(
        'invalid-parameters',
        'SPSM 0x0001-0x00FF, MTU >= 23 and MPS 23-65533 are required',
      );
    }
    const localCid = this.#allocateCid();
    if (localCid === undefined) throw new L2capError('no-resources', 'all dynamic CIDs are in use');
    // Reserve the CID while we wait so a concurrent request cannot take it.
    this.#channels.set(localCid, RESERVED);
    try {
      const response = await this.context.signaling.request(
        { op: 'le-credit-based-connection-request', spsm, sourceCid: localCid, ...mtuMpsCredits(local) },
        'le-credit-based-connection-response',
      );
      if (response.result !== Result.success) {
        throw new L2capError(
          'connection-refused',
          `the peer refused SPSM 0x${spsm.toString(16)}`,
          response.result,
        );
      }
      if (!validParameters(response.mtu, response.mps) || !validCid(response.destinationCid)) {
        // Do not leave the peer's end open: ask it to close what it thinks it accepted.
        if (validCid(response.destinationCid)) {
          this.context.signaling
            .request(
              { op: 'disconnection-request', destinationCid: response.destinationCid, sourceCid: localCid },
              'disconnection-response',
            )
            .catch(() => undefined);
        }
        throw new L2capError('invalid-parameters', 'the peer answered with parameters the spec forbids');
      }
      const channel = new LeCreditChannel(
        {
          spsm,
          localCid,
          remoteCid: response.destinationCid,
          localMtu: local.mtu,
          localMps: local.mps,
          localInitialCredits: local.initialCredits,
          remoteMtu: response.mtu,
          remoteMps: response.mps,
          remoteInitialCredits: response.initialCredits,
          autoCredits: local.autoCredits,
        },
        this.#io,
      );
      this.#channels.set(localCid, channel);
      return channel;
    } catch (error) {
      this.#channels.delete(localCid);
      throw error;
    }
  }

  /** Answers an LE Credit Based Connection Request (Core 6.0 Vol 3 Part A 4.22, 4.23). */
  onConnectionRequest(request: ConnectionRequest): SignalingReply {
    const server = this.#servers.get(request.spsm);
    const refuse = (result: number): SignalingReply => {
      this.context.logger.info({ spsm: request.spsm, result }, 'LE credit based connection refused');
      return {
        op: 'le-credit-based-connection-response',
        destinationCid: 0,
        mtu: 0,
        mps: 0,
        initialCredits: 0,
        result,
      };
    };
    if (!server) return refuse(Result.spsmNotSupported);
    const shortfall = securityShortfall(server.security ?? {}, this.context.security());
    if (shortfall === 'authentication') return refuse(Result.insufficientAuthentication);
    if (shortfall === 'encryption') return refuse(Result.insufficientEncryption);
    if (shortfall === 'key-size') return refuse(Result.insufficientEncryptionKeySize);
    if (server.authorize && !server.authorize()) return refuse(Result.insufficientAuthorization);
    if (!validCid(request.sourceCid)) return refuse(Result.invalidSourceCid);
    if (this.#findByRemote(request.sourceCid)) return refuse(Result.sourceCidAlreadyAllocated);
    if (!validParameters(request.mtu, request.mps)) return refuse(Result.unacceptableParameters);
    const localCid = this.#allocateCid();
    if (localCid === undefined) return refuse(Result.noResourcesAvailable);
    const local = resolveOptions(server);
    const channel = new LeCreditChannel(
      {
        spsm: request.spsm,
        localCid,
        remoteCid: request.sourceCid,
        localMtu: local.mtu,
        localMps: local.mps,
        localInitialCredits: local.initialCredits,
        remoteMtu: request.mtu,
        remoteMps: request.mps,
        remoteInitialCredits: request.initialCredits,
        autoCredits: local.autoCredits,
      },
      this.#io,
    );
    this.#channels.set(localCid, channel);
    try {
      server.onChannel(channel);
    } catch (error) {
      this.context.logger.error(
        { err: error, spsm: request.spsm },
        'onChannel threw; the channel stays open',
      );
    }
    return {
      op: 'le-credit-based-connection-response',
      destinationCid: localCid,
      ...mtuMpsCredits(local),
      result: Result.success,
    };
  }

  /** Credits for one of our channels; an overflow disconnects it (Core 6.0 Vol 3 Part A 10.1). */
  onCredits(cid: number, credits: number): void {
    const channel = this.#findByRemote(cid);
    if (!channel) {
      this.context.logger.debug({ cid }, 'credits for an unknown channel ignored');
      return;
    }
    if (!channel.addCredits(credits)) {
      this.context.logger.warn({ cid, credits }, 'credit overflow past 65535; disconnecting the channel');
      this.disconnectForViolation(channel);
    }
  }

  /** The peer's Disconnection Request; false when no such channel (caller sends Command Reject). */
  onDisconnectionRequest(destinationCid: number, sourceCid: number): boolean {
    const channel = this.#channels.get(destinationCid);
    if (!channel || channel === RESERVED || channel.parameters.remoteCid !== sourceCid) return false;
    this.#channels.delete(destinationCid);
    channel.closed('remote');
    return true;
  }

  /** Routes a K-frame; false when no channel has this CID. */
  receive(cid: number, payload: Uint8Array): boolean {
    const channel = this.#channels.get(cid);
    if (!channel || channel === RESERVED) return false;
    const violation = channel.receiveKFrame(payload);
    if (violation !== undefined) {
      this.context.logger.warn({ cid, violation }, 'credit channel protocol violation; disconnecting');
      this.disconnectForViolation(channel);
    }
    return true;
  }

  disconnectForViolation(channel: LeCreditChannel): void {
    if (channel.state !== 'open') return;
    channel.closed('protocol-violation');
    void this.#requestDisconnection(channel);
  }

  /** The link went down: every channel closes. */
  closeAll(): void {
    for (const channel of this.#channels.values()) if (channel !== RESERVED) channel.closed('link-closed');
    this.#channels.clear();
  }

  async #requestDisconnection(channel: LeCreditChannel): Promise<void> {
    const { localCid, remoteCid } = channel.parameters;
    try {
      await this.context.signaling.request(
        { op: 'disconnection-request', destinationCid: remoteCid, sourceCid: localCid },
        'disconnection-response',
      );
    } catch (error) {
      this.context.logger.debug({ err: error, cid: localCid }, 'disconnection not confirmed; closing anyway');
    } finally {
      if (this.#channels.get(localCid) === channel) this.#channels.delete(localCid);
    }
  }

  #findByRemote(remoteCid: number): LeCreditChannel | undefined {
    for (const channel of this.#channels.values()) {
      if (channel !== RESERVED && channel.parameters.remoteCid === remoteCid) return channel;
    }
    return undefined;
  }

  #allocateCid(): number | undefined {
    for (let cid = DYNAMIC_CID_FIRST; cid <= DYNAMIC_CID_LAST; cid++)
      if (!this.#channels.has(cid)) return cid;
    return undefined;
  }
}

/** Placeholder occupying a CID while our connect request is outstanding. */
const RESERVED = Object.create(LeCreditChannel.prototype) as LeCreditChannel;

function resolveOptions(options: CreditChannelOptions): Required<CreditChannelOptions> {
  return {
    mtu: options.mtu ?? DEFAULT_CREDIT_CHANNEL.mtu,
    mps: options.mps ?? DEFAULT_CREDIT_CHANNEL.mps,
    initialCredits: Math.min(
      options.initialCredits ?? DEFAULT_CREDIT_CHANNEL.initialCredits,
      LE_CREDIT_MAX_CREDITS,
    ),
    autoCredits: options.autoCredits ?? true,
  };
}

function mtuMpsCredits(local: Required<CreditChannelOptions>): {
  mtu: number;
  mps: number;
  initialCredits: number;
} {
  return { mtu: local.mtu, mps: local.mps, initialCredits: local.initialCredits };
}

function validParameters(mtu: number, mps: number): boolean {
  return mtu >= LE_CREDIT_MIN_MTU && mps >= LE_CREDIT_MIN_MPS && mps <= LE_CREDIT_MAX_MPS;
}

function validCid(cid: number): boolean {
  return cid >= DYNAMIC_CID_FIRST && cid <= DYNAMIC_CID_LAST;
}
