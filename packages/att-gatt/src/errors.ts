import { hexNumber } from '@tsble/base';
import { AttErrorCode } from './constants.js';

const NAMES = new Map<number, string>(Object.entries(AttErrorCode).map(([name, code]) => [code, name]));

/** The name of an ATT error code ('insufficientEncryption'), or 'application error 0x80'. */
export function attErrorName(code: number): string {
  return (
    NAMES.get(code) ??
    `${code >= 0x80 && code <= 0x9f ? 'application' : 'unknown'} error 0x${code.toString(16)}`
  );
}

/**
 * The peer answered a request with ATT_ERROR_RSP (Core 6.0 Vol 3 Part F 3.4.1.1). `code` is the ATT
 * error code, `handle` the attribute in error, `requestOpcode` the request it answers. A host reacts to
 * insufficientAuthentication / insufficientEncryption by pairing or encrypting and retrying.
 */
export class AttError extends Error {
  override readonly name = 'AttError';
  constructor(
    readonly code: number,
    readonly handle: number,
    readonly requestOpcode: number,
  ) {
    super(`ATT error ${attErrorName(code)} (${hexNumber(code)}) on handle ${hexNumber(handle, 4)}`);
  }

  /** True for the errors that pairing or encryption can cure. */
  get needsSecurity(): boolean {
    return (
      this.code === AttErrorCode.insufficientAuthentication ||
      this.code === AttErrorCode.insufficientEncryption ||
      this.code === AttErrorCode.insufficientEncryptionKeySize
    );
  }
}

export type AttBearerErrorKind =
  | 'timeout' // no response within 30 s: the bearer is now unusable (Core 6.0 Vol 3 Part F 3.3.3)
  | 'closed' // the link or bearer closed
  | 'invalid-response' // the peer answered with a malformed or unexpected PDU
  | 'value-too-long' // a value the caller gave cannot be carried
  | 'not-found'; // a GATT lookup (service, characteristic, descriptor) found nothing

/** A failure of the bearer or client procedure itself rather than an answer from the peer. */
export class AttBearerError extends Error {
  override readonly name = 'AttBearerError';
  constructor(
    readonly kind: AttBearerErrorKind,
    message: string,
  ) {
    super(message);
  }
}
