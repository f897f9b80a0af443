export type { Bond, KeySet, LongTermKey, SecurityLevel, SmpAddress } from './types.js';
export { isWeakerThan, ltkForRequest, maskKey, securityLevelOf } from './key-size.js';
export {
  BondFormatError,
  bondFromJson,
  bondToJson,
  bytesToHex,
  hexToBytes,
  type AddressJson,
  type BondJson,
  type LongTermKeyJson,
} from './json.js';
