/**
 * Words for the numbers protocols report: SMP Pairing Failed reasons with what to do about them, HCI
 * disconnection reasons, ATT error codes. The numbers stay in every message and event; the words are for people.
 */
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

export const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/** An HCI error code (a disconnection reason) in words. Core 6.0 Vol 1 Part F 1.3. */
export function hciReasonName(code: number): string | undefined {
  const name = hciNames.get(code);
  return name === undefined ? undefined : words(name);
}

/** An SMP Pairing Failed reason in words: 'Repeated Attempts'. Core 6.0 Vol 3 Part H 3.5.5, Table 3.7. */
export function pairingFailedReasonName(reason: number): string | undefined {
  const name = smpNames.get(reason);
  return name?.replace(/([a-z])([A-Z])/g, '$1 $2').replace('Dh Key', 'DHKey');
}

/** What a person can do about a failed pairing, when there is something to say. */
export function pairingFailedHint(reason: number, o: { byPeer: boolean; io: string }): string | undefined {
  switch (reason) {
    case PairingFailedReason.PasskeyEntryFailed:
      return 'no passkey was entered: type it when asked, or give --passkey N (a script can also write it to stdin)';
    case PairingFailedReason.AuthenticationRequirements:
      // The same reason covers "MITM impossible with these IO capabilities" and "SC Only refuses legacy".
      return `${o.byPeer ? 'the peer refused the security offered' : 'the security asked for cannot be had'}: an authenticated (MITM) pairing needs a passkey or numbers to compare on both devices (${o.io === 'none' ? 'give --io keyboard-display, display, keyboard or display-yesno' : `--io ${o.io} here`}), and Secure Connections Only refuses legacy pairing (--legacy)`;
    case PairingFailedReason.ConfirmValueFailed:
      return 'the two sides did not use the same passkey or OOB data';
    case PairingFailedReason.PairingNotSupported:
      return o.byPeer ? 'the peer does not accept pairing as asked (--legacy or --sc-only?)' : undefined;
    case PairingFailedReason.EncryptionKeySize:
      return 'the key would be shorter than --min-key-size (or the peer’s minimum)';
    case PairingFailedReason.RepeatedAttempts:
      return 'the peer refuses pairing for a while after a failed attempt; wait and try again';
    case PairingFailedReason.DhKeyCheckFailed:
      return 'the two sides computed different keys: a wrong passkey or OOB data, or someone in the middle';
    case PairingFailedReason.NumericComparisonFailed:
      return 'the numbers were not confirmed on one of the two devices (answer y when asked, or give --yes)';
    default:
      return undefined;
  }
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
