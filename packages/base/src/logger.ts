/**
 * The one logger type of the stack: the part of pino's Logger the packages call. A pino logger fits it as it is,
 * and so does any object with these five methods; `silentLogger` is the default everywhere.
 */
export interface Logger {
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** pino's level check; when present, per-packet trace records are only built if it says yes. */
  isLevelEnabled?(level: string): boolean;
  /** pino's child logger; `withBindings` adds the bindings itself for a logger that has none. */
  child?(bindings: Record<string, unknown>): Logger;
}

const discard = (): void => {};

/** A logger that drops every record; shared, since it holds no state. */
export const silentLogger: Logger = {
  trace: discard,
  debug: discard,
  info: discard,
  warn: discard,
  error: discard,
  isLevelEnabled: () => false,
  child: () => silentLogger,
};

/** Whether per-packet trace records are wanted (check once: building them costs an allocation per packet). */
export function traceEnabled(logger: Logger): boolean {
  return logger.isLevelEnabled?.('trace') ?? logger !== silentLogger;
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** A logger that adds `bindings` to every record: `logger.child(bindings)` where there is one. */
export function withBindings(logger: Logger, bindings: Record<string, unknown>): Logger {
  if (logger.child) return logger.child(bindings);
  const at =
    (level: Level) =>
    (obj: object, msg?: string): void =>
      logger[level]({ ...bindings, ...obj }, msg);
  const bound: Logger = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => withBindings(logger, { ...bindings, ...more }),
  };
  if (logger.isLevelEnabled) bound.isLevelEnabled = (level) => logger.isLevelEnabled?.(level) ?? true;
  return bound;
}
