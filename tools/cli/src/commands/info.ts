import { existsSync } from 'node:fs';
import { formatAddressBytes, hexNumber, parseAddress, toHex } from '@tsble/base';
import type { ControllerInfo } from '@tsble/hci-transport';
import { openHci } from '../open-hci.js';
import { ExitCode } from '../options.js';
import { bondFileOptions } from './bond-file.js';
import type { CliCommand, CommandContext } from './command.js';
import { companyName, coreVersionName, leFeatureList } from './describe-controller.js';

/** `tsble info`: the controller's identity and capabilities. */
export const info: CliCommand = {
  async run(context) {
    const { out } = context;
    const kept = await keptIdentity(context);
    const hci = await openHci(context, kept?.bytes);
    try {
      const i = hci.info;
      const features = leFeatureList(i.leFeatures);
      const addressDescription = describeAddress(i, context, kept?.location);
      out.event(
        'info',
        {
          transport: hci.transport.description,
          address: formatAddressBytes(i.address),
          addressType: i.addressType,
          addressSource: i.addressSource,
          addressDescription,
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
          `address       ${formatAddressBytes(i.address)} (${addressDescription})`,
          `HCI version   ${coreVersionName(i.hciVersion)} (${hexNumber(i.hciVersion)}), revision ${hexNumber(i.hciSubversion, 4)}`,
          `manufacturer  ${hexNumber(i.manufacturer, 4)} ${companyName(i.manufacturer)}`,
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

/**
 * The static random identity the host commands keep in the bond store (when the controller has none of its
 * own), so that info shows the address they use. Read only: info never writes the store, and a store it
 * cannot read is simply not used here (the commands that need bonds report it). Without a file there is
 * nothing kept, and the host package (the store's code, most of the CLI's) is not even loaded.
 */
async function keptIdentity(
  context: CommandContext,
): Promise<{ bytes: Uint8Array; location: string } | undefined> {
  if (!existsSync(context.options.bondStore)) return undefined;
  try {
    const { FileBondStore } = await import('@tsble/host');
    const store = await FileBondStore.open(context.options.bondStore, bondFileOptions);
    const text = store.localIdentity()?.staticAddress;
    const parsed = text ? parseAddress(text) : undefined;
    return parsed?.ok ? { bytes: parsed.value.bytes, location: store.location } : undefined;
  } catch {
    return undefined;
  }
}

/** What kind of address it is and where it came from, in words. */
function describeAddress(i: ControllerInfo, context: CommandContext, keptIn: string | undefined): string {
  const given = context.options.address;
  const source = sourceOf(i, context, keptIn);
  // Host.open sets --address as the identity even over a public or Zephyr address.
  return given && i.addressSource !== 'configured'
    ? `${source}; serve, pair, read and gatt use --address ${formatAddressBytes(given)} instead`
    : source;
}

function sourceOf(i: ControllerInfo, context: CommandContext, keptIn: string | undefined): string {
  switch (i.addressSource) {
    case 'public':
      return 'public; read with HCI Read BD_ADDR';
    case 'zephyr-static':
      return 'static random; from Zephyr Read Static Addresses';
    case 'configured':
      return context.options.address || !keptIn
        ? 'static random; given with --address'
        : `static random; generated earlier and kept in ${keptIn}`;
    case 'generated':
      return `static random; generated now, as the controller has no public address (serve, pair, read and gatt keep theirs in ${context.options.bondStore})`;
  }
}
