/** A queue the lower tester reads with a deadline: what the IUT sent, in order, or nothing in time. */

/** Milliseconds to wait. */
export type Deadline = number;

export class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  /** The next item, or undefined after `deadline` ms or when `signal` aborts (the item then stays queued). */
  next(deadline: Deadline, signal?: AbortSignal): Promise<T | undefined> {
    const ready = this.items.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const give = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        clearTimeout(timer);
        resolve(undefined);
      };
      const waiter = (item: T) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', give);
        resolve(item);
      };
      const timer = setTimeout(give, deadline);
      signal?.addEventListener('abort', give, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Puts an item back at the front. */
  unshift(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.unshift(item);
  }

  drain(): T[] {
    return this.items.splice(0);
  }
}
