/**
 * Words for the numbers protocols report: SMP Pairing Failed reasons with what to do about them, HCI
 * disconnection reasons, ATT error codes. The numbers stay in every message and event; the words are for people.
 */
import { hexNumber } from '@tsble/base';
import { HciStatus } from '@tsble/hci-transport';
import { AttError, AttErrorCode } from '@tsble/host';
import { PairingFailedReason } from '@tsble/smp-core';

/** 'connectionTerminatedByLocalHost' -> 'connection terminated by local host'. */
function words(camel: string): string {
  return camel
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

function invert(table: Record<string, number>): Map<number, string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name]));
}

const hciNames = invert(HciStatus);
const smpNames = invert(PairingFailedReason);
const attNames = invert(AttErrorCode);

/** An HCI error code (a disconnection reason) in words. Core 6.0 Vol 1 Part F 1.3. */
export function hciReasonName(code: number): string | undefined {
  const name = hciNames.get(code);
  return name === undefined ? undefined : words(name);
}

/** An SMP Pairing Failed reason in words: 'Repeated Attempts'. Core 6.0 Vol 3 Part H 3.5.5, Table 3.7. */
export function pairingFailedReasonName(reason: number): string | undefined {
  const name = smpNames.get(reason);
  // As the spec's table writes them: every word capitalised ('oobNotAvailable' -> 'Oob Not Available').
  return name
    ?.replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^[a-z]/, (first) => first.toUpperCase())
    .replace('Dh Key', 'DHKey');
}

/** What was known when a pairing failed: who refused, our options, and our own reason text. */
export interface PairingFailure {
  byPeer: boolean;
  /** --io given here (default none). */
  io: string;
  /** --legacy was given. */
  legacy?: boolean;
  /** The failure's message: ours says exactly which check refused; a peer's Pairing Failed carries only a code. */
  message?: string;
}

const WITH_IO = 'give --io keyboard-display (or display, keyboard, display-yesno)';

/**
 * What a person can do about a failed pairing: the one cause that applied, when it can be known. A Pairing
 * Failed PDU carries only a reason code (Core 6.0 Vol 3 Part H 3.5.5), so when the peer refused, the hint names
 * what is likely from our side of the exchange; when we refused, our own message says which check it was.
 */
export function pairingFailedHint(reason: number, o: PairingFailure): string | undefined {
  const message = o.message ?? '';
  switch (reason) {
    case PairingFailedReason.passkeyEntryFailed:
      return 'no passkey was entered: type it when asked, or give --passkey N (a script can also write it to stdin)';
    case PairingFailedReason.authenticationRequirements:
      if (!o.byPeer) return ourAuthenticationRefusal(message, o.io);
      if (o.legacy)
        return 'the peer refused legacy pairing (it may be in Secure Connections Only mode): drop --legacy';
      if (o.io === 'none')
        return `the peer refused an unauthenticated pairing: it wants MITM protection, which needs a passkey or numbers to compare on both devices; ${WITH_IO}`;
      return `the peer refused the security --io ${o.io} can give with its own IO capabilities, or it would not replace a stronger bond it holds for us`;
    case PairingFailedReason.confirmValueFailed:
      return 'the two sides did not use the same passkey or OOB data';
    case PairingFailedReason.pairingNotSupported:
      return o.byPeer ? 'the peer does not accept pairing as asked (--legacy or --sc-only?)' : undefined;
    case PairingFailedReason.encryptionKeySize:
      return o.byPeer
        ? "the key would be shorter than the peer's minimum key size"
        : 'the key would be shorter than --min-key-size (default 16); give a smaller --min-key-size to accept it';
    case PairingFailedReason.repeatedAttempts:
      return 'the peer refuses pairing for a while after a failed attempt; wait and try again';
    case PairingFailedReason.dhKeyCheckFailed:
      return 'the two sides computed different keys: a wrong passkey or OOB data, or someone in the middle';
    case PairingFailedReason.numericComparisonFailed:
      return o.byPeer
        ? 'the numbers were not confirmed on the peer'
        : 'the numbers were not confirmed here (answer y when asked, or give --yes)';
    case PairingFailedReason.unspecifiedReason:
      return o.byPeer
        ? 'the peer gave no reason (its own log or output says why; a peer refuses, for one, a pairing that would replace a bond it holds for this address, stronger or kept until forgotten)'
        : undefined;
    default:
      return undefined;
  }
}

/** Authentication Requirements we sent: smp-core's message names the check (features.ts negotiate). */
function ourAuthenticationRefusal(message: string, io: string): string | undefined {
  if (/Secure Connections Only mode refuses legacy/.test(message))
    return 'the peer offers only legacy pairing, which --sc-only refuses';
  if (/weaker one/.test(message))
    return 'we hold a stronger bond with this peer than this pairing would make; forget it first (tsble bonds forget) to pair anyway';
  if (/MITM|authenticated|security level/.test(message))
    return io === 'none'
      ? `an authenticated (MITM) pairing needs a passkey or numbers to compare on both devices; ${WITH_IO}`
      : `with --io ${io} here and the peer's IO capabilities only Just Works is possible, which is not authenticated`;
  return undefined;
}

/** The ATT Error Response behind a failed GATT operation, if that is what failed. */
export function attErrorOf(error: unknown): { code: number; handle: number } | undefined {
  return error instanceof AttError ? { code: error.code, handle: error.handle } : undefined;
}

/** An ATT error code in words: 'insufficient encryption'. Core 6.0 Vol 3 Part F 3.4.1.1, Table 3.4. */
export function attErrorName(code: number): string | undefined {
  const name = attNames.get(code);
  return name === undefined ? undefined : words(name);
}
