import { Hci } from '@tsble/hci-transport';
import { registerSimTransport } from '@tsble/virtual-controller';
import type { CommandContext } from './commands/command.js';

let simRegistered = false;

/**
 * Opens the HCI layer on the transport the global options name (`sim` is the embedded virtual controller).
 * `storedAddress` is the static random identity kept in the bond store, used when the controller has no public
 * address and --address is not given (as Host.open does).
 */
export async function openHci(context: CommandContext, storedAddress?: Uint8Array): Promise<Hci> {
  if (!simRegistered) {
    registerSimTransport();
    simRegistered = true;
  }
  const { options, logger } = context;
  const staticAddress = options.address ?? storedAddress;
  return Hci.open(options.transport, {
    logger,
    signal: context.signal,
    ...(options.btsnoop ? { btsnoop: options.btsnoop } : {}),
    ...(staticAddress ? { staticAddress } : {}),
  });
}
