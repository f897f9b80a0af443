/** Defaults and validation for `PairingConfig`. */
import type { Address } from '@tsble/base';
import { IoCapability, MAX_ENCRYPTION_KEY_SIZE, MIN_ENCRYPTION_KEY_SIZE } from '../constants.js';
import { isValidPasskey } from './passkey.js';
import type { PairingConfig } from './types.js';

const ALL_KEYS = { encKey: true, idKey: true, signKey: true, linkKey: false } as const;

export const DEFAULT_PAIRING_CONFIG: Readonly<PairingConfig> = Object.freeze({
  io: IoCapability.noInputNoOutput,
  bond: true,
  mitm: false,
  sc: true,
  scOnly: false,
  keypress: false,
  minKeySize: MAX_ENCRYPTION_KEY_SIZE,
  maxKeySize: MAX_ENCRYPTION_KEY_SIZE,
  minSecurityLevel: 1,
  distribute: { local: ALL_KEYS, remote: ALL_KEYS },
  oob: {},
  allowDebugKeys: false,
  askToAccept: false,
  allowBondDowngrade: false,
  bondReplacement: 'proven',
  allowIdentityMismatch: false,
  pairable: true,
  ct2: false,
});

/** A session option that cannot work (thrown by the PairingSession constructor, never by an input). */
export class PairingConfigError extends Error {
  readonly code = 'invalid-pairing-config' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`pairing option ${field}: ${message}`);
    this.name = 'PairingConfigError';
  }
}

const isKeySize = (n: number) =>
  Number.isInteger(n) && n >= MIN_ENCRYPTION_KEY_SIZE && n <= MAX_ENCRYPTION_KEY_SIZE;
const is16 = (b: Uint8Array | undefined) => b === undefined || (b instanceof Uint8Array && b.length === 16);

export function checkAddress(field: string, address: Address): void {
  if (!(address?.bytes instanceof Uint8Array) || address.bytes.length !== 6)
    throw new PairingConfigError(field, 'address must be 6 octets');
  if (address.type !== 'public' && address.type !== 'random')
    throw new PairingConfigError(field, "type must be 'public' or 'random'");
}

/**
 * One pairing's configuration: `layers` over the session's, OOB data combined field by field (our own LE SC
 * OOB data and the peer's are two halves, Core 6.0 Vol 3 Part H 2.3.5.6.4). Throws PairingConfigError.
 */
export function configFor(base: PairingConfig, layers: Partial<PairingConfig>): PairingConfig {
  if (Object.keys(layers).length === 0) return base;
  const oob = layers.oob ? { ...base.oob, ...layers.oob } : base.oob;
  return resolveConfig({ ...base, ...layers, oob });
}

/** The full configuration, defaults filled in; throws PairingConfigError for values that cannot work. */
export function resolveConfig(partial: Partial<PairingConfig> = {}): PairingConfig {
  const config: PairingConfig = { ...DEFAULT_PAIRING_CONFIG, ...partial };
  if (!isKeySize(config.minKeySize)) throw new PairingConfigError('minKeySize', 'must be 7..16');
  if (!isKeySize(config.maxKeySize) || config.maxKeySize < config.minKeySize)
    throw new PairingConfigError('maxKeySize', 'must be minKeySize..16');
  if (config.io < 0 || config.io > IoCapability.keyboardDisplay)
    throw new PairingConfigError('io', 'unknown IO capability');
  if (config.passkey !== undefined && !isValidPasskey(config.passkey))
    throw new PairingConfigError('passkey', 'must be 0..999999');
  if (!is16(config.oob.tk)) throw new PairingConfigError('oob.tk', 'must be 16 octets');
  if (!is16(config.csrk)) throw new PairingConfigError('csrk', 'must be 16 octets');
  if (!['proven', 'never', 'ask'].includes(config.bondReplacement))
    throw new PairingConfigError('bondReplacement', "must be 'proven', 'never' or 'ask'");
  if (config.identity) {
    if (!is16(config.identity.irk)) throw new PairingConfigError('identity.irk', 'must be 16 octets');
    checkAddress('identity.address', config.identity.address);
  }
  return config;
}
