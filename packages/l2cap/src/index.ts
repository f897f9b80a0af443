/**
 * @tsble/l2cap: L2CAP for LE (Core 6.0 Vol 3 Part A). One `L2cap` per connection: feed it received ACL
 * fragments with `receiveAcl`, give it an `AclLink` to send through, and use its fixed channels (ATT,
 * SMP), LE signaling and LE credit-based channels.
 */

export { encodeBasicFrame } from './basic-frame.js';
export * from './constants.js';
export type {
  CreditChannelCloseReason,
  CreditChannelEvents,
  CreditChannelParameters,
} from './credit-channel.js';
export { LeCreditChannel } from './credit-channel.js';
export type { CreditChannelOptions, CreditServerOptions } from './credit-connections.js';
export { DEFAULT_CREDIT_CHANNEL } from './credit-connections.js';
export type { L2capErrorCode } from './errors.js';
export { L2capError } from './errors.js';
export type { FixedChannelEvents } from './fixed-channel.js';
export { FixedChannel } from './fixed-channel.js';
export type { AclLink, ConnectionParameters, L2capOptions } from './l2cap.js';
export { L2cap } from './l2cap.js';
export type { AclReceiver, LoopbackAclLink } from './loopback.js';
export { createLoopbackAclLinks } from './loopback.js';
export type { ReassemblyDropReason, ReassemblyResult } from './reassembly.js';
export { Reassembler } from './reassembly.js';
export type { LinkSecurity, SecurityRequirement, SecurityShortfall } from './security.js';
export { securityShortfall, UNSECURED_LINK } from './security.js';
export type { SignalingCommand, SignalingDecodeError, SignalingOp } from './signaling-pdu.js';
export { decodeSignalingCommand, encodeSignalingCommand } from './signaling-pdu.js';
export type { Timers } from './timers.js';
export { ManualTimers, realTimers } from './timers.js';
