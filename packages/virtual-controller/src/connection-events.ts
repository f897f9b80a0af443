/**
 * When things happen on a link. In instant mode (the default) every PDU crosses at once. With a timing, the
 * link has connection events every connection interval (Core 6.0 Vol 6 Part B 4.5.1): at each one, each side
 * sends at most `pdusPerEvent` queued data PDUs, in order, and link-layer procedures (encryption start,
 * connection update, features, termination) take the events a real exchange of control PDUs takes.
 */

/** How a link's connection events are timed. */
export interface LinkTiming {
  /** Time between connection events (ms). Default: the link's connection interval (units of 1.25 ms). */
  intervalMs?: number;
  /** Data PDUs each side sends per connection event at most (default 4; real controllers manage 2-8). */
  pdusPerEvent?: number;
}

/** A data PDU waiting for a connection event; `sent` runs once the peer has it (the ACK). */
export interface QueuedPdu {
  deliver: () => void;
  sent?: () => void;
}

/**
 * The timing `TSBLE_SIM_INTERVAL_MS` asks for (a number of ms, or `link` for the negotiated interval), so the
 * stack's suites and the CLI can run under realistic timing without code changes; undefined means instant.
 */
export function timingFromEnvironment(env: NodeJS.ProcessEnv = process.env): LinkTiming | undefined {
  const value = env.TSBLE_SIM_INTERVAL_MS?.trim();
  if (value === undefined || value === '' || value === '0' || value === 'instant') return undefined;
  if (value === 'link') return {};
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms <= 0)
    throw new Error(`TSBLE_SIM_INTERVAL_MS=${value}: give milliseconds, "link" or "instant"`);
  return { intervalMs: ms };
}

export class ConnectionEvents {
  #timing: LinkTiming | undefined;
  #timer: NodeJS.Timeout | undefined;
  #counter = 0;
  #procedures: { at: number; run: () => void }[] = [];
  readonly #queues: [QueuedPdu[], QueuedPdu[]] = [[], []];
  #closed = false;

  constructor(
    timing: LinkTiming | undefined,
    /** The negotiated connection interval in units of 1.25 ms (it changes with a connection update). */
    private readonly connectionInterval: () => number,
  ) {
    this.#timing = timing;
    this.#restart();
  }

  get timing(): LinkTiming | undefined {
    return this.#timing;
  }

  set timing(timing: LinkTiming | undefined) {
    this.#timing = timing;
    this.#restart();
  }

  /** Milliseconds between connection events, or 0 in instant mode. */
  get intervalMs(): number {
    if (this.#timing === undefined) return 0;
    return this.#timing.intervalMs ?? this.connectionInterval() * 1.25;
  }

  /** Connection events so far. */
  get counter(): number {
    return this.#counter;
  }

  /** Runs `run` at the `events`-th connection event from now (at once in instant mode). */
  after(events: number, run: () => void): void {
    if (this.#closed) return;
    if (this.#timing === undefined) {
      run();
      return;
    }
    this.#procedures.push({ at: this.#counter + Math.max(1, events), run });
    this.#timer?.ref();
  }

  /** Queues data PDUs from one side (0 central, 1 peripheral); in instant mode they cross on the next turn. */
  send(side: 0 | 1, pdus: QueuedPdu[]): void {
    if (this.#closed) return;
    if (this.#timing === undefined) {
      setImmediate(() => {
        if (this.#closed) return;
        for (const pdu of pdus) {
          pdu.deliver();
          pdu.sent?.();
        }
      });
      return;
    }
    this.#queues[side].push(...pdus);
    this.#timer?.ref();
  }

  /** The connection interval changed (connection update): events follow the new one. */
  intervalChanged(): void {
    if (this.#timing?.intervalMs === undefined) this.#restart();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#procedures = [];
    this.#queues[0].length = 0;
    this.#queues[1].length = 0;
  }

  #restart(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.#timing === undefined) {
      // Back to instant: whatever waited for an event happens now.
      this.#flushAll();
      return;
    }
    this.#schedule();
  }

  /**
   * One timeout per event rather than setInterval: tests that fake the host's clock (setInterval and
   * performance, for the SMP timeout) must not stop the air, which keeps real time like a real radio.
   */
  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#event();
      if (!this.#closed && this.#timing !== undefined) this.#schedule();
    }, this.intervalMs);
    // An idle link does not keep the process alive; one with PDUs or a procedure waiting does (a process
    // whose only pending work is the next connection event must not exit before it).
    if (!this.#busy) this.#timer.unref();
  }

  get #busy(): boolean {
    return this.#procedures.length > 0 || this.#queues[0].length > 0 || this.#queues[1].length > 0;
  }

  #event(): void {
    this.#counter++;
    // Data queued before a procedure's PDU goes first, as the LL sends its queue in order (and pauses data
    // during encryption start): a host never sees plaintext data arrive after its Encryption Change.
    const budget = this.#timing?.pdusPerEvent ?? 4;
    for (const queue of this.#queues) {
      for (const pdu of queue.splice(0, budget)) {
        if (this.#closed) return;
        pdu.deliver();
        pdu.sent?.();
      }
    }
    const due = this.#procedures.filter((p) => p.at <= this.#counter);
    this.#procedures = this.#procedures.filter((p) => p.at > this.#counter);
    for (const procedure of due) {
      if (this.#closed) return;
      procedure.run();
    }
  }

  #flushAll(): void {
    const procedures = this.#procedures.splice(0);
    const pdus = [...this.#queues[0].splice(0), ...this.#queues[1].splice(0)];
    for (const procedure of procedures) procedure.run();
    for (const pdu of pdus) {
      pdu.deliver();
      pdu.sent?.();
    }
  }
}
