/**
 * Supported_Commands (HCI Read Local Supported Commands): where each command's bit sits, as (octet, bit).
 * Core 6.0 Vol 4 Part E 6.27. The controller derives the bitmap it reports from its handler table through this
 * map, so the bitmap is true both ways: a bit is set exactly when the command has a handler. Read Local
 * Supported Commands itself has no bit (it is how the bitmap is read), and vendor commands (OGF 0x3F) have none.
 */
export const supportedCommandPosition: ReadonlyMap<number, readonly [octet: number, bit: number]> = new Map([
  [0x0406, [0, 5]], // Disconnect
  [0x041d, [2, 7]], // Read Remote Version Information
  [0x0c01, [5, 6]], // Set Event Mask
  [0x0c03, [5, 7]], // Reset
  [0x0c31, [10, 5]], // Set Controller To Host Flow Control
  [0x0c33, [10, 6]], // Host Buffer Size
  [0x0c35, [10, 7]], // Host Number Of Completed Packets
  [0x0c63, [22, 2]], // Set Event Mask Page 2
  [0x1001, [14, 3]], // Read Local Version Information
  [0x1003, [14, 5]], // Read Local Supported Features
  [0x1005, [14, 7]], // Read Buffer Size
  [0x1009, [15, 1]], // Read BD_ADDR
  [0x1408, [20, 4]], // Read Encryption Key Size
  [0x2001, [25, 0]], // LE Set Event Mask
  [0x2002, [25, 1]], // LE Read Buffer Size [v1]
  [0x2003, [25, 2]], // LE Read Local Supported Features
  [0x2005, [25, 4]], // LE Set Random Address
  [0x2006, [25, 5]], // LE Set Advertising Parameters
  [0x2007, [25, 6]], // LE Read Advertising Physical Channel Tx Power
  [0x2008, [25, 7]], // LE Set Advertising Data
  [0x2009, [26, 0]], // LE Set Scan Response Data
  [0x200a, [26, 1]], // LE Set Advertising Enable
  [0x200b, [26, 2]], // LE Set Scan Parameters
  [0x200c, [26, 3]], // LE Set Scan Enable
  [0x200d, [26, 4]], // LE Create Connection
  [0x200e, [26, 5]], // LE Create Connection Cancel
  [0x200f, [26, 6]], // LE Read Filter Accept List Size
  [0x2010, [26, 7]], // LE Clear Filter Accept List
  [0x2011, [27, 0]], // LE Add Device To Filter Accept List
  [0x2012, [27, 1]], // LE Remove Device From Filter Accept List
  [0x2013, [27, 2]], // LE Connection Update
  [0x2016, [27, 5]], // LE Read Remote Features
  [0x2017, [27, 6]], // LE Encrypt
  [0x2018, [27, 7]], // LE Rand
  [0x2019, [28, 0]], // LE Enable Encryption
  [0x201a, [28, 1]], // LE Long Term Key Request Reply
  [0x201b, [28, 2]], // LE Long Term Key Request Negative Reply
  [0x201c, [28, 3]], // LE Read Supported States
  [0x2022, [33, 6]], // LE Set Data Length
  [0x2023, [33, 7]], // LE Read Suggested Default Data Length
  [0x2024, [34, 0]], // LE Write Suggested Default Data Length
  [0x2027, [34, 3]], // LE Add Device To Resolving List
  [0x2028, [34, 4]], // LE Remove Device From Resolving List
  [0x2029, [34, 5]], // LE Clear Resolving List
  [0x202a, [34, 6]], // LE Read Resolving List Size
  [0x202b, [34, 7]], // LE Read Peer Resolvable Address
  [0x202c, [35, 0]], // LE Read Local Resolvable Address
  [0x202d, [35, 1]], // LE Set Address Resolution Enable
  [0x202e, [35, 2]], // LE Set Resolvable Private Address Timeout
  [0x202f, [35, 3]], // LE Read Maximum Data Length
  [0x2030, [35, 4]], // LE Read PHY
  [0x2031, [35, 5]], // LE Set Default PHY
  [0x2032, [35, 6]], // LE Set PHY
  [0x204b, [38, 7]], // LE Read Transmit Power
  [0x204e, [39, 2]], // LE Set Privacy Mode
  [0x2060, [41, 5]], // LE Read Buffer Size v2
]);

/** Read Local Supported Commands: mandatory, and the one command the bitmap does not list. */
export const readLocalSupportedCommandsOpcode = 0x1002;

/** The 64-octet bitmap for a set of implemented opcodes; an opcode without a known position is an error. */
export function supportedCommandsBitmap(opcodes: Iterable<number>): Uint8Array {
  const bits = new Uint8Array(64);
  for (const opcode of opcodes) {
    if (opcode === readLocalSupportedCommandsOpcode || opcode >= 0xfc00) continue;
    const position = supportedCommandPosition.get(opcode);
    if (position === undefined) {
      throw new Error(`opcode 0x${opcode.toString(16)} has a handler but no Supported_Commands bit`);
    }
    const [octet, bit] = position;
    bits[octet] = (bits[octet] ?? 0) | (1 << bit);
  }
  return bits;
}
