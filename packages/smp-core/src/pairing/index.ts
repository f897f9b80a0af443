export { PairingSession } from './session.js';
export { DEFAULT_PAIRING_CONFIG, PairingConfigError } from './config.js';
export { RepeatedAttemptsTracker, type RepeatedAttemptsOptions } from './repeated-attempts.js';
export { ioCapabilityMapping, selectAssociationModel, isAuthenticated, type AssociationModel, type PairingMethod, type PasskeyRoles } from './association-model.js';
export { generateScOobData } from './oob.js';
export { passkeyDigits, randomPasskey } from './passkey.js';
export type { SessionState } from './context.js';
export type {
  LocalScOobData,
  OobConfig,
  PairingAction,
  PairingActionType,
  PairingConfig,
  PairingSessionOptions,
  PeerScOobData,
  Role,
  SmpLogger,
} from './types.js';
