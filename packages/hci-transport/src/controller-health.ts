import type { Logger } from '@tsble/base';
import type { H4SyncChange } from './h4-framer.js';

/**
 * Warnings a lying controller can make the host repeat thousands of times a second (events for unknown
 * handles, bogus completed-packet counts): at most one per kind per second reaches the log.
 */
export class RareWarnings {
  readonly #last = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  warn(kind: string, detail: object, message: string): void {
    const now = Date.now();
    if (now - (this.#last.get(kind) ?? Number.NEGATIVE_INFINITY) < 1000) return;
    this.#last.set(kind, now);
    this.logger.warn(detail, message);
  }
}

/**
 * Hardware errors of the last minute. A controller that keeps failing is broken: after the third reset in a
 * minute it is not reset again (resetting it for ever would hide that), and the application is told.
 */
export class HardwareErrorBudget {
  #times: number[] = [];

  /** Records one; returns how many fell within the last minute and whether to stop resetting. */
  record(now = Date.now()): { count: number; giveUp: boolean } {
    this.#times = [...this.#times.filter((t) => now - t < 60_000), now];
    return { count: this.#times.length, giveUp: this.#times.length > 3 };
  }
}

/** Every H4 resynchronisation is worth a warning: it means octets were lost or the line is noisy. */
export function logSyncChange(logger: Logger, transport: string, change: H4SyncChange): void {
  if (change.kind === 'lost')
    logger.warn({ octet: change.octet, transport }, `H4 framing lost (${change.reason}); resynchronising`);
  else
    logger.warn(
      { droppedBytes: change.droppedBytes, transport },
      `H4 framing found after dropping ${change.droppedBytes} octets`,
    );
}
