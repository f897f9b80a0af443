/**
 * `tsble read ADDRESS UUID --notify`: subscribe to the characteristic and report each value as a
 * `notification` event (ARCHITECTURE.md lists it), until --count values came, or Ctrl-C, or --timeout.
 */
import type { Connection } from '@tsble/host';
import type { CommandContext } from './command.js';
import { OperationError } from './operation-deadline.js';
import { hexOctets } from './value-text.js';

type Client = Connection['gatt']['client'];
export type Characteristic = Awaited<ReturnType<Client['discoverCharacteristics']>>[number];

/** The characteristic with `uuid` in any service (read names only the characteristic, not its service). */
export async function findCharacteristic(
  client: Client,
  uuid: string,
  peer: string,
): Promise<Characteristic> {
  const wanted = uuid.toLowerCase().replace(/^0x/, '');
  for (const service of await client.discoverServices()) {
    for (const characteristic of await client.discoverCharacteristics(service)) {
      if (characteristic.uuid === wanted) return characteristic;
    }
  }
  throw new OperationError(
    'not-found',
    `${peer} has no characteristic ${uuid} (tsble gatt ${peer} lists what it has)`,
  );
}

/**
 * Subscribes (pairing first when the server asks for security) and resolves with `listen`, which reports
 * each value and resolves with how many came: after `count`, on abort, or when the link drops.
 */
export async function subscribe(
  connection: Connection,
  uuid: string,
  context: CommandContext,
): Promise<(options: { count: number | undefined; signal: AbortSignal }) => Promise<number>> {
  const client = connection.gatt.client;
  const characteristic = await findCharacteristic(client, uuid, connection.identity);
  // Core 6.0 Vol 3 Part G 3.3.1.1: without the Notify or Indicate property a CCCD write would be refused.
  if ((characteristic.properties & 0x30) === 0)
    throw new OperationError(
      'att-error',
      `${uuid} on ${connection.identity} neither notifies nor indicates; read it without --notify`,
    );
  const stop = new AbortController();
  const stream = client.notifications(characteristic, { signal: stop.signal });
  const kind = (characteristic.properties & 0x10) !== 0 ? 'notification' : 'indication';
  await connection.gatt.secured(() => client.subscribe(characteristic, kind));
  return async ({ count, signal }) => {
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    context.progress.show(`waiting for ${kind}s from ${uuid} (Ctrl-C to stop)`);
    let received = 0;
    try {
      for await (const value of stream) {
        received += 1;
        context.out.event(
          'notification',
          { address: connection.identity, uuid, handle: characteristic.valueHandle, value },
          hexOctets(value),
        );
        if (count !== undefined && received >= count) break;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop.abort();
      context.progress.done();
    }
    return received;
  };
}
