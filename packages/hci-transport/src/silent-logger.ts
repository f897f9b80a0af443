/**
 * The logger Hci (and the host above it) uses when the caller gives none. Building `pino({ level: 'silent' })`
 * costs a level table, a destination stream and an exit hook per instance, on every Hci.open / Host.open (about
 * 0.2 ms): this object has the members the stack calls, drops everything, and is shared because it holds no
 * state.
 */
import type { Logger } from 'pino';

const discard = (): void => {};

function makeSilentLogger(): Logger {
  const logger = {
    level: 'silent',
    fatal: discard,
    error: discard,
    warn: discard,
    info: discard,
    debug: discard,
    trace: discard,
    silent: discard,
    // A child of a silent logger is silent too: the same object serves.
    child: () => logger,
    bindings: () => ({}),
    setBindings: discard,
    isLevelEnabled: () => false,
    flush: discard,
  };
  // pino's full Logger type also names its stream and serialisers, which nothing here touches.
  return logger as unknown as Logger;
}

export const silentLogger: Logger = makeSilentLogger();
