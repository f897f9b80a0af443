/**
 * The ATT bearer on the LE fixed channel (Core 6.0 Vol 3 Part F 3.3): one outstanding request and one
 * outstanding indication per direction, the 30-second transaction timeout after which the bearer is
 * dead, ATT_MTU exchange, and routing of what arrives to the local server or client.
 */
import {
  type FixedChannel,
  type PortableLogger,
  realTimers,
  silentLogger,
  type Timers,
  TypedEmitter,
} from '@tsble/l2cap';
import {
  type AttOp,
  type AttPdu,
  type AttPduOf,
  decodeAttPdu,
  encodeAttPdu,
  isAttDecodeError,
  opcodeOf,
  opOf,
} from './att-pdu.js';
import {
  ATT_COMMAND_FLAG,
  ATT_DEFAULT_MTU,
  ATT_MAX_MTU,
  ATT_TRANSACTION_TIMEOUT_MS,
  AttErrorCode,
  AttOpcode,
} from './constants.js';
import { AttBearerError, AttError } from './errors.js';

/** Requests a server answers (Core 6.0 Vol 3 Part F 3.4.9, Table 3.38). */
export type AttRequestOp =
  | 'find-information-request'
  | 'find-by-type-value-request'
  | 'read-by-type-request'
  | 'read-request'
  | 'read-blob-request'
  | 'read-multiple-request'
  | 'read-by-group-type-request'
  | 'write-request'
  | 'prepare-write-request'
  | 'execute-write-request'
  | 'read-multiple-variable-request';
export type AttRequest = AttPduOf<AttRequestOp>;
export type AttCommand = AttPduOf<'write-command' | 'signed-write-command'>;

const REQUEST_OPS: ReadonlySet<AttOp> = new Set<AttOp>([
  'find-information-request',
  'find-by-type-value-request',
  'read-by-type-request',
  'read-request',
  'read-blob-request',
  'read-multiple-request',
  'read-by-group-type-request',
  'write-request',
  'prepare-write-request',
  'execute-write-request',
  'read-multiple-variable-request',
]);

/** The response op each request expects. */
export const RESPONSE_OF = {
  'exchange-mtu-request': 'exchange-mtu-response',
  'find-information-request': 'find-information-response',
  'find-by-type-value-request': 'find-by-type-value-response',
  'read-by-type-request': 'read-by-type-response',
  'read-request': 'read-response',
  'read-blob-request': 'read-blob-response',
  'read-multiple-request': 'read-multiple-response',
  'read-by-group-type-request': 'read-by-group-type-response',
  'write-request': 'write-response',
  'prepare-write-request': 'prepare-write-response',
  'execute-write-request': 'execute-write-response',
  'read-multiple-variable-request': 'read-multiple-variable-response',
} as const;
type ClientRequestOp = keyof typeof RESPONSE_OF;
type ResponseOf<Op extends ClientRequestOp> = AttPduOf<(typeof RESPONSE_OF)[Op]>;

/** What the local GATT server provides to the bearer. */
export interface AttServerHandler {
  /** Answers a request with its response or an error-response. */
  handleRequest(request: AttRequest): AttPdu | Promise<AttPdu>;
  handleCommand(command: AttCommand): void | Promise<void>;
}

export interface AttBearerOptions {
  logger?: PortableLogger;
  timers?: Timers;
  /** Our receive MTU offered in the exchange (default 517). */
  localMtu?: number;
  transactionTimeoutMs?: number;
}

export interface AttBearerEvents {
  [event: string]: (...args: never[]) => void;
  notification: (handle: number, value: Uint8Array) => void;
  /** The bearer confirms after listeners return. */
  indication: (handle: number, value: Uint8Array) => void;
  mtu: (mtu: number) => void;
  close: (reason: 'timeout' | 'closed') => void;
}

interface Outstanding {
  requestOp: AttOp;
  responseOp: AttOp;
  resolve(pdu: AttPdu): void;
  reject(error: Error): void;
  timer: unknown;
}

interface Queued {
  pdu: AttPdu;
  responseOp: AttOp;
  resolve(pdu: AttPdu): void;
  reject(error: Error): void;
}

/** Requests the peer may queue while we are answering one: a well-behaved client sends one at a time. */
const MAX_PENDING_INBOUND = 4;

export class AttBearer extends TypedEmitter<AttBearerEvents> {
  #mtu = ATT_DEFAULT_MTU;
  #state: 'open' | 'dead' = 'open';
  #server: AttServerHandler | undefined;
  #request: Outstanding | undefined;
  readonly #requestQueue: Queued[] = [];
  #indication: Outstanding | undefined;
  readonly #indicationQueue: Queued[] = [];
  readonly #inbound: AttRequest[] = [];
  #serving = false;
  readonly #logger: PortableLogger;
  readonly #timers: Timers;
  readonly #timeoutMs: number;
  readonly localMtu: number;
  readonly #unsubscribe: (() => void)[];

