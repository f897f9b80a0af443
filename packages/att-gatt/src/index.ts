/**
 * @tsble/att-gatt: the ATT bearer, GATT server and client, and the attribute security gate
 * (Core 6.0 Vol 3 Parts F and G). Runs anywhere: Uint8Array only, no Node built-ins.
 *
 * Wiring per connection: `const bearer = new AttBearer(l2cap.fixedChannel(FixedCid.att))`, then
 * `server.attach(bearer, { peer, bonded, security })` and/or `new GattClient(bearer)`.
 */

export type { LinkSecurity, SecurityRequirement } from '@tsble/l2cap';
export type { AttBearerEvents, AttBearerOptions, AttServerHandler } from './att-bearer.js';
export { AttBearer } from './att-bearer.js';
export type { AttDecodeError, AttOp, AttPdu, AttPduOf, HandleValue } from './att-pdu.js';
export { ATT_CODECS, decodeAttPdu, encodeAttPdu, opcodeOf, opOf } from './att-pdu.js';
export type {
  AttCommand,
  AttRequest,
  AttRequestOp,
  ClientRequestOp,
  ResponseOf,
} from './att-transactions.js';
export { RESPONSE_OF } from './att-transactions.js';
export type { GapServiceOptions } from './builtin-services.js';
export { gapService, gattService } from './builtin-services.js';
export * from './constants.js';
export { databaseHash, databaseHashInput } from './database-hash.js';
export type {
  AttributeContext,
  CharacteristicDefinition,
  CharacteristicPropertyName,
  DescriptorDefinition,
  PresentationFormat,
  ReadHandler,
  ServiceDefinition,
  WriteHandler,
} from './definitions.js';
export type { AttBearerErrorKind } from './errors.js';
export { AttBearerError, AttError, attErrorName } from './errors.js';
export type {
  DiscoveredCharacteristic,
  DiscoveredDescriptor,
  DiscoveredService,
  GattClientEvents,
} from './gatt-client.js';
export { GattClient } from './gatt-client.js';
export type { Attribute, AttributeKind, GattCharacteristic, GattService } from './gatt-database.js';
export { GattDatabase } from './gatt-database.js';
export type { GattServerOptions } from './gatt-server.js';
export { GattServer } from './gatt-server.js';
export { MemoryClientConfigurationStore } from './memory-store.js';
export { NotificationStream } from './notification-stream.js';
export type { AccessRequest, AccessRequirement, AccessRule } from './permissions.js';
export { checkAccess, checkSecurity } from './permissions.js';
export { PREPARE_QUEUE_LIMITS } from './server-access.js';
export type {
  ClientConfigurationStore,
  GattServerConnectionOptions,
  PeerSigning,
} from './server-connection.js';
export { GattServerConnection } from './server-connection.js';
export { signatureFor, signCounterOf, verifySignature } from './signing.js';
export type { Uuid } from './uuid.js';
export { isUuid16, parseUuid, toUuid128, uuid, uuidFromBytes, uuidToBytes } from './uuid.js';
