export {
  type AssociationModel,
  ioCapabilityMapping,
  isAuthenticated,
  type PairingMethod,
  type PasskeyRoles,
  selectAssociationModel,
} from './association-model.js';
export { DEFAULT_PAIRING_CONFIG, PairingConfigError } from './config.js';
export type { SessionState } from './context.js';
export { generateScOobData } from './oob.js';
export { passkeyDigits, randomPasskey } from './passkey.js';
export { type RepeatedAttemptsOptions, RepeatedAttemptsTracker } from './repeated-attempts.js';
export { PairingSession } from './session.js';
export type {
  BondReplacementPolicy,
  LocalScOobData,
  OobConfig,
  PairingAction,
  PairingActionType,
  PairingConfig,
  PairingSessionOptions,
  PeerScOobData,
  Role,
} from './types.js';
