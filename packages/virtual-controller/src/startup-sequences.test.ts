/**
 * Other hosts' start-up sequences, replayed command by command against the virtual controller with no tsble
 * host in between. Each sequence restates what that host sends to bring up an LE-only controller, with the same
 * conditions it evaluates on the answers (HCI version, Supported Commands bits, LE features). Read from:
 * - NimBLE: nimble/host/src/ble_hs_startup.c (ble_hs_startup_go) and ble_hs_pvcy.c (ble_hs_pvcy_set_our_irk);
 * - Zephyr's host: subsys/bluetooth/host/hci_core.c (common_init, le_init, le_set_event_mask, set_event_mask,
 *   hci_vs_init) and the identity set-up after it;
 * - BlueZ: net/bluetooth/hci_sync.c (hci_init1..4 and le_init2..4 stages);
 * - Bumble: bumble/host.py (Host.reset) and device.py (Device.power_on).
 * Every command must succeed, except vendor commands, which a non-Zephyr controller answers with Unknown HCI
 * Command (as real ones do; Zephyr's host then carries on without its vendor extensions).
 */
import { HciStatus } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';
import { hexBytes, mask64, RawHost, u16 } from './raw-host.test-support.js';

interface Context {
  hciVersion: number;
  commands: Uint8Array;
  lmpFeatures: Uint8Array;
  leFeatures: Uint8Array;
  maxTxOctets: number;
  maxTxTime: number;
  leAclLength: number;
}

interface Step {
  name: string;
  opcode: number;
  params?: (ctx: Context) => Uint8Array;
  when?: (ctx: Context) => boolean;
  /** Vendor command: Unknown HCI Command is an acceptable answer. */
  vendor?: boolean;
}

const supports = (octet: number, bit: number) => (ctx: Context) =>
  (((ctx.commands[octet] ?? 0) >> bit) & 1) === 1;
const leFeature = (bit: number) => (ctx: Context) =>
  (((ctx.leFeatures[bit >> 3] ?? 0) >> (bit & 7)) & 1) === 1;
const both =
  (...conditions: ((ctx: Context) => boolean)[]) =>
  (ctx: Context) =>
    conditions.every((c) => c(ctx));
const addToResolvingList = (localIrk: Uint8Array) => () => {
  const p = new Uint8Array(39);
  p.set(localIrk, 23); // type 0, address 0, peer IRK 0 (NimBLE's own entry for its RPA), local IRK
  return p;
};
const defaultNimbleIrk = hexBytes('ef8de2164fec430dbf5bdd34c0531eb8');

/** Reads what later steps depend on out of a successful answer. */
function learn(ctx: Context, opcode: number, r: Uint8Array): void {
  if (opcode === 0x1001) ctx.hciVersion = r[0] ?? 0;
  if (opcode === 0x1002) ctx.commands = r.slice(0, 64);
  if (opcode === 0x1003) ctx.lmpFeatures = r.slice(0, 8);
  if (opcode === 0x2003) ctx.leFeatures = r.slice(0, 8);
  if (opcode === 0x2002) ctx.leAclLength = (r[0] ?? 0) | ((r[1] ?? 0) << 8);
  if (opcode === 0x202f) {
    ctx.maxTxOctets = (r[0] ?? 0) | ((r[1] ?? 0) << 8);
    ctx.maxTxTime = (r[2] ?? 0) | ((r[3] ?? 0) << 8);
  }
}

async function replay(steps: Step[]): Promise<{ sent: string[]; skipped: string[] }> {
  const air = new VirtualAir();
  const controller = air.addController({ name: 'replay' });
  const host = new RawHost(controller);
  const ctx: Context = {
    hciVersion: 0,
    commands: new Uint8Array(64),
    lmpFeatures: new Uint8Array(8),
    leFeatures: new Uint8Array(8),
    maxTxOctets: 27,
    maxTxTime: 328,
    leAclLength: 0,
  };
  const sent: string[] = [];
  const skipped: string[] = [];
  try {
    for (const step of steps) {
      if (step.when && !step.when(ctx)) {
        skipped.push(step.name);
        continue;
      }
      const answer = await host.command(step.opcode, step.params?.(ctx) ?? new Uint8Array(0));
      const allowed = step.vendor ? [0, HciStatus.unknownCommand] : [0];
      expect(
        allowed,
        `${step.name} (0x${step.opcode.toString(16)}) answered 0x${answer.status.toString(16)}`,
      ).toContain(answer.status);
      if (answer.status === 0) learn(ctx, step.opcode, answer.returns);
      sent.push(step.name);
    }
  } finally {
    air.close();
  }
  return { sent, skipped };
}

