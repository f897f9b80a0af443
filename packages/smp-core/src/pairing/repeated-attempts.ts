/**
 * Repeated Attempts (Core 6.0 Vol 3 Part H 2.3.6): after a failed pairing, a device waits an interval before
 * it accepts (as responder) or starts (as initiator) another pairing with the same peer, and the interval
 * grows exponentially with each consecutive failure. A peer that retries too soon gets Pairing Failed
 * "Repeated Attempts". The interval never shrinks between consecutive failures; it returns to zero only when
 * a pairing with that peer succeeds (or the application calls `forget`).
 *
 * The tracker outlives sessions: the host keeps one and passes it to each session. Time is an input (ms).
 */
export interface RepeatedAttemptsOptions {
  /** Waiting interval after the first failure, in ms (default 2 000). */
  initialIntervalMs?: number;
  /** The cap for the interval, in ms (default 64 000). */
  maxIntervalMs?: number;
}

interface PeerRecord {
  intervalMs: number;
  notBefore: number;
}

export class RepeatedAttemptsTracker {
  private readonly peers = new Map<string, PeerRecord>();
  private readonly initialIntervalMs: number;
  private readonly maxIntervalMs: number;

  constructor(options: RepeatedAttemptsOptions = {}) {
    this.initialIntervalMs = options.initialIntervalMs ?? 2_000;
    this.maxIntervalMs = options.maxIntervalMs ?? 64_000;
  }

  /** True when a pairing with `peer` may start at `now`. */
  mayAttempt(peer: string, now: number): boolean {
    const record = this.peers.get(peer);
    return record === undefined || now >= record.notBefore;
  }

  /** When the next pairing with `peer` may start (ms timestamp), or 0 if it may start now. */
  nextAttemptAt(peer: string): number {
    return this.peers.get(peer)?.notBefore ?? 0;
  }

  /** The current waiting interval for `peer` in ms (0 when it has no failures on record). */
  intervalFor(peer: string): number {
    return this.peers.get(peer)?.intervalMs ?? 0;
  }

  /** A pairing with `peer` failed at `now`: double the interval (first failure: the initial interval). */
  recordFailure(peer: string, now: number): void {
    const previous = this.peers.get(peer)?.intervalMs ?? 0;
    const intervalMs = previous === 0 ? this.initialIntervalMs : Math.min(previous * 2, this.maxIntervalMs);
    this.peers.set(peer, { intervalMs, notBefore: now + intervalMs });
  }

  /** A pairing with `peer` succeeded: it starts afresh. */
  recordSuccess(peer: string): void {
    this.peers.delete(peer);
  }

  forget(peer: string): void {
    this.peers.delete(peer);
  }
}
