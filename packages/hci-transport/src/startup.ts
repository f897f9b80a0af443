import { formatAddressBytes, generateStaticRandomAddress, isZeroAddress, type Logger } from '@tsble/base';
import type { CommandName, Commands } from './commands.js';
import {
  EVENT_MASK_BITS,
  HciStatus,
  LE_EVENT_MASK_BITS,
  Manufacturer,
  Opcode,
  SUPPORTED_COMMAND_LE_READ_BUFFER_SIZE_V2,
} from './constants.js';
import { HciCommandError, HciError, HciTimeoutError, HciTransportError } from './errors.js';
import { hasBit, type LayoutValues, maskOf } from './fields.js';

/** What the start-up sequence learnt about the controller. */
export interface ControllerInfo {
  /** The identity address the host should use, HCI order (least significant octet first). */
  address: Uint8Array;
  addressType: 'public' | 'random';
  /**
   * Where the address came from: the controller's public BD_ADDR, Zephyr's vendor static address, one the
   * caller configured, or one generated now (the host should store it so the identity stays stable).
   */
  addressSource: 'public' | 'zephyr-static' | 'configured' | 'generated';
  hciVersion: number;
  hciSubversion: number;
  lmpVersion: number;
  /** Company identifier (0x05F1 is Zephyr). */
  manufacturer: number;
  lmpSubversion: number;
  supportedCommands: Uint8Array;
  leFeatures: Uint8Array;
  leAclDataPacketLength: number;
  totalNumLeAclDataPackets: number;
  /** Which command gave the buffer size: LE v2, LE v1, or the shared BR/EDR buffers. */
  bufferSizeSource: 'le-v2' | 'le-v1' | 'br-edr';
  zephyr?: LayoutValues<(typeof Commands)['zephyrReadVersionInformation']['returns']>;
}

export interface StartupContext {
  execute: <N extends CommandName>(
    name: N,
    params: LayoutValues<(typeof Commands)[N]['params']>,
    timeoutMs?: number,
  ) => Promise<LayoutValues<(typeof Commands)[N]['returns']>>;
  command: (opcode: number, params?: Uint8Array, timeoutMs?: number) => Promise<Uint8Array>;
  writeRaw?: (bytes: Uint8Array) => Promise<void>;
  description: string;
  logger: Logger;
}

export interface StartupOptions {
  /** How long to wait for each HCI Reset attempt. Default 1500 ms (two attempts are made). */
  resetTimeoutMs: number;
  /** The static random address to use when the controller has no public one (kept by the host's bond store). */
  staticAddress?: Uint8Array;
  randomBytes: (n: number) => Uint8Array;
}

/**
 * Octets written when Reset gets no answer: enough to complete any command a previous host left half-sent
 * (3 header octets + 255 parameter octets) or a half-sent ACL packet up to the 251-octet LE maximum. After the
 * partial packet completes, the remaining zeros are unknown H4 type octets, which controllers skip.
 */
const recoveryPaddingLength = 260;

/** The event masks as 64-bit values, made once: BigInt arithmetic is slow enough to show in a start-up. */
const eventMask = maskOf(EVENT_MASK_BITS);
const leEventMask = maskOf(LE_EVENT_MASK_BITS);

/**
 * The bring-up sequence. Core 6.0 Vol 4 Part E 4.2 and 7.3.2: Reset first (the caller ignores every event but
 * its completion until it is done, because a dongle keeps the last session's state); then identity, features,
 * buffers with the v2 -> v1 -> BR/EDR fallback, and the event masks the host needs.
 *
 * After Reset nothing waits for an answer it does not use: the reads and the event masks are queued together,
 * and the command flow sends each as soon as the controller grants a credit (one at a time on most
 * controllers, Zephyr's included, but without a turn of this function between them; at once where it grants
 * more). Only LE Read Buffer Size waits, for Supported Commands (which version to ask), and the identity for
 * BD_ADDR and the manufacturer (Zephyr's vendor commands). Every command is one the host uses: Supported
 * Commands and the LE features decide what the host may ask for (buffer size v2, LL Privacy); the version's
 * manufacturer decides the Zephyr quirks. Read Local Supported Features (the BR/EDR LMP features) is not
 * sent: nothing in an LE host reads them.
 */
