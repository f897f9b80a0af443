/**
 * Pumping notifications through a stack and timing it, the same way for every stack compared: the sender
 * queues a window of notifications, then waits until the receiver has seen them all before the next window,
 * so the figure is the stack's throughput and not the growth of a queue.
 */

/** A stack's two ends as the pump sees them. */
export interface NotificationEnds {
  /** Queue one notification carrying `value` at the sender. */
  send: (value: Uint8Array) => void;
  /** Register a listener called once per notification arriving at the receiver. */
  onNotification: (listener: () => void) => void;
}

export interface PumpResult {
  count: number;
  seconds: number;
  /** process.cpuUsage (user + system) over the run, microseconds: both hosts and both controllers. */
  cpuMicros: number;
}

/** The receiver's arrival counter with a way to wait until it reaches a target. */
function arrivals(ends: NotificationEnds): (target: number) => Promise<void> {
  let received = 0;
  let target = 0;
  let wake: (() => void) | undefined;
  ends.onNotification(() => {
    received++;
    if (received >= target && wake) {
      const resolve = wake;
      wake = undefined;
      resolve();
    }
  });
  return (next) => {
    target = next;
    if (received >= target) return Promise.resolve();
    return new Promise((resolve) => {
      wake = resolve;
    });
  };
}

/**
 * A pump over `ends` (its arrival listener is registered once, so one pump can run many times). Each run
 * sends `count` notifications of `size` octets in windows of `window` and resolves when all have arrived.
 */
export function notificationPump(
  ends: NotificationEnds,
  options: { size?: number; window?: number } = {},
): (count: number) => Promise<PumpResult> {
  const value = new Uint8Array(options.size ?? 20).fill(0x5a);
  const window = options.window ?? 500;
  const arrived = arrivals(ends);
  let total = 0;
  return async (count) => {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const end = total + count;
    while (total < end) {
      const target = Math.min(total + window, end);
      const waiting = arrived(target);
      for (; total < target; total++) ends.send(value);
      await waiting;
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return { count, seconds, cpuMicros: cpu.user + cpu.system };
  };
}