const nimble: Step[] = [
  { name: 'Reset', opcode: 0x0c03 },
  { name: 'Read Local Version Information', opcode: 0x1001 },
  { name: 'Read Local Supported Commands', opcode: 0x1002 },
  { name: 'Read Local Supported Features', opcode: 0x1003 },
  { name: 'Set Event Mask', opcode: 0x0c01, params: () => mask64(0x2000800002008090n) },
  // Sent whenever the controller is 4.1 or later; a failure aborts NimBLE's start-up (it then resets forever).
  {
    name: 'Set Event Mask Page 2',
    opcode: 0x0c63,
    params: () => mask64(0x800000n),
    when: (ctx) => ctx.hciVersion >= 7,
  },
  { name: 'LE Set Event Mask', opcode: 0x2001, params: () => mask64(0xffe7fn) },
  { name: 'LE Read Buffer Size', opcode: 0x2002 },
  { name: 'Read Buffer Size', opcode: 0x1005, when: (ctx) => ctx.leAclLength === 0 },
  { name: 'LE Read Local Supported Features', opcode: 0x2003 },
  { name: 'Read BD_ADDR', opcode: 0x1009 },
  { name: 'LE Set Address Resolution Enable (off)', opcode: 0x202d, params: () => Uint8Array.of(0) },
  { name: 'LE Clear Resolving List', opcode: 0x2029 },
  { name: 'LE Set Address Resolution Enable (on)', opcode: 0x202d, params: () => Uint8Array.of(1) },
  { name: 'LE Add Device To Resolving List', opcode: 0x2027, params: addToResolvingList(defaultNimbleIrk) },
  { name: 'LE Set Privacy Mode (device)', opcode: 0x204e, params: () => hexBytes('00 000000000000 01') },
  { name: 'LE Set Resolvable Private Address Timeout', opcode: 0x202e, params: () => u16(300) },
];

/** ble_hs_flow_startup, with BLE_HS_FLOW_CTRL: the host's own ACL buffers (NimBLE defaults 255 x 12). */
const nimbleFlowControl: Step[] = [
  { name: 'Set Controller To Host Flow Control', opcode: 0x0c31, params: () => Uint8Array.of(1) },
  {
    name: 'Host Buffer Size',
    opcode: 0x0c33,
    params: () => Uint8Array.of(...u16(255), 0, ...u16(12), ...u16(0)),
  },
];

