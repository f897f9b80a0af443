import { Hci } from '@tsble/hci-transport';
import { registerSimTransport } from '@tsble/virtual-controller';
import type { CommandContext } from './commands/command.js';

let simRegistered = false;

/** Opens the HCI layer on the transport the global options name (`sim` is the embedded virtual controller). */
export async function openHci(context: CommandContext): Promise<Hci> {
  if (!simRegistered) {
    registerSimTransport();
    simRegistered = true;
  }
  const { options, logger } = context;
  return Hci.open(options.transport, {
    logger,
    ...(options.btsnoop ? { btsnoop: options.btsnoop } : {}),
    ...(options.address ? { staticAddress: options.address } : {}),
  });
}
