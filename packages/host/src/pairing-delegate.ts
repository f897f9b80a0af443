/**
 * The pairing delegate: how the application (or the CLI's prompts) takes part in pairing. Every method is
 * optional; what is missing falls back to the defaults below, which are safe rather than convenient: accept
 * pairing requests, show nothing, and refuse to invent a passkey or confirm numbers nobody looked at (the
 * default IO capability, NoInputNoOutput, means those two are never asked).
 */

export type PairingMethodName = 'just-works' | 'numeric-comparison' | 'passkey-entry' | 'oob';

/** What the application knows when it is asked something (Vol 3 Part H 2.3.5). */
export interface PairingContext {
  /** The peer as the link sees it: `F0:F1:F2:F3:F4:F5/random`. */
  readonly peer: string;
  /** Whether we are the central (initiator) on this link. */
  readonly central: boolean;
  /** The association model, once chosen (unknown when a peer's request is first seen). */
  readonly method?: PairingMethodName;
  /** LE Secure Connections or legacy, once known. */
  readonly sc?: boolean;
  /** The peer's IO capability octet (Vol 3 Part H 3.5.1), once known: lets the application refuse method confusion. */
  readonly peerIoCapability?: number;
}

/**
 * Out-of-band data the application received some other way (NFC, a QR code, a file): the peer's LE Secure
 * Connections values (Vol 3 Part H 2.3.5.6.4), or a legacy TK shared by both sides (2.3.5.4). 16 octets each,
 * least significant first.
 */
export interface OobData {
  readonly random?: Uint8Array;
  readonly confirm?: Uint8Array;
  readonly tk?: Uint8Array;
}

export interface PairingDelegate {
  /** A peer asked to pair (or sent a Security Request): go ahead? */
  acceptPairing?(context: PairingContext): boolean | Promise<boolean>;
  /** Show this six-digit passkey to the user, who types it on the peer. */
  displayPasskey?(passkey: string, context: PairingContext): void;
  /** The user reads a passkey on the peer and types it here; `undefined` refuses. */
  requestPasskey?(
    context: PairingContext,
  ): Promise<string | number | undefined> | string | number | undefined;
  /** Do both devices show this six-digit number? */
  confirmNumericComparison?(value: string, context: PairingContext): Promise<boolean> | boolean;
  /** The peer's OOB data, when the application received it some other way (NFC, a QR code, a file). */
  oobData?(context: PairingContext): Promise<OobData | undefined> | OobData | undefined;
  /**
   * With `bondReplacement: 'ask'`: a pairing with at least the strength of the bond held for `request.identity`
   * would replace it. True replaces; false (the default) fails the pairing and keeps the old bond.
   */
  replaceBond?(request: BondReplacementRequest, context: PairingContext): Promise<boolean> | boolean;
}

/** What the application is told when a pairing would replace a bond (`PairingDelegate.replaceBond`). */
export interface BondReplacementRequest {
  /** The identity whose bond would be replaced, `F0:F1:F2:F3:F4:F5/random`. */
  readonly identity: string;
  /** What the stored bond and the new keys are worth. */
  readonly existing: { readonly authenticated: boolean; readonly sc: boolean; readonly keySize: number };
  readonly proposed: { readonly authenticated: boolean; readonly sc: boolean; readonly keySize: number };
  /** The peer paired from the identity address, or from an RPA that the stored bond's IRK resolves. */
  readonly proven: boolean;
}

/** The defaults a missing method falls back to. */
export const defaultPairingDelegate: Required<PairingDelegate> = {
  acceptPairing: () => true,
  displayPasskey: () => undefined,
  requestPasskey: () => undefined,
  confirmNumericComparison: () => false,
  oobData: () => undefined,
  replaceBond: () => false,
};

/** Fills in the missing methods of an application's delegate. */
export function completeDelegate(delegate: PairingDelegate | undefined): Required<PairingDelegate> {
  return { ...defaultPairingDelegate, ...(delegate ?? {}) } as Required<PairingDelegate>;
}

/** Six digits, zero-padded, as people read passkeys and comparison values. */
export function formatSixDigits(value: number): string {
  return String(value % 1_000_000).padStart(6, '0');
}

/** A typed passkey as a number 0..999999, or undefined when it is not one. */
export function parsePasskey(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^\d{1,6}$/.test(text)) return undefined;
  return Number(text);
}
