/** Human names for what `tsble info` prints. */

/** HCI_Version values. Assigned Numbers 2.1 (Link Layer / HCI versions). */
const coreVersions: Record<number, string> = {
  6: '4.0',
  7: '4.1',
  8: '4.2',
  9: '5.0',
  10: '5.1',
  11: '5.2',
  12: '5.3',
  13: '5.4',
  14: '6.0',
  15: '6.1',
};

export function coreVersionName(hciVersion: number): string {
  return coreVersions[hciVersion] ?? `unknown (0x${hciVersion.toString(16)})`;
}

/** A few company identifiers seen on BLE controllers. Assigned Numbers, Company Identifiers. */
const companies: Record<number, string> = {
  2: 'Intel',
  10: 'Qualcomm Technologies International (CSR)',
  13: 'Texas Instruments',
  15: 'Broadcom',
  29: 'Qualcomm',
  63: 'Bluetooth SIG (BlueZ emulator)',
  70: 'MediaTek',
  89: 'Nordic Semiconductor',
  93: 'Realtek',
  305: 'Cypress Semiconductor',
  1521: 'The Linux Foundation (Zephyr)',
  65535: 'test/unassigned (tsble virtual controller)',
};

export function companyName(id: number): string {
  return companies[id] ?? 'unknown';
}

/**
 * LE feature bits, every one Core 5.4 defines (Vol 6 Part B 4.6, Table 4.6); bit 42 is reserved there. Bits 33
 * and 34 both mean LE Power Control since 5.3 (they always carry the same value); 34 was Power Change
 * Indication before.
 */
const leFeatureNames: readonly (string | undefined)[] = [
  'LE Encryption',
  'Connection Parameters Request Procedure',
  'Extended Reject Indication',
  'Peripheral-initiated Features Exchange',
  'LE Ping',
  'LE Data Packet Length Extension',
  'LL Privacy',
  'Extended Scanner Filter Policies',
  'LE 2M PHY',
  'Stable Modulation Index - Transmitter',
  'Stable Modulation Index - Receiver',
  'LE Coded PHY',
  'LE Extended Advertising',
  'LE Periodic Advertising',
  'Channel Selection Algorithm #2',
  'LE Power Class 1',
  'Minimum Number of Used Channels Procedure',
  'Connection CTE Request',
  'Connection CTE Response',
  'Connectionless CTE Transmitter',
  'Connectionless CTE Receiver',
  'Antenna Switching During CTE Transmission (AoD)',
  'Antenna Switching During CTE Reception (AoA)',
  'Receiving Constant Tone Extensions',
  'Periodic Advertising Sync Transfer - Sender',
  'Periodic Advertising Sync Transfer - Recipient',
  'Sleep Clock Accuracy Updates',
  'Remote Public Key Validation',
  'Connected Isochronous Stream - Central',
  'Connected Isochronous Stream - Peripheral',
  'Isochronous Broadcaster',
  'Synchronized Receiver',
  'Connected Isochronous Stream (Host Support)',
  'LE Power Control Request',
  'LE Power Control Request (second bit; Power Change Indication before 5.3)',
  'LE Path Loss Monitoring',
  'Periodic Advertising ADI support',
  'Connection Subrating',
  'Connection Subrating (Host Support)',
  'Channel Classification',
  'Advertising Coding Selection',
  'Advertising Coding Selection (Host Support)',
  undefined,
  'Periodic Advertising with Responses - Advertiser',
  'Periodic Advertising with Responses - Scanner',
];

export function leFeatureList(features: Uint8Array): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((((features[bit >> 3] ?? 0) >> (bit & 7)) & 1) === 0) continue;
    out.push(leFeatureNames[bit] ?? `bit ${bit}`);
  }
  return out;
}
