/**
 * Connecting as central (Core 6.0 Vol 4 Part E 7.8.12-7.8.13): LE Create Connection, then the LE Connection
 * Complete event; a timeout or an AbortSignal cancels with LE Create Connection Cancel, after which the
 * controller reports the attempt ended with Unknown Connection Identifier.
 */

import { type Address, hexNumber } from '@tsble/base';
import {
  type Hci,
  HciAddressType,
  HciRole,
  HciStatus,
  type LeConnectionComplete,
} from '@tsble/hci-transport';
import { Defaults } from './constants.js';
import { HostError } from './errors.js';

export interface ConnectOptions {
  /** Give up after this many milliseconds (default 10 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class Connector {
  private busy = false;

  constructor(
    private readonly hci: Hci,
    private readonly ownAddressType: () => number,
  ) {}

  /** Resolves with the new connection's handle. */
  async connect(peer: Address, options: ConnectOptions = {}): Promise<number> {
    if (this.busy) throw new HostError('busy', 'another connection attempt is in progress');
    if (options.signal?.aborted)
      throw new HostError('connect-cancelled', 'the connection attempt was cancelled');
    this.busy = true;
    try {
      return await this.attempt(peer, options);
    } finally {
      this.busy = false;
    }
  }

  private async attempt(peer: Address, options: ConnectOptions): Promise<number> {
    const complete = new Promise<LeConnectionComplete>((resolve) => {
      const listener = (event: LeConnectionComplete) => {
        if (event.role !== HciRole.central) return;
        this.hci.off('connectionComplete', listener);
        resolve(event);
      };
      this.hci.on('connectionComplete', listener);
    });
    await this.hci.execute('leCreateConnection', {
      leScanInterval: Defaults.scanInterval,
      leScanWindow: Defaults.scanInterval,
      initiatorFilterPolicy: 0,
      peerAddressType: peer.type === 'public' ? HciAddressType.public : HciAddressType.random,
      peerAddress: peer.bytes,
      ownAddressType: this.ownAddressType(),
      connectionIntervalMin: Defaults.connectionIntervalMin,
      connectionIntervalMax: Defaults.connectionIntervalMax,
      maxLatency: 0,
      supervisionTimeout: Defaults.supervisionTimeout,
      minCeLength: 0,
      maxCeLength: 0,
    });
    let why: 'timeout' | 'aborted' | undefined;
    const cancel = (reason: 'timeout' | 'aborted') => {
      if (why) return;
      why = reason;
      void this.hci.execute('leCreateConnectionCancel', {}).catch(() => undefined);
    };
    const timer = setTimeout(() => cancel('timeout'), options.timeoutMs ?? Defaults.connectTimeoutMs);
    const onAbort = () => cancel('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const event = await complete;
      if (event.status === 0) {
        // A cancel that lost the race with the connection: the connection stands.
        return event.connectionHandle;
      }
      if (why === 'timeout')
        throw new HostError(
          'connect-timeout',
          `no connection to the device within ${Math.round((options.timeoutMs ?? Defaults.connectTimeoutMs) / 1000)} s; is it advertising and in range?`,
        );
      if (why === 'aborted' || event.status === HciStatus.unknownConnectionIdentifier)
        throw new HostError('connect-cancelled', 'the connection attempt was cancelled');
      throw new HostError(
        'controller',
        `the controller could not connect (HCI status ${hexNumber(event.status)})`,
      );
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}
