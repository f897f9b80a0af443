/**
 * HCI protocol facts, as data. Every block cites the part of the Core Specification (v6.0) it comes from.
 */
import { hexNumber } from '@tsble/base';

/** H4 packet indicators. Core 6.0 Vol 4 Part A 2 (UART Transport Layer). */
export const H4PacketType = {
  command: 0x01,
  acl: 0x02,
  sco: 0x03,
  event: 0x04,
  iso: 0x05,
} as const;
export type H4PacketType = (typeof H4PacketType)[keyof typeof H4PacketType];

/** Builds an opcode from its group and command fields. Core 6.0 Vol 4 Part E 5.4.1. */
export function opcodeOf(ogf: number, ocf: number): number {
  return ((ogf & 0x3f) << 10) | (ocf & 0x3ff);
}

/** Command opcodes the stack uses. Core 6.0 Vol 4 Part E 7.1-7.8; vendor ones in Zephyr's hci_vs.h. */
export const Opcode = {
  // 7.1 Link Control commands (OGF 0x01)
  disconnect: 0x0406,
  readRemoteVersionInformation: 0x041d,
  // 7.3 Controller & Baseband commands (OGF 0x03)
  setEventMask: 0x0c01,
  reset: 0x0c03,
  setEventMaskPage2: 0x0c63,
  // 7.4 Informational parameters (OGF 0x04)
  readLocalVersionInformation: 0x1001,
  readLocalSupportedCommands: 0x1002,
  readLocalSupportedFeatures: 0x1003,
  readBufferSize: 0x1005,
  readBdAddr: 0x1009,
  // 7.5 Status parameters (OGF 0x05)
  readEncryptionKeySize: 0x1408,
  // 7.8 LE Controller commands (OGF 0x08)
  leSetEventMask: 0x2001,
  leReadBufferSizeV1: 0x2002,
  leReadLocalSupportedFeatures: 0x2003,
  leSetRandomAddress: 0x2005,
  leSetAdvertisingParameters: 0x2006,
  leSetAdvertisingData: 0x2008,
  leSetScanResponseData: 0x2009,
  leSetAdvertisingEnable: 0x200a,
  leSetScanParameters: 0x200b,
  leSetScanEnable: 0x200c,
  leCreateConnection: 0x200d,
  leCreateConnectionCancel: 0x200e,
  leReadFilterAcceptListSize: 0x200f,
  leClearFilterAcceptList: 0x2010,
  leAddDeviceToFilterAcceptList: 0x2011,
  leRemoveDeviceFromFilterAcceptList: 0x2012,
  leConnectionUpdate: 0x2013,
  leReadRemoteFeatures: 0x2016,
  leEncrypt: 0x2017,
  leRand: 0x2018,
  leEnableEncryption: 0x2019,
  leLongTermKeyRequestReply: 0x201a,
  leLongTermKeyRequestNegativeReply: 0x201b,
  leReadSupportedStates: 0x201c,
  leSetDataLength: 0x2022,
  leReadSuggestedDefaultDataLength: 0x2023,
  leAddDeviceToResolvingList: 0x2027,
  leRemoveDeviceFromResolvingList: 0x2028,
  leClearResolvingList: 0x2029,
  leReadResolvingListSize: 0x202a,
  leSetAddressResolutionEnable: 0x202d,
  leSetResolvablePrivateAddressTimeout: 0x202e,
  leReadMaximumDataLength: 0x202f,
  leSetPrivacyMode: 0x204e,
  leReadBufferSizeV2: 0x2060,
  // Zephyr vendor commands (OGF 0x3f), only for a Zephyr controller (manufacturer 0x05F1, zero address)
  zephyrReadVersionInformation: 0xfc01,
  zephyrReadSupportedCommands: 0xfc02,
  zephyrReadStaticAddresses: 0xfc09,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

const opcodeNames = new Map<number, string>(Object.entries(Opcode).map(([name, op]) => [op, name]));

/** A readable name for an opcode, for logs and error messages ("leCreateConnection (0x200d)"). */
export function opcodeName(opcode: number): string {
  const hex = hexNumber(opcode, 4);
  const name = opcodeNames.get(opcode);
  return name === undefined ? hex : `${name} (${hex})`;
}

/** Event codes. Core 6.0 Vol 4 Part E 7.7. */
export const EventCode = {
  disconnectionComplete: 0x05,
  encryptionChangeV1: 0x08,
  readRemoteVersionInformationComplete: 0x0c,
  commandComplete: 0x0e,
  commandStatus: 0x0f,
  hardwareError: 0x10,
  numberOfCompletedPackets: 0x13,
  dataBufferOverflow: 0x1a,
  encryptionKeyRefreshComplete: 0x30,
  leMeta: 0x3e,
  encryptionChangeV2: 0x59,
  vendor: 0xff,
} as const;
export type EventCode = (typeof EventCode)[keyof typeof EventCode];

/** LE Meta event subevent codes. Core 6.0 Vol 4 Part E 7.7.65. */
export const LeSubevent = {
  connectionComplete: 0x01,
  advertisingReport: 0x02,
  connectionUpdateComplete: 0x03,
  readRemoteFeaturesComplete: 0x04,
  longTermKeyRequest: 0x05,
  remoteConnectionParameterRequest: 0x06,
  dataLengthChange: 0x07,
  enhancedConnectionCompleteV1: 0x0a,
  phyUpdateComplete: 0x0c,
  enhancedConnectionCompleteV2: 0x29,
} as const;
export type LeSubevent = (typeof LeSubevent)[keyof typeof LeSubevent];

/** Controller error codes (status and reason values). Core 6.0 Vol 1 Part F 1.3. */
export const HciStatus = {
  success: 0x00,
  unknownCommand: 0x01,
  unknownConnectionIdentifier: 0x02,
  hardwareFailure: 0x03,
  authenticationFailure: 0x05,
  pinOrKeyMissing: 0x06,
  memoryCapacityExceeded: 0x07,
  connectionTimeout: 0x08,
  commandDisallowed: 0x0c,
  invalidParameters: 0x12,
  remoteUserTerminatedConnection: 0x13,
  connectionTerminatedByLocalHost: 0x16,
  unsupportedRemoteFeature: 0x1a,
  unspecifiedError: 0x1f,
  instantPassed: 0x28,
  connectionTerminatedMicFailure: 0x3d,
  connectionFailedToBeEstablished: 0x3e,
  advertisingTimeout: 0x3c,
} as const;

/** The Connection_Handle field is 12 bits; 0x0EFF is the largest valid one. Core 6.0 Vol 4 Part E 5.4.2. */
export const MAX_CONNECTION_HANDLE = 0x0eff;

/** Company identifiers the start-up sequence cares about (Assigned Numbers, Company Identifiers). */
export const Manufacturer = {
  /** The Zephyr Project: its controller reports this and may have no public address. */
  zephyr: 0x05f1,
} as const;

/**
 * Event Mask bits the host needs. Core 6.0 Vol 4 Part E 7.3.1: bit n enables the event listed there.
 * Disconnection Complete (4), Encryption Change v1 (7), Read Remote Version Information Complete (11),
 * Hardware Error (15), Data Buffer Overflow (25), Encryption Key Refresh Complete (47), LE Meta (61).
 */
export const EVENT_MASK_BITS = [4, 7, 11, 15, 25, 47, 61] as const;

/**
 * LE Event Mask bits the host needs. Core 6.0 Vol 4 Part E 7.8.1: Connection Complete (0), Advertising
 * Report (1), Connection Update Complete (2), Read Remote Features Complete (3), Long Term Key Request (4),
 * Data Length Change (6), Enhanced Connection Complete v1 (9). Remote Connection Parameter Request (5) stays
 * masked so the controller answers it by itself.
 */
export const LE_EVENT_MASK_BITS = [0, 1, 2, 3, 4, 6, 9] as const;

/**
 * Supported Commands bit for LE Read Buffer Size [v2]: octet 41, bit 5. Core 6.0 Vol 4 Part E 6.27.
 */
export const SUPPORTED_COMMAND_LE_READ_BUFFER_SIZE_V2 = { octet: 41, bit: 5 } as const;

/** Zephyr's vendor Fatal Error event data types (0xFF event, first octet). Zephyr include/zephyr/bluetooth/hci_vs.h. */
export const ZephyrFatalErrorType = {
  stackFrame: 0x01,
  controllerAssert: 0x02,
  trace: 0x03,
} as const;

/**
 * Address types as HCI carries them (Own_Address_Type, Peer_Address_Type). Core 6.0 Vol 4 Part E 7.8.5, 7.8.12
 * and 7.7.65.1; the identity types appear in connection complete events and advertising reports when the
 * controller resolved an RPA.
 */
export const HciAddressType = {
  public: 0x00,
  random: 0x01,
  publicIdentity: 0x02,
  randomIdentity: 0x03,
} as const;

/** LE_Scan_Type. Core 6.0 Vol 4 Part E 7.8.10. */
export const ScanType = { passive: 0x00, active: 0x01 } as const;

/** Role in LE Connection Complete. Core 6.0 Vol 4 Part E 7.7.65.1. */
export const HciRole = { central: 0x00, peripheral: 0x01 } as const;

/** Legacy advertising event types (LE Set Advertising Parameters). Core 6.0 Vol 4 Part E 7.8.5. */
export const AdvertisingType = {
  connectableUndirected: 0x00,
  connectableDirectedHighDuty: 0x01,
  scannableUndirected: 0x02,
  nonConnectableUndirected: 0x03,
  connectableDirectedLowDuty: 0x04,
} as const;

/** Advertising report event types. Core 6.0 Vol 4 Part E 7.7.65.2. */
export const AdvertisingReportType = {
  advInd: 0x00,
  advDirectInd: 0x01,
  advScanInd: 0x02,
  advNonconnInd: 0x03,
  scanRsp: 0x04,
} as const;

/** The btsnoop format (RFC 1761 style, as used by Android and Wireshark): datalink 1002 = HCI UART (H4). */
export const Btsnoop = {
  datalinkH4: 1002,
  version: 1,
  /** Microseconds between 0000-01-01 (the btsnoop epoch) and 1970-01-01. */
  epochOffsetMicros: 0x00dcddb30f2f8000n,
} as const;
