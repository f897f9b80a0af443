/**
 * Time for the sans-IO SMP session: while a pairing runs, the host feeds the current time once a second so
 * the session's 30-second SMP timeout (Core 6.0 Vol 3 Part H 3.4) can fire even when the peer goes silent.
 */
const TICK_MS = 1000;

export class SmpTimer {
  private timer: ReturnType<typeof setInterval> | undefined;

  /** `tick` runs every second until it returns false or `stop()` is called. */
  constructor(private readonly tick: () => boolean) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.tick()) this.stop();
    }, TICK_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
