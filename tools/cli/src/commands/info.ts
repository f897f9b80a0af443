import { formatBdAddr, toHex } from '@tsble/hci-transport';
import { openHci } from '../open-hci.js';
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { companyName, coreVersionName, leFeatureList } from './describe-controller.js';

/** `tsble info`: the controller's identity and capabilities. */
export const info: CliCommand = {
  summary: 'controller identity: address, HCI version, manufacturer, LE buffers, features',
  help: `Usage: tsble info [--transport SPEC] [--json]

Resets the controller and reports its address, HCI version, manufacturer, LE ACL buffers and LE features.
Exits 3 with the likely fixes when nothing answers HCI Reset (wrong port, wrong baud rate, no controller firmware).`,
  async run({ out, ...context }) {
    const hci = await openHci({ out, ...context });
    try {
      const i = hci.info;
      const features = leFeatureList(i.leFeatures);
      out.event(
        'info',
        {
          transport: hci.transport.description,
          address: formatBdAddr(i.address),
          addressType: i.addressType,
          addressSource: i.addressSource,
          hciVersion: i.hciVersion,
          coreVersion: coreVersionName(i.hciVersion),
          hciSubversion: i.hciSubversion,
          manufacturer: i.manufacturer,
          manufacturerName: companyName(i.manufacturer),
          leAclDataPacketLength: i.leAclDataPacketLength,
          leAclDataPacketCount: i.totalNumLeAclDataPackets,
          bufferSizeSource: i.bufferSizeSource,
          leFeatures: toHex(i.leFeatures),
          leFeatureNames: features,
        },
        [
          `transport     ${hci.transport.description}`,
          `address       ${formatBdAddr(i.address)} (${i.addressType}, ${i.addressSource})`,
          `HCI version   ${coreVersionName(i.hciVersion)} (0x${i.hciVersion.toString(16).padStart(2, '0')}), revision 0x${i.hciSubversion.toString(16).padStart(4, '0')}`,
          `manufacturer  0x${i.manufacturer.toString(16).padStart(4, '0')} ${companyName(i.manufacturer)}`,
          `LE buffers    ${i.totalNumLeAclDataPackets} x ${i.leAclDataPacketLength} octets (${i.bufferSizeSource})`,
          `LE features   ${features.join(', ') || 'none'}`,
        ].join('\n'),
      );
      return ExitCode.done;
    } finally {
      await hci.close();
    }
  },
};
