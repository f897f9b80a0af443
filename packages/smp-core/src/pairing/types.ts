/**
 * The pairing session's public vocabulary: its configuration, its inputs' options, and the actions it asks
 * its host to carry out.
 */
import type { Address, Logger } from '@tsble/base';
import type { IoCapability, KeypressNotificationType } from '../constants.js';
import type { P256KeyPair } from '../crypto/index.js';
import type { Bond, KeySet, LongTermKey, SecurityLevel } from '../keys/types.js';
import type { AuthReq, KeyDistribution } from '../pdu/types.js';
import type { PairingMethod } from './association-model.js';
import type { RepeatedAttemptsTracker } from './repeated-attempts.js';

export type Role = 'central' | 'peripheral';

/** Our LE Secure Connections OOB data (Core 6.0 Vol 3 Part H 2.3.5.6.4): made by `generateScOobData`. */
export interface LocalScOobData {
  /** The key pair the pairing must use: the confirm value commits to its public key. */
  keyPair: P256KeyPair;
  /** r, 16 octets. */
  random: Uint8Array;
  /** C = f4(PKx, PKx, r, 0), 16 octets. */
  confirm: Uint8Array;
}

/** What a peer gave us out of band for LE Secure Connections: its r and C. */
export interface PeerScOobData {
  random: Uint8Array;
  confirm: Uint8Array;
}

/**
 * OOB data. Legacy OOB uses one shared 128-bit TK and needs it on both sides; LE SC OOB needs only one side
 * to have received the other's (r, C). Our OOB data flag is set when we hold `tk` or `peerSc`.
 */
export interface OobConfig {
  tk?: Uint8Array;
  localSc?: LocalScOobData;
  peerSc?: PeerScOobData;
}

/** How this device pairs. Every field has a default (see `DEFAULT_PAIRING_CONFIG`). */
export interface PairingConfig {
  /** Our IO capability (default NoInputNoOutput). */
  io: IoCapability;
  /** Ask for bonding (keys are stored only when both sides set it). Default true. */
  bond: boolean;
  /** Ask for MITM protection and refuse a pairing that cannot give it (Authentication Requirements). Default false. */
  mitm: boolean;
  /** Offer LE Secure Connections. Default true. */
  sc: boolean;
  /**
   * Secure Connections Only mode (security mode 1 level 4): refuse legacy and unauthenticated pairing
   * (Authentication Requirements) and keys under 16 octets (Encryption Key Size); asks for MITM.
   */
  scOnly: boolean;
  /** Offer keypress notifications. Default false. */
  keypress: boolean;
  /** Smallest acceptable Maximum Encryption Key Size, 7..16 (default 16). */
  minKeySize: number;
  /** The Maximum Encryption Key Size we send, 7..16 (default 16). */
  maxKeySize: number;
  /** The lowest security level (Vol 3 Part C 10.2.1) a pairing may reach; lower fails with Authentication Requirements. */
  minSecurityLevel: SecurityLevel;
  /** Keys we are willing to send (`local`) and to receive (`remote`). */
  distribute: { local: KeyDistribution; remote: KeyDistribution };
  /** Our IRK and identity address; required for distributing IdKey (without it we do not offer IdKey). */
  identity?: { irk: Uint8Array; address: Address };
  /** Our CSRK to distribute; a fresh random one when absent. */
  csrk?: Uint8Array;
  oob: OobConfig;
  /** A fixed passkey to show instead of a fresh random one per pairing (e.g. a printed label). */
  passkey?: number;
  /** Accept the spec's debug public key (Core 6.0 Vol 3 Part H 2.3.5.6.1); keys made with it are never stored. */
  allowDebugKeys: boolean;
  /** Emit `accept-pairing` and wait for `acceptPairing()` before any key exchange. Default false. */
  askToAccept: boolean;
  /**
   * Allow a new pairing to replace an existing bond with a weaker one (fewer key octets, legacy over LE
   * Secure Connections, unauthenticated over authenticated). Default false.
   */
  allowBondDowngrade: boolean;
  /**
   * When a pairing at equal or greater strength would replace the bond already held for the identity the
   * peer distributes (see `BondReplacementPolicy`). Default `'proven'`.
   */
  bondReplacement: BondReplacementPolicy;
  /**
   * Accept an Identity Address Information naming an address other than the public or static address the
   * peer connected from. Default false: anyone can claim any identity, and the identity decides which bond
   * a pairing is stored under (and replaces). A peer that connects from a resolvable private address is
   * always checked the other way: its address must resolve with the IRK it distributes.
   */
  allowIdentityMismatch: boolean;
  /** Whether we pair at all; when false, requests are answered with Pairing Not Supported. Default true. */
  pairable: boolean;
  /** A P-256 key pair to use instead of generating a fresh one per pairing. */
  keyPair?: P256KeyPair;
  /** Offer the CT2 bit (h7 for cross-transport key derivation). Default false. */
  ct2: boolean;
}

/**
 * Whether a pairing may replace the bond held for the identity it claims, at equal or greater strength (a
 * weaker one never replaces a bond unless `allowBondDowngrade`):
 * - `'proven'`: when the peer shows it is that identity as far as LE can show it: it paired from the identity
 *   address itself, or from a resolvable private address that the stored bond's IRK resolves. A device that
 *   lost its keys (a phone that "forgot" us) pairs again; another device claiming the identity does not.
 * - `'never'`: never; the bond must be removed first (`forget`).
 * - `'ask'`: the application decides each time (`confirm-bond-replacement`).
 */
export type BondReplacementPolicy = 'proven' | 'never' | 'ask';