  constructor(
    private readonly channel: FixedChannel,
    options: AttBearerOptions = {},
  ) {
    const logger = options.logger ?? silentLogger;
    super((error) => logger.error({ err: error }, 'ATT listener threw'));
    this.#logger = logger;
    this.#timers = options.timers ?? realTimers;
    this.#timeoutMs = options.transactionTimeoutMs ?? ATT_TRANSACTION_TIMEOUT_MS;
    this.localMtu = Math.min(Math.max(options.localMtu ?? ATT_MAX_MTU, ATT_DEFAULT_MTU), ATT_MAX_MTU);
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
    return this.#enqueue(this.#requestQueue, pdu as AttPdu, responseOp) as Promise<ResponseOf<Op>>;
  }

  /** Sends a command (write-command, signed-write-command, notification): no response. */
  send(pdu: AttPdu): Promise<void> {
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
      this.#indicationQueue,
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
    const pdu = decodeAttPdu(payload);
    if (isAttDecodeError(pdu)) {
      this.#onUndecodable(pdu.error, pdu.opcode);
      return;
    }
    this.#logger.trace({ op: pdu.op }, 'ATT received');
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
        this.#settle('indication', pdu);
        return;
      default:
        this.#settle('request', pdu);
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
    if (this.#request !== undefined && (op === this.#request.responseOp || op === 'error-response')) {
      this.#finish('request', new AttBearerError('invalid-response', `malformed ${op}`));
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

  #enqueue(queue: Queued[], pdu: AttPdu, responseOp: AttOp): Promise<AttPdu> {
    if (this.#state !== 'open') return Promise.reject(this.#deadError());
    return new Promise((resolve, reject) => {
      queue.push({ pdu, responseOp, resolve, reject });
      this.#pumpAll();
    });
  }

  #pumpAll(): void {
    if (!this.#request) this.#request = this.#start(this.#requestQueue.shift());
    if (!this.#indication) this.#indication = this.#start(this.#indicationQueue.shift());
  }

  #start(next: Queued | undefined): Outstanding | undefined {
    if (!next || this.#state !== 'open') return undefined;
    const timer = this.#timers.setTimeout(() => this.#onTimeout(next.pdu.op), this.#timeoutMs);
    this.channel.send(encodeAttPdu(next.pdu)).catch((error: unknown) => {
      this.#logger.debug({ err: error }, 'ATT send failed');
    });
    return {
      requestOp: next.pdu.op,
      responseOp: next.responseOp,
      resolve: next.resolve,
      reject: next.reject,
      timer,
    };
  }

  #settle(slot: 'request' | 'indication', pdu: AttPdu): void {
    const outstanding = slot === 'request' ? this.#request : this.#indication;
    if (!outstanding) {
      this.#logger.warn({ op: pdu.op }, 'unexpected ATT response dropped');
      return;
    }
    if (pdu.op === 'error-response') {
      if (pdu.requestOpcode !== opcodeOf(outstanding.requestOp)) {
        this.#logger.warn({ requestOpcode: pdu.requestOpcode }, 'error response for another request dropped');
        return;
      }
      this.#finish(slot, new AttError(pdu.errorCode, pdu.handle, pdu.requestOpcode));
      return;
    }
    if (pdu.op !== outstanding.responseOp) {
      this.#logger.warn({ op: pdu.op, expected: outstanding.responseOp }, 'mismatched ATT response dropped');
      return;
    }
    this.#finish(slot, pdu);
  }

  #finish(slot: 'request' | 'indication', outcome: AttPdu | Error): void {
    const outstanding = slot === 'request' ? this.#request : this.#indication;
    if (!outstanding) return;
    this.#timers.clearTimeout(outstanding.timer);
    if (slot === 'request') this.#request = undefined;
    else this.#indication = undefined;
    if (outcome instanceof Error) outstanding.reject(outcome);
    else outstanding.resolve(outcome);
    this.#pumpAll();
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
    for (const outstanding of [this.#request, this.#indication]) {
      if (!outstanding) continue;
      this.#timers.clearTimeout(outstanding.timer);
      outstanding.reject(error);
    }
    this.#request = undefined;
    this.#indication = undefined;
    for (const queued of [...this.#requestQueue.splice(0), ...this.#indicationQueue.splice(0)])
      queued.reject(error);
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
