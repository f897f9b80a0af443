/**
 * The ATT bearer on the LE fixed channel (Core 6.0 Vol 3 Part F 3.3): one outstanding request and one
 * outstanding indication per direction, the 30-second transaction timeout after which the bearer is
 * dead, ATT_MTU exchange, and routing of what arrives to the local server or client.
 */
import { type Logger, silentLogger, TypedEmitter, traceEnabled } from '@tsble/base';
import { type FixedChannel, realTimers, type Timers } from '@tsble/l2cap';
import {
  type AttOp,
  type AttPdu,
  type AttPduOf,
  decodeAttPdu,
  encodeAttPdu,
  opcodeOf,
  opOf,
} from './att-pdu.js';
import {
  type AttCommand,
  type AttRequest,
  type ClientRequestOp,
  REQUEST_OPS,
  RESPONSE_OF,
  type ResponseOf,
} from './att-transactions.js';
import {
  ATT_COMMAND_FLAG,
  ATT_DEFAULT_MTU,
  ATT_MAX_MTU,
  ATT_TRANSACTION_TIMEOUT_MS,
  AttErrorCode,
  AttOpcode,
} from './constants.js';
import { AttBearerError } from './errors.js';
import { TransactionSlot } from './transaction-slot.js';

/** What the local GATT server provides to the bearer. */
export interface AttServerHandler {
  /** Answers a request with its response or an error-response. */
  handleRequest(request: AttRequest): AttPdu | Promise<AttPdu>;
  handleCommand(command: AttCommand): void | Promise<void>;
}

export interface AttBearerOptions {
  logger?: Logger;
  timers?: Timers;
  /** Our receive MTU offered in the exchange (default 517). */
  localMtu?: number;
  transactionTimeoutMs?: number;
  /**
   * Awaited before every PDU this side originates as a client (requests, Write Command, Signed Write Command);
   * a rejection fails that PDU, which is then never sent. The host uses it to encrypt a bonded link before
   * anything reaches the peer (BLESA); server-side traffic (responses, notifications) never passes it.
   */
  beforeClientPdu?: (pdu: AttPdu) => Promise<void> | undefined;
}

/** PDUs a client originates without expecting a response (Core 6.0 Vol 3 Part F 3.4.5.3, 3.4.5.4). */
const CLIENT_COMMANDS: ReadonlySet<AttPdu['op']> = new Set(['write-command', 'signed-write-command']);

export type AttBearerEvents = {
  notification: (handle: number, value: Uint8Array) => void;
  /** The bearer confirms after listeners return. */
  indication: (handle: number, value: Uint8Array) => void;
  mtu: (mtu: number) => void;
  close: (reason: 'timeout' | 'closed') => void;
};

/** Requests the peer may queue while we are answering one: a well-behaved client sends one at a time. */
const MAX_PENDING_INBOUND = 4;

export class AttBearer extends TypedEmitter<AttBearerEvents> {
  #mtu = ATT_DEFAULT_MTU;
  #state: 'open' | 'dead' = 'open';
  #server: AttServerHandler | undefined;
  readonly #requests: TransactionSlot;
  readonly #indications: TransactionSlot;
  readonly #inbound: AttRequest[] = [];
  #serving = false;
  readonly #logger: Logger;
  readonly #trace: boolean;
  readonly #timers: Timers;
  readonly #timeoutMs: number;
  readonly #beforeClientPdu: AttBearerOptions['beforeClientPdu'];
  readonly localMtu: number;
  readonly #unsubscribe: (() => void)[];

  constructor(
    private readonly channel: FixedChannel,
    options: AttBearerOptions = {},
  ) {
    const logger = options.logger ?? silentLogger;
    super((error) => logger.error({ err: error }, 'ATT listener threw'));
    this.#logger = logger;
    this.#trace = traceEnabled(logger);
    this.#timers = options.timers ?? realTimers;
    this.#timeoutMs = options.transactionTimeoutMs ?? ATT_TRANSACTION_TIMEOUT_MS;
    this.#beforeClientPdu = options.beforeClientPdu;
    this.localMtu = Math.min(Math.max(options.localMtu ?? ATT_MAX_MTU, ATT_DEFAULT_MTU), ATT_MAX_MTU);
    const slot = (): TransactionSlot =>
      new TransactionSlot({
        send: (pdu) => {
          channel
            .send(encodeAttPdu(pdu))
            .catch((error: unknown) => logger.debug({ err: error }, 'ATT send failed'));
        },
        onTimeout: (op) => this.#onTimeout(op),
        timers: this.#timers,
        timeoutMs: this.#timeoutMs,
        logger,
      });
    this.#requests = slot();
    this.#indications = slot();
    this.#unsubscribe = [
      channel.on('pdu', (payload) => this.receive(payload)),
      channel.on('close', () => this.#die('closed')),
    ];
  }

