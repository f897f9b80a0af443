/**
 * @tsble/base: what every tsble package shares and none owns — octets and hex, the event emitter, the logger
 * type, device addresses, `Result`, and the protocol constants of packages that do not depend on each other.
 * No dependencies and no Node built-ins: it runs wherever smp-core runs.
 */
export * from './address.js';
export * from './bytes.js';
export * from './constants.js';
export { type EventMap, TypedEmitter } from './emitter.js';
export { type Logger, silentLogger, traceEnabled, withBindings } from './logger.js';
export { err, ok, type Result } from './result.js';
