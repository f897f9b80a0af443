/** Human names for what `tsble info` prints. */

/** HCI_Version values. Assigned Numbers 2.1 (Link Layer / HCI versions). */
const coreVersions: Record<number, string> = {
  0x06: '4.0', 0x07: '4.1', 0x08: '4.2', 0x09: '5.0', 0x0a: '5.1', 0x0b: '5.2', 0x0c: '5.3', 0x0d: '5.4', 0x0e: '6.0', 0x0f: '6.1',
};

export function coreVersionName(hciVersion: number): string {
  return coreVersions[hciVersion] ?? `unknown (0x${hciVersion.toString(16)})`;
}

/** A few company identifiers seen on BLE controllers. Assigned Numbers, Company Identifiers. */
const companies: Record<number, string> = {
  0x0002: 'Intel',
  0x000a: 'Qualcomm Technologies International (CSR)',
  0x000d: 'Texas Instruments',
  0x000f: 'Broadcom',
  0x001d: 'Qualcomm',
  0x003f: 'Bluetooth SIG (BlueZ emulator)',
  0x0046: 'MediaTek',
  0x0059: 'Nordic Semiconductor',
  0x005d: 'Realtek',
  0x0131: 'Cypress Semiconductor',
  0x05f1: 'The Linux Foundation (Zephyr)',
  0xffff: 'test/unassigned (tsble virtual controller)',
};

export function companyName(id: number): string {
  return companies[id] ?? 'unknown';
}

/** LE feature bits. Core 6.0 Vol 6 Part B 4.6. */
const leFeatureNames = [
  'LE Encryption',
  'Connection Parameters Request',
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
];

export function leFeatureList(features: Uint8Array): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((((features[bit >> 3] ?? 0) >> (bit & 7)) & 1) === 0) continue;
    out.push(leFeatureNames[bit] ?? `bit ${bit}`);
  }
  return out;
}