const zephyr: Step[] = [
  { name: 'Reset', opcode: 0x0c03 },
  { name: 'Read Local Supported Features', opcode: 0x1003 },
  { name: 'Read Local Version Information', opcode: 0x1001 },
  { name: 'Read Local Supported Commands', opcode: 0x1002 },
  { name: 'LE Rand (PRNG seed)', opcode: 0x2018, when: supports(27, 7) },
  // set_flow_control(), with CONFIG_BT_HCI_ACL_FLOW_CONTROL: buffer size first, then flow control on.
  {
    name: 'Host Buffer Size',
    opcode: 0x0c33,
    params: () => Uint8Array.of(...u16(251 + 4), 0, ...u16(6), ...u16(0)),
    when: supports(10, 6),
  },
  {
    name: 'Set Controller To Host Flow Control',
    opcode: 0x0c31,
    params: () => Uint8Array.of(1),
    when: supports(10, 5),
  },
  { name: 'LE Read Local Supported Features', opcode: 0x2003 },
  { name: 'LE Read Buffer Size', opcode: 0x2002 },
  { name: 'LE Read Supported States', opcode: 0x201c, when: supports(28, 3) },
  { name: 'LE Read Maximum Data Length', opcode: 0x202f, when: leFeature(5) },
  {
    name: 'LE Write Suggested Default Data Length',
    opcode: 0x2024,
    params: (ctx) => new Uint8Array([...u16(ctx.maxTxOctets), ...u16(ctx.maxTxTime)]),
    when: leFeature(5),
  },
  {
    name: 'LE Set Resolvable Private Address Timeout',
    opcode: 0x202e,
    params: () => u16(900),
    when: leFeature(6),
  },
  { name: 'LE Read Resolving List Size', opcode: 0x202a, when: leFeature(6) },
  { name: 'LE Set Event Mask', opcode: 0x2001, params: () => mask64(0x25en) },
  { name: 'Read Buffer Size', opcode: 0x1005, when: (ctx) => ctx.leAclLength === 0 },
  { name: 'Set Event Mask', opcode: 0x0c01, params: () => mask64(0x2000800002008890n) },
  { name: 'Zephyr Read Version Information', opcode: 0xfc01, vendor: true },
  { name: 'Read BD_ADDR', opcode: 0x1009 },
  // CONFIG_BT_PRIVACY: the identity's RPA, made by the host, as the random address.
  { name: 'LE Set Random Address (RPA)', opcode: 0x2005, params: () => hexBytes('a1b2c3d4e5 4f') },
  // A bonded peer restored with controller privacy (bt_id_add): resolution off, add, privacy mode, on.
  { name: 'LE Set Address Resolution Enable (off)', opcode: 0x202d, params: () => Uint8Array.of(0) },
  {
    name: 'LE Add Device To Resolving List',
    opcode: 0x2027,
    params: () => hexBytes(`01 1122334455c6 ${'11'.repeat(16)} ${'22'.repeat(16)}`),
    when: leFeature(6),
  },
  {
    name: 'LE Set Privacy Mode (device)',
    opcode: 0x204e,
    params: () => hexBytes('01 1122334455c6 01'),
    when: both(leFeature(6), supports(39, 2)),
  },
  {
    name: 'LE Set Address Resolution Enable (on)',
    opcode: 0x202d,
    params: () => Uint8Array.of(1),
    when: leFeature(6),
  },
];

const bluez: Step[] = [
  // init1
  { name: 'Reset', opcode: 0x0c03 },
  { name: 'Read Local Supported Features', opcode: 0x1003 },
  { name: 'Read Local Version Information', opcode: 0x1001 },
  { name: 'Read BD_ADDR', opcode: 0x1009 },
  // init2 (LE only: none of the BR/EDR steps apply)
  { name: 'Read Local Supported Commands', opcode: 0x1002, when: (ctx) => ctx.hciVersion > 1 },
  { name: 'LE Read Local Supported Features', opcode: 0x2003 },
  { name: 'LE Read Buffer Size', opcode: 0x2002 },
  { name: 'LE Read Supported States', opcode: 0x201c },
  // init3: the LE-only event mask BlueZ computes for a controller with Disconnect, Read Remote Version and
  // encryption: command complete/status, hardware error, disconnection, completed packets, overflow, remote
  // version, encryption change and key refresh, LE meta.
  { name: 'Set Event Mask', opcode: 0x0c01, params: () => hexBytes('90e8040200800020') },
  { name: 'LE Set Event Mask', opcode: 0x2001, params: () => hexBytes('5f08000000000000') },
  { name: 'LE Read Advertising Physical Channel Tx Power', opcode: 0x2007, when: supports(25, 6) },
  { name: 'LE Read Transmit Power', opcode: 0x204b, when: supports(38, 7) },
  { name: 'LE Read Filter Accept List Size', opcode: 0x200f, when: supports(26, 6) },
  { name: 'LE Clear Filter Accept List', opcode: 0x2010, when: supports(26, 7) },
  { name: 'LE Read Resolving List Size', opcode: 0x202a, when: supports(34, 6) },
  { name: 'LE Clear Resolving List', opcode: 0x2029, when: supports(34, 5) },
  {
    name: 'LE Set Resolvable Private Address Timeout',
    opcode: 0x202e,
    params: () => u16(900),
    when: supports(35, 2),
  },
  { name: 'LE Read Maximum Data Length', opcode: 0x202f, when: leFeature(5) },
  { name: 'LE Read Suggested Default Data Length', opcode: 0x2023, when: leFeature(5) },
  // init4: Set Event Mask Page 2 only with LE Ping (or BR/EDR features); LE: suggested length, default PHY.
  {
    name: 'Set Event Mask Page 2',
    opcode: 0x0c63,
    params: () => mask64(0x800000n),
    when: both(supports(22, 2), leFeature(4)),
  },
  {
    name: 'LE Write Suggested Default Data Length',
    opcode: 0x2024,
    params: (ctx) => new Uint8Array([...u16(ctx.maxTxOctets), ...u16(ctx.maxTxTime)]),
    when: leFeature(5),
  },
  { name: 'LE Set Default PHY', opcode: 0x2031, params: () => Uint8Array.of(0, 1, 1), when: supports(35, 5) },
];

