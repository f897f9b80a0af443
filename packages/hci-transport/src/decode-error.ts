/**
 * How the decoders inside this package pass a decode error up to the public decoders, which return a `Result`.
 * Not exported from the package.
 */
import type { DecodeError } from './errors.js';

export function decodeError(reason: string): DecodeError {
  return { kind: 'decode-error', reason };
}

export function isDecodeError(value: unknown): value is DecodeError {
  return typeof value === 'object' && value !== null && (value as DecodeError).kind === 'decode-error';
}
