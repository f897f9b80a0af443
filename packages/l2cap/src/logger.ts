/**
 * The logging door for portable packages: the subset of pino's Logger we call. A pino logger fits it
 * as is; the default discards everything.
 */
export interface PortableLogger {
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** pino's level check; when present, per-packet trace records are only built if it says yes. */
  isLevelEnabled?(level: string): boolean;
}

/** Whether per-packet trace records are wanted (checked once: building them costs an allocation per packet). */
export function traceEnabled(logger: PortableLogger): boolean {
  return logger.isLevelEnabled?.('trace') ?? logger !== silentLogger;
}

const discard = (): void => {};

/** A logger that drops every record. */
export const silentLogger: PortableLogger = {
  trace: discard,
  debug: discard,
  info: discard,
  warn: discard,
  error: discard,
};
