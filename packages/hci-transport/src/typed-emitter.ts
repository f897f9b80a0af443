/**
 * A small typed event emitter: `on`, `once`, `off`, `emit`, keyed by an interface of listener signatures.
 * Listeners that throw do not stop the others; the throw is reported to `onListenerError`.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener argument lists are checked per event by the map type.
export type EventMap = { [event: string]: (...args: any[]) => void };

export class TypedEmitter<Events extends EventMap> {
  #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Called when a listener throws; by default the error is rethrown on a later tick so it is not lost. */
  protected onListenerError(error: unknown): void {
    queueMicrotask(() => {
      throw error;
    });
  }

  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  once<E extends keyof Events>(event: E, listener: Events[E]): this {
    const wrapper = ((...args: Parameters<Events[E]>) => {
      this.off(event, wrapper);
      listener(...args);
    }) as Events[E];
    return this.on(event, wrapper);
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  listenerCount<E extends keyof Events>(event: E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event`; returns whether there was any. */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return false;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    return true;
  }

  /** Resolves with the arguments of the next `event`, or rejects when `signal` aborts. */
  next<E extends keyof Events>(event: E, signal?: AbortSignal): Promise<Parameters<Events[E]>> {
    return new Promise((resolve, reject) => {
      const listener = ((...args: Parameters<Events[E]>) => {
        this.off(event, listener);
        signal?.removeEventListener('abort', onAbort);
        resolve(args);
      }) as Events[E];
      const onAbort = () => {
        this.off(event, listener);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.on(event, listener);
    });
  }
}
