/**
 * The Supported Commands bitmap is true both ways: every implemented command has its bit, and every bit set
 * names a command the controller answers (anything but Unknown HCI Command). The positions are restated here
 * from Core 6.0 Vol 4 Part E 6.27 as text, independently of supported-commands.ts, so one wrong cell fails.
 */
import { HciStatus } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';
import { commandHandlers } from './handlers/index.js';
import { RawHost } from './raw-host.test-support.js';

/** "octet.bit opcode parameter-length name", one command a line. */
const specTable = `
0.5 0406 3 Disconnect
2.7 041d 2 Read Remote Version Information
5.6 0c01 8 Set Event Mask
5.7 0c03 0 Reset
10.5 0c31 1 Set Controller To Host Flow Control
10.6 0c33 7 Host Buffer Size
10.7 0c35 5 Host Number Of Completed Packets
22.2 0c63 8 Set Event Mask Page 2
14.3 1001 0 Read Local Version Information
14.5 1003 0 Read Local Supported Features
14.7 1005 0 Read Buffer Size
15.1 1009 0 Read BD_ADDR
20.4 1408 2 Read Encryption Key Size
25.0 2001 8 LE Set Event Mask
25.1 2002 0 LE Read Buffer Size
25.2 2003 0 LE Read Local Supported Features
25.4 2005 6 LE Set Random Address
25.5 2006 15 LE Set Advertising Parameters
25.6 2007 0 LE Read Advertising Physical Channel Tx Power
25.7 2008 32 LE Set Advertising Data
26.0 2009 32 LE Set Scan Response Data
26.1 200a 1 LE Set Advertising Enable
26.2 200b 7 LE Set Scan Parameters
26.3 200c 2 LE Set Scan Enable
26.4 200d 25 LE Create Connection
26.5 200e 0 LE Create Connection Cancel
26.6 200f 0 LE Read Filter Accept List Size
26.7 2010 0 LE Clear Filter Accept List
27.0 2011 7 LE Add Device To Filter Accept List
27.1 2012 7 LE Remove Device From Filter Accept List
27.2 2013 14 LE Connection Update
27.5 2016 2 LE Read Remote Features
27.6 2017 32 LE Encrypt
27.7 2018 0 LE Rand
28.0 2019 28 LE Enable Encryption
28.1 201a 18 LE Long Term Key Request Reply
28.2 201b 2 LE Long Term Key Request Negative Reply
28.3 201c 0 LE Read Supported States
33.6 2022 6 LE Set Data Length
33.7 2023 0 LE Read Suggested Default Data Length
34.0 2024 4 LE Write Suggested Default Data Length
34.3 2027 39 LE Add Device To Resolving List
34.4 2028 7 LE Remove Device From Resolving List
34.5 2029 0 LE Clear Resolving List
34.6 202a 0 LE Read Resolving List Size
34.7 202b 7 LE Read Peer Resolvable Address
35.0 202c 7 LE Read Local Resolvable Address
35.1 202d 1 LE Set Address Resolution Enable
35.2 202e 2 LE Set Resolvable Private Address Timeout
35.3 202f 0 LE Read Maximum Data Length
35.4 2030 2 LE Read PHY
35.5 2031 3 LE Set Default PHY
35.6 2032 7 LE Set PHY
38.7 204b 0 LE Read Transmit Power
39.2 204e 8 LE Set Privacy Mode
41.5 2060 0 LE Read Buffer Size v2
`;

const spec = specTable
  .trim()
  .split('\n')
  .map((line) => {
    const [position = '', opcode = '', length = '', ...name] = line.split(' ');
    const [octet = 0, bit = 0] = position.split('.').map(Number);
    return { octet, bit, opcode: Number.parseInt(opcode, 16), length: Number(length), name: name.join(' ') };
  });

async function readBitmap(options: Parameters<VirtualAir['addController']>[0] = {}) {
  const air = new VirtualAir();
  const host = new RawHost(air.addController(options));
  const answer = await host.command(0x1002);
  expect(answer.status).toBe(0);
  return { air, host, bits: answer.returns.slice(0, 64) };
}

const isSet = (bits: Uint8Array, octet: number, bit: number) => (((bits[octet] ?? 0) >> bit) & 1) === 1;

describe('Supported Commands, derived from the handler table', () => {
  it('sets the bit of every implemented command (vendor commands and Read Local Supported Commands aside)', async () => {
    const { air, bits } = await readBitmap();
    for (const opcode of commandHandlers.keys()) {
      if (opcode === 0x1002 || opcode >= 0xfc00) continue;
      const row = spec.find((r) => r.opcode === opcode);
      expect(
        row,
        `opcode 0x${opcode.toString(16)} is implemented but missing from the spec table`,
      ).toBeDefined();
      if (row) expect(isSet(bits, row.octet, row.bit), `${row.name} has no bit`).toBe(true);
    }
    air.close();
  });

  it('answers every command whose bit it sets (never Unknown HCI Command), and sets no bit it does not know', async () => {
    const { air, host, bits } = await readBitmap();
    let claimed = 0;
    for (let octet = 0; octet < 64; octet++) {
      for (let bit = 0; bit < 8; bit++) {
        if (!isSet(bits, octet, bit)) continue;
        const row = spec.find((r) => r.octet === octet && r.bit === bit);
        expect(row, `bit ${octet}.${bit} is set for a command this test does not know`).toBeDefined();
        if (!row) continue;
        claimed++;
        const answer = await host.command(row.opcode, new Uint8Array(row.length));
        expect(answer.status, `${row.name} is claimed but answered Unknown HCI Command`).not.toBe(
          HciStatus.unknownCommand,
        );
      }
    }
    expect(claimed).toBe(spec.filter((r) => commandHandlers.has(r.opcode)).length);
    air.close();
  });

  it('drops the LE Read Buffer Size v2 bit when that command is turned off', async () => {
    const { air, host, bits } = await readBitmap({ leReadBufferSizeV2: false });
    expect(isSet(bits, 41, 5)).toBe(false);
    expect((await host.command(0x2060)).status).toBe(HciStatus.unknownCommand);
    air.close();
  });
});