export async function bringUp(ctx: StartupContext, options: StartupOptions): Promise<ControllerInfo> {
  await resetWithRecovery(ctx, options.resetTimeoutMs);
  // Queued in this order; a controller that grants no credit fails the first of them by name.
  const versionRead = ctx.execute('readLocalVersionInformation', {});
  const commandsRead = ctx.execute('readLocalSupportedCommands', {});
  const leFeaturesRead = ctx.execute('leReadLocalSupportedFeatures', {});
  const eventMaskSet = ctx.execute('setEventMask', { eventMask });
  const leEventMaskSet = ctx.execute('leSetEventMask', { leEventMask });
  const bdAddrRead = ctx.execute('readBdAddr', {});
  const buffersRead = commandsRead.then((c) => readBufferSize(ctx, c.supportedCommands));
  const identityRead = bdAddrRead.then(({ bdAddr }) =>
    versionRead.then((v) => readIdentity(ctx, options, bdAddr, v.companyIdentifier)),
  );
  // Every promise above is awaited here, so a failure is one rejection (the first), never an unhandled one. One
  // Promise.all over all of them, its results taken by index: array destructuring steps an iterator.
  const results = await Promise.all([
    versionRead,
    commandsRead,
    leFeaturesRead,
    buffersRead,
    identityRead,
    eventMaskSet,
    leEventMaskSet,
  ]);
  const version = results[0];
  const supportedCommands = results[1].supportedCommands;
  const leFeatures = results[2].leFeatures;
  const buffers = results[3];
  const identity = results[4];
  // Every field named rather than spread in: V8 gave an object literal that spreads one object and then adds
  // more fields a new hidden class on every call, which cost more (about 17 us) than the rest of bring-up's
  // own work together.
  const info: ControllerInfo = {
    address: identity.address,
    addressType: identity.addressType,
    addressSource: identity.addressSource,
    hciVersion: version.hciVersion,
    hciSubversion: version.hciSubversion,
    lmpVersion: version.lmpVersion,
    manufacturer: version.companyIdentifier,
    lmpSubversion: version.lmpSubversion,
    supportedCommands,
    leFeatures,
    leAclDataPacketLength: buffers.leAclDataPacketLength,
    totalNumLeAclDataPackets: buffers.totalNumLeAclDataPackets,
    bufferSizeSource: buffers.bufferSizeSource,
  };
  if (identity.zephyr) info.zephyr = identity.zephyr;
  // The record (the address formatted as text) is built only for a logger that keeps info records.
  if (ctx.logger.isLevelEnabled?.('info') ?? true)
    ctx.logger.info(
      {
        address: formatAddressBytes(identity.address),
        manufacturer: info.manufacturer,
        leAclDataPacketLength: buffers.leAclDataPacketLength,
        totalNumLeAclDataPackets: buffers.totalNumLeAclDataPackets,
        bufferSizeSource: buffers.bufferSizeSource,
      },
      'controller ready',
    );
  return info;
}

async function resetWithRecovery(ctx: StartupContext, timeoutMs: number): Promise<void> {
  try {
    await ctx.execute('reset', {}, timeoutMs);
    return;
  } catch (error) {
    if (!(error instanceof HciTimeoutError)) throw error;
  }
  // A controller that got half a packet from a host that died (Zephyr's hci_uart never resynchronises) reads our
  // Reset as the rest of that packet. Complete it with padding, then try again.
  ctx.logger.warn(
    { transport: ctx.description },
    'no answer to HCI Reset; completing a possible half-sent packet and retrying',
  );
  if (ctx.writeRaw) await ctx.writeRaw(new Uint8Array(recoveryPaddingLength)).catch(() => undefined);
  try {
    await ctx.execute('reset', {}, timeoutMs);
  } catch (error) {
    if (!(error instanceof HciTimeoutError)) throw error;
    throw new HciTransportError(
      'no-controller',
      ctx.description,
      noControllerMessage(ctx.description, (2 * timeoutMs) / 1000),
    );
  }
}

/** The message for a controller that never answers: names the port, the baud rate and the likely fixes. */
export function noControllerMessage(description: string, seconds: number): string {
  const serial = description.startsWith('serial:');
  const fixes = serial
    ? [
        'the wrong port (list them with `ls /dev/ttyACM* /dev/ttyUSB*`)',
        'the wrong baud rate (Zephyr hci_uart uses 1000000; try ?baud=115200 for other firmware)',
        'flow control mismatch (try ?rtscts=false when the board has no RTS/CTS lines)',
        'a board without HCI controller firmware (flash Zephyr samples/bluetooth/hci_uart, or use hci_usb with usb:)',
      ]
    : [
        'the emulator or `tsble sim --listen` not serving on that address',
        'something other than an HCI controller listening there',
      ];
  return `nothing answered HCI Reset on ${description} within ${seconds} s. Likely causes: ${fixes.join('; ')}.`;
}

/**
 * LE buffers: v2, then v1, then the shared ACL buffers of Read Buffer Size. A zero length or count in an LE
 * answer means the controller has no dedicated LE buffers and LE uses the shared ones (Core 6.0 Vol 4 Part E
 * 7.8.2 and 7.8.106); believing a zero count would leave every packet waiting for a buffer that never frees.
 */
