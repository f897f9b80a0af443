/** A fixed channel (ATT 0x0004, SMP 0x0006): whole PDUs in, whole PDUs out. */
import { type Logger, TypedEmitter } from '@tsble/base';

export type FixedChannelEvents = {
  pdu: (payload: Uint8Array) => void;
  close: () => void;
};

export class FixedChannel extends TypedEmitter<FixedChannelEvents> {
  constructor(
    readonly cid: number,
    private readonly transmit: (cid: number, payload: Uint8Array) => Promise<void>,
    logger: Logger,
  ) {
    super((error) => logger.error({ err: error, cid }, 'fixed channel listener threw'));
  }

  /** Sends one PDU; resolves when every fragment is handed to the link. */
  send(payload: Uint8Array): Promise<void> {
    return this.transmit(this.cid, payload);
  }

  /** @internal the L2CAP instance delivers a received PDU. */
  deliver(payload: Uint8Array): void {
    this.emit('pdu', payload);
  }

  /** @internal the link closed. */
  closed(): void {
    this.emit('close');
  }
}
