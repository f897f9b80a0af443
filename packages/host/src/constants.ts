/**
 * Protocol facts the host uses directly. Everything SMP-, ATT- or HCI-specific lives in the lower packages'
 * own constants; what is here belongs to GAP (advertising data, addresses, privacy).
 */

// Core Specification Supplement (CSS) v11, Part A 1.x; Assigned Numbers 2.3 "Common Data Types".
export const AdType = {
  flags: 0x01,
  incompleteServiceUuids16: 0x02,
  completeServiceUuids16: 0x03,
  incompleteServiceUuids32: 0x04,
  completeServiceUuids32: 0x05,
  incompleteServiceUuids128: 0x06,
  completeServiceUuids128: 0x07,
  shortenedLocalName: 0x08,
  completeLocalName: 0x09,
  txPowerLevel: 0x0a,
  appearance: 0x19,
  manufacturerSpecificData: 0xff,
} as const;

// CSS v11 Part A 1.3: the Flags data type bits.
export const AdFlag = {
  leLimitedDiscoverable: 0x01,
  leGeneralDiscoverable: 0x02,
  brEdrNotSupported: 0x04,
} as const;

// Core 6.0 Vol 6 Part B 2.3.1: legacy advertising and scan response data are at most 31 octets.
export const LEGACY_ADV_DATA_MAX = 31;

// Core 6.0 Vol 3 Part C Appendix A: the recommended RPA regeneration interval (T_GAP(private_addr_int)) is
// 15 minutes.
export const DEFAULT_RPA_ROTATION_MS = 15 * 60 * 1000;

// Timing defaults, in the units HCI uses (0.625 ms for scan/advertising, 1.25 ms for connection intervals,
// 10 ms for the supervision timeout). Values as common hosts use them (BlueZ, Zephyr defaults).
export const Defaults = {
  scanInterval: 0x0060, // 60 ms
  scanWindow: 0x0030, // 30 ms
  advertisingInterval: 0x00a0, // 100 ms
  connectionIntervalMin: 0x0018, // 30 ms
  connectionIntervalMax: 0x0028, // 50 ms
  supervisionTimeout: 0x01f4, // 5 s
  connectTimeoutMs: 10_000,
} as const;
