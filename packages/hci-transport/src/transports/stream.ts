import type { Duplex } from 'node:stream';
import { HciTransportError } from '../errors.js';
import { H4Framer, type H4SyncChange } from '../h4-framer.js';
import { encodeH4, type HciPacket } from '../packet.js';
import { BaseTransport } from './transport.js';

export interface H4StreamOptions {
  /**
   * Before the framer is in sync (at open, or after a byte that could not start a packet): how long a partial
   * packet may sit with no new bytes before it is treated as garbage. Default 250 ms. Once in sync a partial
   * packet waits as long as it takes: the length field decides.
   */
  staleAfterMs?: number;
}

/**
 * H4 over any Node byte stream: a serial port, a unix or TCP socket. Received bytes go through the H4 framer
 * (which frames by length once in sync, and hunts for a packet only at open or after a byte that cannot start
 * one); a stream that ends or errors becomes a typed `error` then `close`.
 */
export class H4StreamTransport extends BaseTransport {
  readonly #framer = new H4Framer({
    accept: ['event', 'acl', 'sco', 'iso'],
    onSync: (change: H4SyncChange) => this.emit('sync', change),
  });
  readonly #staleAfterMs: number;
  #staleTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(
    private readonly stream: Duplex,
    readonly description: string,
    options: H4StreamOptions = {},
  ) {
    super();
    this.#staleAfterMs = options.staleAfterMs ?? 250;
    stream.on('data', (chunk: Uint8Array) => this.#receive(chunk));
    stream.on('error', (cause: Error) => this.#fail(cause));
    stream.on('close', () => this.#fail());
    stream.on('end', () => this.#fail());
  }

  /** Octets the framer dropped while resynchronising. */
  get droppedBytes(): number {
    return this.#framer.droppedBytes;
  }

  send(packet: HciPacket): Promise<void> {
    return this.writeRaw(encodeH4(packet));
  }

  writeRaw(bytes: Uint8Array): Promise<void> {
    if (this.closed || this.#closing) {
      return Promise.reject(
        new HciTransportError('transport-closed', this.description, `${this.description} is closed`),
      );
    }
    return new Promise((resolve, reject) => {
      this.stream.write(bytes, (error) => {
        if (error)
          reject(
            new HciTransportError(
              'transport-error',
              this.description,
              `write to ${this.description} failed: ${error.message}`,
              { cause: error },
            ),
          );
        else resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.#closing = true;
    clearTimeout(this.#staleTimer);
    await new Promise<void>((resolve) => {
      this.stream.once('close', () => resolve());
      this.stream.destroy();
      // Some streams (serial ports already gone) never emit close after destroy.
      setTimeout(resolve, 500).unref();
    });
    this.markClosed();
  }

  #receive(chunk: Uint8Array): void {
    const packets = this.#framer.push(chunk);
    for (const packet of packets) this.emit('packet', packet);
    this.#armStaleTimer();
  }

  #armStaleTimer(): void {
    clearTimeout(this.#staleTimer);
    this.#staleTimer = undefined;
    if (this.#framer.synchronized || this.#framer.bufferedBytes === 0 || this.closed) return;
    this.#staleTimer = setTimeout(() => {
      for (const packet of this.#framer.resyncStale()) this.emit('packet', packet);
      this.#armStaleTimer();
    }, this.#staleAfterMs);
    this.#staleTimer.unref();
  }

  #fail(cause?: Error): void {
    clearTimeout(this.#staleTimer);
    if (this.closed) return;
    if (!this.#closing) {
      const reason = cause
        ? `: ${cause.message}`
        : ' by the other end (unplugged, or the peer process exited?)';
      this.emit(
        'error',
        new HciTransportError('transport-closed', this.description, `${this.description} closed${reason}`, {
          cause,
        }),
      );
    }
    this.markClosed();
  }
}
