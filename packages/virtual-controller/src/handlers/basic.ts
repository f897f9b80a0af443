import { randomBytes } from 'node:crypto';
import { HciStatus, Manufacturer, Opcode } from '@tsble/hci-transport';
import { aes128 } from '../aes.js';
import type { VirtualController } from '../controller.js';
import { supportedCommandsBitmap } from '../supported-commands.js';
import { complete, failed, type Handler, handler } from './reply.js';

/** HCI version 0x0D = Core 5.4. Core 6.0 Assigned Numbers, HCI version. */
const hciVersion = 0x0d;
/** A company identifier for the emulator: 0xFFFF is reserved for tests. Assigned Numbers, Company Identifiers. */
const testManufacturer = 0xffff;

/** LE features: encryption (bit 0), data length extension (bit 5), LL privacy (bit 6). Core 6.0 Vol 6 Part B 4.6. */
export const leFeatures = Uint8Array.of(0x61, 0, 0, 0, 0, 0, 0, 0);
/** LMP features: LE supported (controller), byte 4 bit 6; BR/EDR not supported, byte 4 bit 5. Core 6.0 Vol 2 Part C 3.3. */
const lmpFeatures = Uint8Array.of(0, 0, 0, 0, 0x60, 0, 0, 0);

export const basicHandlers: [number, Handler][] = [
  handler('reset', (c) => {
    c.state.reset();
    c.hostFlow.reset();
    c.air.forgetLinks(c);
    c.air.update();
    return complete('reset');
  }),
  handler('setEventMask', (c, p) => {
    c.state.eventMask = p.eventMask;
    return complete('setEventMask');
  }),
  handler('leSetEventMask', (c, p) => {
    c.state.leEventMask = p.leEventMask;
    return complete('leSetEventMask');
  }),
  handler('readLocalVersionInformation', (c) =>
    complete('readLocalVersionInformation', {
      hciVersion,
      hciSubversion: 0x0001,
      lmpVersion: hciVersion,
      companyIdentifier: c.options.zephyr ? Manufacturer.zephyr : testManufacturer,
      lmpSubversion: 0x0001,
    }),
  ),
  handler('readLocalSupportedCommands', (c) =>
    complete('readLocalSupportedCommands', {
      supportedCommands: supportedCommandsBitmap(c.implementedOpcodes),
    }),
  ),
  handler('readLocalSupportedFeatures', () => complete('readLocalSupportedFeatures', { lmpFeatures })),
  handler('leReadLocalSupportedFeatures', () => complete('leReadLocalSupportedFeatures', { leFeatures })),
  handler('readBdAddr', (c) => complete('readBdAddr', { bdAddr: c.state.publicAddress })),
  handler('readBufferSize', (c) =>
    complete('readBufferSize', {
      aclDataPacketLength: c.options.aclLength,
      synchronousDataPacketLength: 0,
      totalNumAclDataPackets: c.options.aclCount,
      totalNumSynchronousDataPackets: 0,
    }),
  ),
  handler('leReadBufferSizeV1', (c) =>
    complete('leReadBufferSizeV1', {
      leAclDataPacketLength: c.options.aclLength,
      totalNumLeAclDataPackets: c.options.aclCount,
    }),
  ),
  handler('leReadBufferSizeV2', (c) =>
    c.options.leReadBufferSizeV2
      ? complete('leReadBufferSizeV2', {
          leAclDataPacketLength: c.options.aclLength,
          totalNumLeAclDataPackets: c.options.aclCount,
          isoDataPacketLength: 0,
          totalNumIsoDataPackets: 0,
        })
      : failed(HciStatus.unknownCommand),
  ),
  handler('leReadSupportedStates', () =>
    complete('leReadSupportedStates', { leStates: new Uint8Array(8).fill(0xff) }),
  ),
  handler('leRand', () => complete('leRand', { randomNumber: new Uint8Array(randomBytes(8)) })),
  handler('leEncrypt', (_c, p) => complete('leEncrypt', { encryptedData: aes128(p.key, p.plaintextData) })),
  handler('leSetRandomAddress', (c, p) => {
    // Changing the address while advertising or scanning is disallowed. Core 6.0 Vol 4 Part E 7.8.4.
    if (c.state.advertising || c.state.scanning) return failed(HciStatus.commandDisallowed);
    c.state.randomAddress = p.randomAddress;
    return complete('leSetRandomAddress');
  }),
  handler('leReadMaximumDataLength', () =>
    complete('leReadMaximumDataLength', {
      supportedMaxTxOctets: 251,
      supportedMaxTxTime: 17040,
      supportedMaxRxOctets: 251,
      supportedMaxRxTime: 17040,
    }),
  ),
  // Zephyr vendor commands; the controller answers them only with the Zephyr personality.
  handler('zephyrReadVersionInformation', () =>
    complete('zephyrReadVersionInformation', {
      hwPlatform: 2,
      hwVariant: 2,
      fwVariant: 0,
      fwVersion: 4,
      fwRevision: 0,
      fwBuild: 0,
    }),
  ),
  handler('zephyrReadSupportedCommands', () => {
    const commands = new Uint8Array(64);
    commands[0] = 0x07; // Read Version Information, Read Supported Commands, Read Supported Features
    commands[1] = 0x01; // Read Static Addresses
    return complete('zephyrReadSupportedCommands', { commands });
  }),
  [Opcode.zephyrReadStaticAddresses, zephyrReadStaticAddresses],
];

/** Status, Num_Addresses = 1, then BD_ADDR (6) and IR (16). Zephyr hci_vs.h bt_hci_rp_vs_read_static_addrs. */
function zephyrReadStaticAddresses(c: VirtualController): ReturnType<Handler> {
  const address = c.options.zephyr?.staticAddress;
  if (address === undefined) return failed(HciStatus.unknownCommand);
  const returns = new Uint8Array(2 + 6 + 16);
  returns[1] = 1;
  returns.set(address, 2);
  return { complete: true, status: 0, returns };
}
