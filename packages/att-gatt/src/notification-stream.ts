/**
 * An async iterator over pushed values with a bounded buffer: when the consumer falls behind, the
 * oldest values are dropped (notifications are unacknowledged anyway), so memory stays flat.
 */
export class NotificationStream implements AsyncIterableIterator<Uint8Array> {
  readonly #buffer: Uint8Array[] = [];
  #waiting: ((result: IteratorResult<Uint8Array>) => void) | undefined;
  #ended = false;
  #dropped = 0;
  readonly #onEnd: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Values dropped because the buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }

  push(value: Uint8Array): void {
    if (this.#ended) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    if (this.#buffer.length >= this.capacity) {
      this.#buffer.shift();
      this.#dropped += 1;
    }
    this.#buffer.push(value);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#waiting?.({ value: undefined, done: true });
    this.#waiting = undefined;
    for (const callback of this.#onEnd.splice(0)) callback();
  }

  onEnd(callback: () => void): void {
    if (this.#ended) callback();
    else this.#onEnd.push(callback);
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const value = this.#buffer.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return this;
  }
}
