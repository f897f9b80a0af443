/**
 * The typed event emitter every tsble class uses: `on` (returns the function that removes the listener), `once`,
 * `off`, `next` (a promise of the next event), keyed by a map of listener signatures. Only the class itself emits:
 * `emit` is protected, so no caller can make an object report what did not happen to it. A listener that throws
 * stops neither the others nor the stack; the error goes to the `onListenerError` given to the constructor, or, by
 * default, is thrown again on a later tick so it is not lost.
 */

// biome-ignore lint/suspicious/noExplicitAny: listener argument lists are checked per event by the map type.
export type EventMap = { [event: string]: (...args: any[]) => void };

const rethrowLater = (error: unknown): void => {
  queueMicrotask(() => {
    throw error;
  });
};

export class TypedEmitter<Events extends EventMap> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = rethrowLater) {
    this.#onListenerError = onListenerError;
  }

  /** Adds `listener`; returns the function that removes it again. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Adds a listener for the next `event` only; returns the function that removes it before then. */
  once<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    const wrapper = ((...args: Parameters<Events[E]>) => {
      this.off(event, wrapper);
      listener(...args);
    }) as Events[E];
    return this.on(event, wrapper);
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.#listeners.get(event)?.delete(listener);
  }

  listenerCount<E extends keyof Events>(event: E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Resolves with the arguments of the next `event`, or rejects with the abort reason when `signal` aborts. */
  next<E extends keyof Events>(event: E, signal?: AbortSignal): Promise<Parameters<Events[E]>> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        this.off(event, listener);
        reject(signal?.reason);
      };
      const listener = ((...args: Parameters<Events[E]>) => {
        this.off(event, listener);
        signal?.removeEventListener('abort', onAbort);
        resolve(args);
      }) as Events[E];
      signal?.addEventListener('abort', onAbort, { once: true });
      this.on(event, listener);
    });
  }

  /** Calls every listener of `event` in the order added; returns whether there was any. */
  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return false;
    // The listeners as they were when the event came: one added or removed by a listener counts from the next
    // event. With one listener (the usual case) that is the listener itself, with no copy of the set.
    const listeners = set.size === 1 ? set.values().next().value : [...set];
    if (typeof listeners === 'function') this.#call(listeners, args);
    else if (listeners) for (const listener of listeners) this.#call(listener, args);
    return true;
  }

  #call(listener: (...args: never[]) => void, args: unknown[]): void {
    try {
      (listener as (...a: unknown[]) => void)(...args);
    } catch (error) {
      this.#onListenerError(error);
    }
  }
}