  /** The current ATT_MTU. */
  get mtu(): number {
    return this.#mtu;
  }
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Installs the local GATT server; without one every request is answered Request Not Supported. */
  setServer(server: AttServerHandler | undefined): void {
    this.#server = server;
  }

  /** ATT_EXCHANGE_MTU (client side); resolves with the new ATT_MTU. */
  async exchangeMtu(): Promise<number> {
    const response = await this.request({ op: 'exchange-mtu-request', mtu: this.localMtu });
    this.#setMtu(response.mtu);
    return this.#mtu;
  }

  /**
   * Sends a request and resolves with its response. Requests queue so only one is outstanding
   * (Core 6.0 Vol 3 Part F 3.3.2). An error response rejects with AttError.
   */
  request<Op extends ClientRequestOp>(pdu: AttPduOf<Op>): Promise<ResponseOf<Op>> {
    const responseOp = RESPONSE_OF[(pdu as AttPdu).op as Op];
    const enqueue = () => this.#enqueue(this.#requests, pdu as AttPdu, responseOp) as Promise<ResponseOf<Op>>;
    const gate = this.#beforeClientPdu?.(pdu as AttPdu);
    return gate ? gate.then(enqueue) : enqueue();
  }

  /** Sends a command (write-command, signed-write-command, notification): no response. */
  send(pdu: AttPdu): Promise<void> {
    const gate = CLIENT_COMMANDS.has(pdu.op) ? this.#beforeClientPdu?.(pdu) : undefined;
    if (gate) return gate.then(() => this.#sendNow(pdu));
    return this.#sendNow(pdu);
  }

  #sendNow(pdu: AttPdu): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(this.#deadError());
    return this.channel.send(encodeAttPdu(pdu));
  }

  /** ATT_HANDLE_VALUE_NTF with a pre-checked value (server side). */
  notify(handle: number, value: Uint8Array): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(this.#deadError());
    const pdu = new Uint8Array(3 + value.length);
    pdu[0] = AttOpcode.handleValueNotification;
    pdu[1] = handle & 0xff;
    pdu[2] = handle >>> 8;
    pdu.set(value, 3);
    return this.channel.send(pdu);
  }