export interface PairingSessionOptions {
  role: Role;
  /** The addresses the link uses (initiator/responder addresses of f5, f6 and c1). */
  localAddress: Address;
  peerAddress: Address;
  config?: Partial<PairingConfig>;
  /**
   * The bond held for this peer: used to answer Security Requests and LTK requests, to encrypt from the bond,
   * and for the no-downgrade rule. Give a function to read it from its owner (a bond store) each time it is
   * needed; a plain value is the session's own copy, replaced when a pairing on this link bonds.
   */
  bond?: Bond | (() => Bond | undefined);
  /**
   * The bond held for an identity address, if any: asked once the peer's identity is known in key
   * distribution, so a pairing cannot replace the bond of another identity it claims (the host's bond store).
   * Without it only `bond` is known.
   */
  bondFor?: (identity: Address) => Bond | undefined;
  /**
   * Where each LE Secure Connections pairing gets its fresh P-256 key pair (default: generated when the
   * pairing needs it). A host may compute the next pair ahead of need, off the pairing's critical path; every
   * pair it hands out must be one no earlier pairing used.
   */
  keyPairs?: () => Promise<P256KeyPair>;
  /** Shared across sessions by the host; `peerKey` names the peer (its identity address when known). */
  repeatedAttempts?: { tracker: RepeatedAttemptsTracker; peerKey: string };
  logger?: Logger;
}

/**
 * What the session asks the host to do. Actions come back from every input, in the order they must be
 * carried out.
 */
export type PairingAction =
  /** Send this PDU on the SMP channel (CID 0x0006). */
  | { type: 'send'; pdu: Uint8Array }
  /** Pairing would use `method`; answer with `acceptPairing(true|false)`. Only with `askToAccept`. */
  | {
      type: 'accept-pairing';
      method: PairingMethod;
      sc: boolean;
      peerIoCapability: IoCapability;
      peerAuthReq: AuthReq;
      peerOob: boolean;
    }
  /** Show this passkey (six digits, zero-padded in `digits`) for the peer's user to type. */
  | { type: 'display-passkey'; passkey: number; digits: string }
  /** Ask the user to type the passkey the peer shows; answer with `passkeyEntered(n | null)`. */
  | { type: 'request-passkey' }
  /** Ask the user whether both devices show this number; answer with `numericComparisonAnswered(bool)`. */
  | { type: 'confirm-numeric'; value: number; digits: string }
  /** The peer's user pressed a key while typing the passkey. */
  | { type: 'peer-keypress'; notificationType: KeypressNotificationType }
  /**
   * The association model is settled (phase 1), before any key exists: what the pairing's key will be worth.
   * Always emitted; `accept-pairing` follows only with `askToAccept`.
   */
  | {
      type: 'negotiated';
      method: PairingMethod;
      sc: boolean;
      authenticated: boolean;
      keySize: number;
      peerIoCapability: IoCapability;
    }
  /**
   * Central: start encryption (HCI LE Enable Encryption) with this key, from a pairing or from the bond; then
   * report the controller's answer with `encryptionChanged()` / `encryptionFailed()`.
   */
  | ({ type: 'start-encryption'; keySize: number } & LongTermKey)
  /** Peripheral: answer the LE Long Term Key Request passed to `ltkRequested()` with this key. */
  | { type: 'ltk-reply'; key: Uint8Array }
  /** Peripheral: answer that LE Long Term Key Request negatively (no key for that EDIV and Rand). */
  | { type: 'ltk-negative-reply' }
  /**
   * The encryption the session asked for is on: the link now has this strength. `source` says whether the key
   * came from the pairing in progress (key distribution follows) or from the bond.
   */
  | {
      type: 'link-encrypted';
      source: 'pairing' | 'bond';
      authenticated: boolean;
      sc: boolean;
      keySize: number;
      securityLevel: SecurityLevel;
    }
  /** Encryption with the bond's key failed (`status` from the controller): the peer has lost the bond. */
  | { type: 'encryption-failed'; status: number }
  /**
   * A bond for `identity` exists and this pairing would replace it (policy `'ask'`, strength no weaker):
   * answer with `bondReplacementAnswered(true|false)`. `proven` says whether the peer paired from the identity
   * address or from an RPA the stored IRK resolves.
   */
  | {
      type: 'confirm-bond-replacement';
      identity: Address;
      existing: Pick<Bond, 'authenticated' | 'sc' | 'keySize'>;
      proposed: Pick<Bond, 'authenticated' | 'sc' | 'keySize'>;
      proven: boolean;
    }
  /**
   * Store this bond (emitted only when both sides asked for bonding and no debug key was used). `replaces`
   * is true when it takes the place of a bond already held for the same identity.
   */
  | { type: 'keys'; bond: Bond; replaces: boolean }
  /** Pairing finished; the link is encrypted. */
  | {
      type: 'complete';
      method: PairingMethod;
      sc: boolean;
      authenticated: boolean;
      keySize: number;
      bonded: boolean;
      securityLevel: SecurityLevel;
      debugKey: boolean;
      keys: KeySet;
    }
  /**
   * Pairing failed. `reason` is the Pairing Failed reason we sent, or the peer's when `byPeer`; a timeout
   * (`timedOut`) sends nothing and ends all SMP on the link. After `complete`, a peer's Pairing Failed (e.g.
   * Key Rejected) also arrives here: the host should then drop the bond it just stored.
   */
  | { type: 'failed'; reason: number; byPeer: boolean; timedOut: boolean; message: string };

export type PairingActionType = PairingAction['type'];
