import { Opcode } from './constants.js';
import type { Layout } from './fields.js';

/** One command: its opcode, its parameter layout, and the layout of its return parameters after Status. */
export interface CommandSpec {
  opcode: number;
  params: Layout;
  returns: Layout;
}

const none = [] as const;

/**
 * Every command the stack uses, as data. Parameter names follow the spec's (camelCased).
 * Core 6.0 Vol 4 Part E 7.1 (link control), 7.3 (controller & baseband), 7.4 (informational),
 * 7.5 (status), 7.8 (LE controller). Commands answered by Command Status have no return layout.
 */
export const Commands = {
  disconnect: {
    opcode: Opcode.disconnect,
    params: [
      ['connectionHandle', 'u16'],
      ['reason', 'u8'],
    ],
    returns: none,
  },
  readRemoteVersionInformation: {
    opcode: Opcode.readRemoteVersionInformation,
    params: [['connectionHandle', 'u16']],
    returns: none,
  },
  setEventMask: { opcode: Opcode.setEventMask, params: [['eventMask', 'mask64']], returns: none },
  reset: { opcode: Opcode.reset, params: none, returns: none },
  readLocalVersionInformation: {
    opcode: Opcode.readLocalVersionInformation,
    params: none,
    returns: [
      ['hciVersion', 'u8'],
      ['hciSubversion', 'u16'],
      ['lmpVersion', 'u8'],
      ['companyIdentifier', 'u16'],
      ['lmpSubversion', 'u16'],
    ],
  },
  readLocalSupportedCommands: {
    opcode: Opcode.readLocalSupportedCommands,
    params: none,
    returns: [['supportedCommands', 'bytes64']],
  },
  readLocalSupportedFeatures: {
    opcode: Opcode.readLocalSupportedFeatures,
    params: none,
    returns: [['lmpFeatures', 'bytes8']],
  },
  readBufferSize: {
    opcode: Opcode.readBufferSize,
    params: none,
    returns: [
      ['aclDataPacketLength', 'u16'],
      ['synchronousDataPacketLength', 'u8'],
      ['totalNumAclDataPackets', 'u16'],
      ['totalNumSynchronousDataPackets', 'u16'],
    ],
  },
  readBdAddr: { opcode: Opcode.readBdAddr, params: none, returns: [['bdAddr', 'addr']] },
  readEncryptionKeySize: {
    opcode: Opcode.readEncryptionKeySize,
    params: [['connectionHandle', 'u16']],
    returns: [
      ['connectionHandle', 'u16'],
      ['keySize', 'u8'],
    ],
  },
  leSetEventMask: { opcode: Opcode.leSetEventMask, params: [['leEventMask', 'mask64']], returns: none },
  leReadBufferSizeV1: {
    opcode: Opcode.leReadBufferSizeV1,
    params: none,
    returns: [
      ['leAclDataPacketLength', 'u16'],
      ['totalNumLeAclDataPackets', 'u8'],
    ],
  },
  leReadBufferSizeV2: {
    opcode: Opcode.leReadBufferSizeV2,
    params: none,
    returns: [
      ['leAclDataPacketLength', 'u16'],
      ['totalNumLeAclDataPackets', 'u8'],
      ['isoDataPacketLength', 'u16'],
      ['totalNumIsoDataPackets', 'u8'],
    ],
  },
  leReadLocalSupportedFeatures: {
    opcode: Opcode.leReadLocalSupportedFeatures,
    params: none,
    returns: [['leFeatures', 'bytes8']],
  },
  leSetRandomAddress: {
    opcode: Opcode.leSetRandomAddress,
    params: [['randomAddress', 'addr']],
    returns: none,
  },
  leSetAdvertisingParameters: {
    opcode: Opcode.leSetAdvertisingParameters,
    params: [
      ['advertisingIntervalMin', 'u16'],
      ['advertisingIntervalMax', 'u16'],
      ['advertisingType', 'u8'],
      ['ownAddressType', 'u8'],
      ['peerAddressType', 'u8'],
      ['peerAddress', 'addr'],
      ['advertisingChannelMap', 'u8'],
      ['advertisingFilterPolicy', 'u8'],
    ],
    returns: none,
  },
  leSetAdvertisingData: {
    opcode: Opcode.leSetAdvertisingData,
    params: [['advertisingData', 'advData']],
    returns: none,
  },
  leSetScanResponseData: {
    opcode: Opcode.leSetScanResponseData,
    params: [['scanResponseData', 'advData']],
    returns: none,
  },
  leSetAdvertisingEnable: {
    opcode: Opcode.leSetAdvertisingEnable,
    params: [['advertisingEnable', 'u8']],
    returns: none,
  },
  leSetScanParameters: {
    opcode: Opcode.leSetScanParameters,
    params: [
      ['leScanType', 'u8'],
      ['leScanInterval', 'u16'],
      ['leScanWindow', 'u16'],
      ['ownAddressType', 'u8'],
      ['scanningFilterPolicy', 'u8'],
    ],
    returns: none,
  },
  leSetScanEnable: {
    opcode: Opcode.leSetScanEnable,
    params: [
      ['leScanEnable', 'u8'],
      ['filterDuplicates', 'u8'],
    ],
    returns: none,
  },
  leCreateConnection: {
    opcode: Opcode.leCreateConnection,
    params: [
      ['leScanInterval', 'u16'],
      ['leScanWindow', 'u16'],
      ['initiatorFilterPolicy', 'u8'],
      ['peerAddressType', 'u8'],
      ['peerAddress', 'addr'],
      ['ownAddressType', 'u8'],
      ['connectionIntervalMin', 'u16'],
      ['connectionIntervalMax', 'u16'],
      ['maxLatency', 'u16'],
      ['supervisionTimeout', 'u16'],
      ['minCeLength', 'u16'],
      ['maxCeLength', 'u16'],
    ],
    returns: none,
  },
  leCreateConnectionCancel: { opcode: Opcode.leCreateConnectionCancel, params: none, returns: none },
  leReadFilterAcceptListSize: {
    opcode: Opcode.leReadFilterAcceptListSize,
    params: none,
    returns: [['filterAcceptListSize', 'u8']],
  },
  // Core 6.0 Vol 4 Part E 7.8.15-7.8.17: hosts (ble-host among them) clear the list while initialising.
  leClearFilterAcceptList: { opcode: Opcode.leClearFilterAcceptList, params: none, returns: none },
  leAddDeviceToFilterAcceptList: {
    opcode: Opcode.leAddDeviceToFilterAcceptList,
    params: [
      ['addressType', 'u8'],
      ['address', 'addr'],
    ],
    returns: none,
  },
  leRemoveDeviceFromFilterAcceptList: {
    opcode: Opcode.leRemoveDeviceFromFilterAcceptList,
    params: [
      ['addressType', 'u8'],
      ['address', 'addr'],
    ],
    returns: none,
  },
  leConnectionUpdate: {
    opcode: Opcode.leConnectionUpdate,
    params: [
      ['connectionHandle', 'u16'],
      ['connectionIntervalMin', 'u16'],
      ['connectionIntervalMax', 'u16'],
      ['maxLatency', 'u16'],
      ['supervisionTimeout', 'u16'],
      ['minCeLength', 'u16'],
      ['maxCeLength', 'u16'],
    ],
    returns: none,
  },
  leReadRemoteFeatures: {
    opcode: Opcode.leReadRemoteFeatures,
    params: [['connectionHandle', 'u16']],
    returns: none,
  },
  /** Key and plaintext least significant octet first, as HCI carries them. Core 6.0 Vol 4 Part E 7.8.22. */
  leEncrypt: {
    opcode: Opcode.leEncrypt,
    params: [
      ['key', 'bytes16'],
      ['plaintextData', 'bytes16'],
    ],
    returns: [['encryptedData', 'bytes16']],
  },
  leRand: { opcode: Opcode.leRand, params: none, returns: [['randomNumber', 'bytes8']] },
  /** "LE Start Encryption" in older editions of the spec. Core 6.0 Vol 4 Part E 7.8.24. */
  leEnableEncryption: {
    opcode: Opcode.leEnableEncryption,
    params: [
      ['connectionHandle', 'u16'],
      ['randomNumber', 'bytes8'],
      ['encryptedDiversifier', 'u16'],
      ['longTermKey', 'bytes16'],
    ],
    returns: none,
  },
  leLongTermKeyRequestReply: {
    opcode: Opcode.leLongTermKeyRequestReply,
    params: [
      ['connectionHandle', 'u16'],
      ['longTermKey', 'bytes16'],
    ],
    returns: [['connectionHandle', 'u16']],
  },
  leLongTermKeyRequestNegativeReply: {
    opcode: Opcode.leLongTermKeyRequestNegativeReply,
    params: [['connectionHandle', 'u16']],
    returns: [['connectionHandle', 'u16']],
  },
  leReadSupportedStates: {
    opcode: Opcode.leReadSupportedStates,
    params: none,
    returns: [['leStates', 'bytes8']],
  },
  leSetDataLength: {
    opcode: Opcode.leSetDataLength,
    params: [
      ['connectionHandle', 'u16'],
      ['txOctets', 'u16'],
      ['txTime', 'u16'],
    ],
    returns: [['connectionHandle', 'u16']],
  },
  leReadMaximumDataLength: {
    opcode: Opcode.leReadMaximumDataLength,
    params: none,
    returns: [
      ['supportedMaxTxOctets', 'u16'],
      ['supportedMaxTxTime', 'u16'],
      ['supportedMaxRxOctets', 'u16'],
      ['supportedMaxRxTime', 'u16'],
    ],
  },
  leAddDeviceToResolvingList: {
    opcode: Opcode.leAddDeviceToResolvingList,
    params: [
      ['peerIdentityAddressType', 'u8'],
      ['peerIdentityAddress', 'addr'],
      ['peerIrk', 'bytes16'],
      ['localIrk', 'bytes16'],
    ],
    returns: none,
  },
  leRemoveDeviceFromResolvingList: {
    opcode: Opcode.leRemoveDeviceFromResolvingList,
    params: [
      ['peerIdentityAddressType', 'u8'],
      ['peerIdentityAddress', 'addr'],
    ],
    returns: none,
  },
  leClearResolvingList: { opcode: Opcode.leClearResolvingList, params: none, returns: none },
  leReadResolvingListSize: {
    opcode: Opcode.leReadResolvingListSize,
    params: none,
    returns: [['resolvingListSize', 'u8']],
  },
  leSetAddressResolutionEnable: {
    opcode: Opcode.leSetAddressResolutionEnable,
    params: [['addressResolutionEnable', 'u8']],
    returns: none,
  },
  leSetResolvablePrivateAddressTimeout: {
    opcode: Opcode.leSetResolvablePrivateAddressTimeout,
    params: [['rpaTimeout', 'u16']],
    returns: none,
  },
  leSetPrivacyMode: {
    opcode: Opcode.leSetPrivacyMode,
    params: [
      ['peerIdentityAddressType', 'u8'],
      ['peerIdentityAddress', 'addr'],
      ['privacyMode', 'u8'],
    ],
    returns: none,
  },
  /** Zephyr vendor command (Zephyr hci_vs.h, BT_HCI_OP_VS_READ_VERSION_INFO). */
  zephyrReadVersionInformation: {
    opcode: Opcode.zephyrReadVersionInformation,
    params: none,
    returns: [
      ['hwPlatform', 'u16'],
      ['hwVariant', 'u16'],
      ['fwVariant', 'u8'],
      ['fwVersion', 'u8'],
      ['fwRevision', 'u16'],
      ['fwBuild', 'u32'],
    ],
  },
  /** Zephyr vendor command (BT_HCI_OP_VS_READ_SUPPORTED_COMMANDS). */
  zephyrReadSupportedCommands: {
    opcode: Opcode.zephyrReadSupportedCommands,
    params: none,
    returns: [['commands', 'bytes64']],
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof Commands;
