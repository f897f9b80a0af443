export { decodeSmpPdu, isSmpOpcode, PDU_LENGTH } from './decode.js';
export { encodeSmpPdu } from './encode.js';
export {
  decodeAuthReq,
  decodeKeyDistribution,
  encodeAuthReq,
  encodeKeyDistribution,
  intersectKeyDistribution,
  NO_KEYS,
} from './fields.js';
export { SmpError } from './smp-error.js';
export type { AuthReq, DecodeResult, KeyDistribution, PairingFeatures, SmpPdu, SmpPduName } from './types.js';