  /** ATT_HANDLE_VALUE_IND; resolves on the client's confirmation. One outstanding at a time. */
  indicate(handle: number, value: Uint8Array): Promise<void> {
    return this.#enqueue(
      this.#indications,
      { op: 'handle-value-indication', handle, value },
      'handle-value-confirmation',
    ).then(() => undefined);
  }

  /** Stops listening to the channel and fails everything outstanding. */
  close(): void {
    this.#die('closed');
  }

  /** One ATT PDU from L2CAP. Never throws. */
  receive(payload: Uint8Array): void {
    if (this.#state !== 'open') return;
    const decoded = decodeAttPdu(payload);
    if (!decoded.ok) {
      this.#onUndecodable(decoded.error.kind, decoded.error.opcode);
      return;
    }
    const pdu = decoded.value;
    if (this.#trace) this.#logger.trace({ op: pdu.op }, 'ATT received');
    if (REQUEST_OPS.has(pdu.op)) {
      this.#onRequest(pdu as AttRequest);
      return;
    }
    switch (pdu.op) {
      case 'exchange-mtu-request':
        // Core 6.0 Vol 3 Part F 3.4.2.2: answer with our Server Rx MTU; ATT_MTU is the smaller of the two.
        void this.send({ op: 'exchange-mtu-response', mtu: this.localMtu }).catch(() => {});
        this.#setMtu(pdu.mtu);
        return;
      case 'write-command':
      case 'signed-write-command':
        this.#onCommand(pdu);
        return;
      case 'handle-value-notification':
        this.emit('notification', pdu.handle, pdu.value);
        return;
      case 'multiple-handle-value-notification':
        for (const entry of pdu.entries) this.emit('notification', entry.handle, entry.value);
        return;
      case 'handle-value-indication':
        this.emit('indication', pdu.handle, pdu.value);
        void this.send({ op: 'handle-value-confirmation' }).catch(() => {});
        return;
      case 'handle-value-confirmation':
        this.#indications.answer(pdu);
        return;
      default:
        this.#requests.answer(pdu);
    }
  }

  #onUndecodable(error: string, opcode: number | undefined): void {
    this.#logger.warn({ error, opcode }, 'undecodable ATT PDU');
    if (opcode === undefined || (opcode & ATT_COMMAND_FLAG) !== 0) return; // commands are never answered
    const op = opOf(opcode);
    if (op === undefined) {
      // Core 6.0 Vol 3 Part F 3.4.1.1: a request we do not know -> Request Not Supported.
      void this.send({
        op: 'error-response',
        requestOpcode: opcode,
        handle: 0,
        errorCode: AttErrorCode.requestNotSupported,
      }).catch(() => {});
      return;
    }
    if (REQUEST_OPS.has(op) || op === 'exchange-mtu-request') {
      void this.send({
        op: 'error-response',
        requestOpcode: opcode,
        handle: 0,
        errorCode: AttErrorCode.invalidPdu,
      }).catch(() => {});
      return;
    }
    const awaiting = this.#requests.awaiting;
    if (awaiting !== undefined && (op === awaiting || op === 'error-response')) {
      this.#requests.fail(new AttBearerError('invalid-response', `malformed ${op}`));
    }
    // Other malformed responses, notifications, indications and confirmations are dropped.
  }

  #onRequest(request: AttRequest): void {
    if (this.#inbound.length >= MAX_PENDING_INBOUND) {
      this.#logger.warn({ op: request.op }, 'client pipelined too many requests; dropped');
      return;
    }
    this.#inbound.push(request);
    if (!this.#serving) void this.#serve();
  }

  async #serve(): Promise<void> {
    this.#serving = true;
    try {
      for (let request = this.#inbound.shift(); request; request = this.#inbound.shift()) {
        const response = await this.#answer(request);
        if (this.#state !== 'open') return;
        await this.send(response).catch(() => {});
      }
    } finally {
      this.#serving = false;
    }
  }

  async #answer(request: AttRequest): Promise<AttPdu> {
    const requestOpcode = opcodeOf(request.op);
    if (!this.#server)
      return { op: 'error-response', requestOpcode, handle: 0, errorCode: AttErrorCode.requestNotSupported };
    try {
      return await this.#server.handleRequest(request);
    } catch (error) {
      this.#logger.error({ err: error, op: request.op }, 'GATT server failed on a request');
      return { op: 'error-response', requestOpcode, handle: 0, errorCode: AttErrorCode.unlikelyError };
    }
  }

  #onCommand(command: AttCommand): void {
    if (!this.#server) return;
    try {
      const done = this.#server.handleCommand(command);
      if (done instanceof Promise)
        done.catch((error: unknown) => this.#logger.error({ err: error }, 'command handler failed'));
    } catch (error) {
      this.#logger.error({ err: error }, 'command handler threw');
    }
  }

  #enqueue(slot: TransactionSlot, pdu: AttPdu, responseOp: AttOp): Promise<AttPdu> {
    if (this.#state !== 'open') return Promise.reject(this.#deadError());
    return slot.enqueue(pdu, responseOp);
  }

  #onTimeout(op: AttOp): void {
    this.#logger.error({ op }, 'ATT transaction timed out; the bearer is unusable until reconnection');
    this.#die('timeout');
  }

  #die(reason: 'timeout' | 'closed'): void {
    if (this.#state !== 'open') return;
    this.#state = 'dead';
    for (const off of this.#unsubscribe) off();
    const error =
      reason === 'timeout'
        ? new AttBearerError('timeout', 'ATT transaction timed out (30 s); disconnect and reconnect')
        : new AttBearerError('closed', 'the ATT bearer closed');
    this.#requests.failAll(error);
    this.#indications.failAll(error);
    this.#inbound.length = 0;
    this.emit('close', reason);
  }

  #deadError(): AttBearerError {
    return new AttBearerError('closed', 'the ATT bearer is closed (link lost or transaction timeout)');
  }

  #setMtu(peerMtu: number): void {
    const mtu = Math.min(Math.max(peerMtu, ATT_DEFAULT_MTU), this.localMtu);
    if (mtu === this.#mtu) return;
    this.#mtu = mtu;
    this.emit('mtu', mtu);
  }
}