async function readBufferSize(
  ctx: StartupContext,
  supportedCommands: Uint8Array,
): Promise<Pick<ControllerInfo, 'leAclDataPacketLength' | 'totalNumLeAclDataPackets' | 'bufferSizeSource'>> {
  const { octet, bit } = SUPPORTED_COMMAND_LE_READ_BUFFER_SIZE_V2;
  if (hasBit(supportedCommands, octet, bit)) {
    const v2 = await ctx.execute('leReadBufferSizeV2', {}).catch(ignoreUnknownCommand);
    if (v2 && v2.leAclDataPacketLength > 0 && v2.totalNumLeAclDataPackets > 0) {
      return {
        leAclDataPacketLength: v2.leAclDataPacketLength,
        totalNumLeAclDataPackets: v2.totalNumLeAclDataPackets,
        bufferSizeSource: 'le-v2',
      };
    }
  }
  const v1 = await ctx.execute('leReadBufferSizeV1', {}).catch(ignoreUnknownCommand);
  if (v1 && v1.leAclDataPacketLength > 0 && v1.totalNumLeAclDataPackets > 0) {
    return {
      leAclDataPacketLength: v1.leAclDataPacketLength,
      totalNumLeAclDataPackets: v1.totalNumLeAclDataPackets,
      bufferSizeSource: 'le-v1',
    };
  }
  const shared = await ctx.execute('readBufferSize', {});
  if (shared.aclDataPacketLength === 0 || shared.totalNumAclDataPackets === 0) {
    throw new HciError(
      'no-acl-buffers',
      `the controller on ${ctx.description} reports no buffers for LE data (LE Read Buffer Size and Read Buffer ` +
        `Size give ${shared.totalNumAclDataPackets} packets of ${shared.aclDataPacketLength} octets), so nothing ` +
        'could ever be sent on a connection. Its firmware is broken or not an LE controller',
    );
  }
  return {
    leAclDataPacketLength: shared.aclDataPacketLength,
    totalNumLeAclDataPackets: shared.totalNumAclDataPackets,
    bufferSizeSource: 'br-edr',
  };
}

function ignoreUnknownCommand(error: unknown): undefined {
  if (error instanceof HciCommandError && error.status === HciStatus.unknownCommand) return undefined;
  throw error;
}

/** The identity from Read BD_ADDR's answer: the public address, else Zephyr's static one, else a static one. */
async function readIdentity(
  ctx: StartupContext,
  options: StartupOptions,
  bdAddr: Uint8Array,
  manufacturer: number,
): Promise<Pick<ControllerInfo, 'address' | 'addressType' | 'addressSource' | 'zephyr'>> {
  if (!isZeroAddress(bdAddr)) return { address: bdAddr, addressType: 'public', addressSource: 'public' };
  // Only a Zephyr controller with no public address gets Zephyr vendor commands: other vendors use the same
  // opcodes for different, sometimes destructive, commands.
  let zephyr: ControllerInfo['zephyr'];
  if (manufacturer === Manufacturer.zephyr) {
    zephyr = await ctx.execute('zephyrReadVersionInformation', {}).catch(() => undefined);
    const stored = await readZephyrStaticAddress(ctx);
    if (stored) {
      await ctx.execute('leSetRandomAddress', { randomAddress: stored });
      return {
        address: stored,
        addressType: 'random',
        addressSource: 'zephyr-static',
        ...(zephyr ? { zephyr } : {}),
      };
    }
  }
  const configured = options.staticAddress;
  const address = configured ?? generateStaticRandomAddress(options.randomBytes).bytes;
  await ctx.execute('leSetRandomAddress', { randomAddress: address });
  return {
    address,
    addressType: 'random',
    addressSource: configured ? 'configured' : 'generated',
    ...(zephyr ? { zephyr } : {}),
  };
}

/**
 * Zephyr's Read Static Addresses (0xFC09): Num_Addresses, then per address BD_ADDR (6) and IR (16). Some
 * firmware reports a wrong parameter length, so the count field decides how many entries are read.
 */
async function readZephyrStaticAddress(ctx: StartupContext): Promise<Uint8Array | undefined> {
  const returns = await ctx.command(Opcode.zephyrReadStaticAddresses).catch((error: unknown) => {
    if (error instanceof HciError && error.code !== 'command-failed') throw error;
    return undefined;
  });
  if (!returns || (returns[0] ?? 0) === 0 || returns.length < 1 + 6) return undefined;
  const address = returns.slice(1, 7);
  return isZeroAddress(address) ? undefined : address;
}
