import type { Layout } from './fields.js';

/** Fixed-layout event parameters. Core 6.0 Vol 4 Part E 7.7. */
export const EventLayouts = {
  disconnectionComplete: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['reason', 'u8'],
  ],
  encryptionChangeV1: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['encryptionEnabled', 'u8'],
  ],
  encryptionChangeV2: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['encryptionEnabled', 'u8'],
    ['encryptionKeySize', 'u8'],
  ],
  commandStatus: [
    ['status', 'u8'],
    ['numHciCommandPackets', 'u8'],
    ['commandOpcode', 'u16'],
  ],
  hardwareError: [['hardwareCode', 'u8']],
  dataBufferOverflow: [['linkType', 'u8']],
  encryptionKeyRefreshComplete: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
  ],
  readRemoteVersionInformationComplete: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['version', 'u8'],
    ['companyIdentifier', 'u16'],
    ['subversion', 'u16'],
  ],
} as const satisfies Record<string, Layout>;

/** LE Meta subevent parameters after the subevent code. Core 6.0 Vol 4 Part E 7.7.65. */
export const LeEventLayouts = {
  connectionComplete: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['role', 'u8'],
    ['peerAddressType', 'u8'],
    ['peerAddress', 'addr'],
    ['connectionInterval', 'u16'],
    ['peripheralLatency', 'u16'],
    ['supervisionTimeout', 'u16'],
    ['centralClockAccuracy', 'u8'],
  ],
  enhancedConnectionCompleteV1: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['role', 'u8'],
    ['peerAddressType', 'u8'],
    ['peerAddress', 'addr'],
    ['localResolvablePrivateAddress', 'addr'],
    ['peerResolvablePrivateAddress', 'addr'],
    ['connectionInterval', 'u16'],
    ['peripheralLatency', 'u16'],
    ['supervisionTimeout', 'u16'],
    ['centralClockAccuracy', 'u8'],
  ],
  connectionUpdateComplete: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['connectionInterval', 'u16'],
    ['peripheralLatency', 'u16'],
    ['supervisionTimeout', 'u16'],
  ],
  readRemoteFeaturesComplete: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['leFeatures', 'bytes8'],
  ],
  longTermKeyRequest: [
    ['connectionHandle', 'u16'],
    ['randomNumber', 'bytes8'],
    ['encryptedDiversifier', 'u16'],
  ],
  phyUpdateComplete: [
    ['status', 'u8'],
    ['connectionHandle', 'u16'],
    ['txPhy', 'u8'],
    ['rxPhy', 'u8'],
  ],
  dataLengthChange: [
    ['connectionHandle', 'u16'],
    ['maxTxOctets', 'u16'],
    ['maxTxTime', 'u16'],
    ['maxRxOctets', 'u16'],
    ['maxRxTime', 'u16'],
  ],
} as const satisfies Record<string, Layout>;
