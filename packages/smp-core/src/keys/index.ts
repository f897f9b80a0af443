export {
  type AddressJson,
  BondFormatError,
  type BondJson,
  bondFromJson,
  bondToJson,
  type LongTermKeyJson,
} from './json.js';
export { isWeakerThan, ltkForRequest, maskKey, securityLevelOf } from './key-size.js';
export type { Bond, KeySet, LongTermKey, SecurityLevel } from './types.js';
