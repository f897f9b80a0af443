export {
  type AddressJson,
  BondFormatError,
  type BondJson,
  bondFromJson,
  bondToJson,
  bytesToHex,
  hexToBytes,
  type LongTermKeyJson,
} from './json.js';
export { isWeakerThan, ltkForRequest, maskKey, securityLevelOf } from './key-size.js';
export type { Bond, KeySet, LongTermKey, SecurityLevel, SmpAddress } from './types.js';
