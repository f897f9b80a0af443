/**
 * ATT and GATT protocol facts (Core 6.0 Vol 3 Parts F and G). Every block cites its section.
 */

/** ATT opcodes. Core 6.0 Vol 3 Part F 3.4.8, Table 3.37 */
export const AttOpcode = {
  errorResponse: 0x01,
  exchangeMtuRequest: 0x02,
  exchangeMtuResponse: 0x03,
  findInformationRequest: 0x04,
  findInformationResponse: 0x05,
  findByTypeValueRequest: 0x06,
  findByTypeValueResponse: 0x07,
  readByTypeRequest: 0x08,
  readByTypeResponse: 0x09,
  readRequest: 0x0a,
  readResponse: 0x0b,
  readBlobRequest: 0x0c,
  readBlobResponse: 0x0d,
  readMultipleRequest: 0x0e,
  readMultipleResponse: 0x0f,
  readByGroupTypeRequest: 0x10,
  readByGroupTypeResponse: 0x11,
  writeRequest: 0x12,
  writeResponse: 0x13,
  prepareWriteRequest: 0x16,
  prepareWriteResponse: 0x17,
  executeWriteRequest: 0x18,
  executeWriteResponse: 0x19,
  handleValueNotification: 0x1b,
  handleValueIndication: 0x1d,
  handleValueConfirmation: 0x1e,
  readMultipleVariableRequest: 0x20,
  readMultipleVariableResponse: 0x21,
  multipleHandleValueNotification: 0x23,
  writeCommand: 0x52,
  signedWriteCommand: 0xd2,
} as const;

/** Opcode bit 6 marks a command, bit 7 an Authentication Signature. Core 6.0 Vol 3 Part F 3.3.1 */
export const ATT_COMMAND_FLAG = 0x40;
export const ATT_SIGNATURE_FLAG = 0x80;
/** Authentication Signature: SignCounter (4) + MAC (8). Core 6.0 Vol 3 Part F 3.4.5.4, Part H 2.4.5 */
export const ATT_SIGNATURE_LENGTH = 12;

/** ATT error codes. Core 6.0 Vol 3 Part F 3.4.1.1, Table 3.4; Core Spec Supplement Part B 1.2 */
export const AttErrorCode = {
  invalidHandle: 0x01,
  readNotPermitted: 0x02,
  writeNotPermitted: 0x03,
  invalidPdu: 0x04,
  insufficientAuthentication: 0x05,
  requestNotSupported: 0x06,
  invalidOffset: 0x07,
  insufficientAuthorization: 0x08,
  prepareQueueFull: 0x09,
  attributeNotFound: 0x0a,
  attributeNotLong: 0x0b,
  insufficientEncryptionKeySize: 0x0c,
  invalidAttributeValueLength: 0x0d,
  unlikelyError: 0x0e,
  insufficientEncryption: 0x0f,
  unsupportedGroupType: 0x10,
  insufficientResources: 0x11,
  databaseOutOfSync: 0x12,
  valueNotAllowed: 0x13,
  /** Common profile and service error codes. Core Spec Supplement Part B 1.2 */
  cccdImproperlyConfigured: 0xfd,
  procedureAlreadyInProgress: 0xfe,
  outOfRange: 0xff,
} as const;
export type AttErrorCode = (typeof AttErrorCode)[keyof typeof AttErrorCode];

/** ATT_MTU bounds on LE. Core 6.0 Vol 3 Part F 3.2.8 and Part G 5.2.1 */
export const ATT_DEFAULT_MTU = 23;
export const ATT_MAX_MTU = 517;
/** Largest attribute value. Core 6.0 Vol 3 Part F 3.2.9 */
export const ATT_MAX_VALUE_LENGTH = 512;
/** ATT transaction timeout. Core 6.0 Vol 3 Part F 3.3.3 */
export const ATT_TRANSACTION_TIMEOUT_MS = 30_000;

/** Find Information Response format. Core 6.0 Vol 3 Part F 3.4.3.2 */
export const FindInformationFormat = { uuid16: 0x01, uuid128: 0x02 } as const;
/** Execute Write flags. Core 6.0 Vol 3 Part F 3.4.6.3 */
export const ExecuteWriteFlags = { cancel: 0x00, write: 0x01 } as const;

/** GATT attribute types. Core 6.0 Vol 3 Part G 3; Assigned Numbers 3.5 and 3.7 */
export const GattUuid = {
  primaryService: '2800',
  secondaryService: '2801',
  include: '2802',
  characteristic: '2803',
  characteristicExtendedProperties: '2900',
  characteristicUserDescription: '2901',
  clientCharacteristicConfiguration: '2902',
  serverCharacteristicConfiguration: '2903',
  characteristicPresentationFormat: '2904',
  characteristicAggregateFormat: '2905',
  gapService: '1800',
  gattService: '1801',
  deviceName: '2a00',
  appearance: '2a01',
  serviceChanged: '2a05',
  clientSupportedFeatures: '2b29',
  databaseHash: '2b2a',
  serverSupportedFeatures: '2b3a',
} as const;

/** Characteristic properties. Core 6.0 Vol 3 Part G 3.3.1.1, Table 3.5 */
export const CharacteristicProperty = {
  broadcast: 0x01,
  read: 0x02,
  writeWithoutResponse: 0x04,
  write: 0x08,
  notify: 0x10,
  indicate: 0x20,
  authenticatedSignedWrites: 0x40,
  extendedProperties: 0x80,
} as const;

/** Client Characteristic Configuration bits. Core 6.0 Vol 3 Part G 3.3.3.3, Table 3.11 */
export const CccdBits = { notification: 0x0001, indication: 0x0002 } as const;

/** Client Supported Features bits. Core 6.0 Vol 3 Part G 7.2, Table 7.6 */
export const ClientSupportedFeature = {
  robustCaching: 0x01,
  enhancedAttBearer: 0x02,
  multipleHandleValueNotifications: 0x04,
} as const;