const bumble: Step[] = [
  { name: 'Reset', opcode: 0x0c03 },
  { name: 'Read Local Supported Commands', opcode: 0x1002 },
  { name: 'LE Read Local Supported Features', opcode: 0x2003, when: supports(25, 2) },
  { name: 'Read Local Version Information', opcode: 0x1001, when: supports(14, 3) },
  { name: 'Read Local Supported Features', opcode: 0x1003, when: supports(14, 5) },
  { name: 'Set Event Mask', opcode: 0x0c01, params: () => hexBytes('ffffffffffffff3f') },
  { name: 'Set Event Mask Page 2', opcode: 0x0c63, params: () => mask64(0x800000n), when: supports(22, 2) },
  { name: 'LE Set Event Mask', opcode: 0x2001, params: () => hexBytes('fffff00000000000') },
  { name: 'Read Buffer Size', opcode: 0x1005, when: supports(14, 7) },
  { name: 'LE Read Buffer Size v2', opcode: 0x2060, when: supports(41, 5) },
  {
    name: 'LE Read Buffer Size',
    opcode: 0x2002,
    when: (ctx) => !supports(41, 5)(ctx) && supports(25, 1)(ctx),
  },
  {
    name: 'LE Read Suggested Default Data Length',
    opcode: 0x2023,
    when: both(supports(33, 7), supports(34, 0)),
  },
  {
    name: 'LE Write Suggested Default Data Length',
    opcode: 0x2024,
    params: () => new Uint8Array([...u16(251), ...u16(2120)]),
    when: both(supports(33, 7), supports(34, 0)),
  },
  // Device.power_on
  { name: 'Read BD_ADDR', opcode: 0x1009 },
  { name: 'LE Set Random Address (static)', opcode: 0x2005, params: () => hexBytes('0102030405c6') },
  { name: 'LE Clear Resolving List', opcode: 0x2029, when: supports(34, 5) },
  {
    name: 'LE Set Address Resolution Enable',
    opcode: 0x202d,
    params: () => Uint8Array.of(1),
    when: supports(35, 1),
  },
  { name: 'LE Set Default PHY', opcode: 0x2031, params: () => Uint8Array.of(0, 1, 1), when: supports(35, 5) },
];

describe("other hosts' start-up sequences, replayed against the virtual controller", () => {
  it('NimBLE: every command succeeds, Set Event Mask Page 2 included', async () => {
    const { sent } = await replay(nimble);
    expect(sent).toContain('Set Event Mask Page 2');
    expect(sent).toContain('LE Set Privacy Mode (device)');
  });

  it('NimBLE with controller-to-host flow control (BLE_HS_FLOW_CTRL): every command succeeds', async () => {
    const { sent } = await replay([...nimble, ...nimbleFlowControl]);
    expect(sent).toEqual(expect.arrayContaining(['Set Controller To Host Flow Control', 'Host Buffer Size']));
  });

  it("Zephyr's host: every command succeeds (its vendor probe gets Unknown HCI Command, as it expects)", async () => {
    const { sent, skipped } = await replay(zephyr);
    expect(skipped).toEqual(['Read Buffer Size']);
    expect(sent).toContain('LE Write Suggested Default Data Length');
    expect(sent).toContain('Set Controller To Host Flow Control');
  });

  it('BlueZ: every command succeeds, the optional ones chosen from our Supported Commands bits', async () => {
    const { sent, skipped } = await replay(bluez);
    // Read from the bits we report: the ones BlueZ skips are the ones we do not claim.
    expect(sent).toEqual(
      expect.arrayContaining(['LE Read Transmit Power', 'LE Set Default PHY', 'LE Clear Resolving List']),
    );
    expect(skipped).toEqual(['Set Event Mask Page 2']); // no LE Ping: BlueZ has nothing to enable on page 2
  });

  it('Bumble: every command succeeds', async () => {
    const { sent } = await replay(bumble);
    expect(sent).toEqual(
      expect.arrayContaining([
        'Set Event Mask Page 2',
        'LE Read Buffer Size v2',
        'LE Write Suggested Default Data Length',
      ]),
    );
  });
});
