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

/** A connection-oriented channel's two ends as the SDU pump sees them. */
export interface SduEnds {
  /** Queue one SDU at the sender; resolves once the stack has taken it (sent to the controller). */
  send: (sdu: Uint8Array) => Promise<void>;
  /** Register a listener called with the length of every SDU arriving at the receiver. */
  onSdu: (listener: (length: number) => void) => void;
}

/**
 * Sends `megabytes` MB (2^20 octets) of `sduSize`-octet SDUs, at most `inFlight` at a time, and resolves with
 * the seconds until the last octet arrived.
 */
export async function pumpSdus(
  ends: SduEnds,
  megabytes: number,
  options: { sduSize?: number; inFlight?: number } = {},
): Promise<number> {
  const sdu = new Uint8Array(options.sduSize ?? 2048).fill(0x5a);
  const inFlight = options.inFlight ?? 16;
  const total = Math.ceil((megabytes * 1048576) / sdu.length) * sdu.length;
  let received = 0;
  let done: () => void = () => undefined;
  const allReceived = new Promise<void>((resolve) => {
    done = resolve;
  });
  ends.onSdu((length) => {
    received += length;
    if (received >= total) done();
  });
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < inFlight && sent < total; i++, sent += sdu.length) batch.push(ends.send(sdu));
    await Promise.all(batch);
  }
  await allReceived;
  return (performance.now() - start) / 1000;
}
