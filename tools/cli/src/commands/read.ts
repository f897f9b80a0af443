/** `tsble read ADDRESS UUID`: connect, encrypt if bonded, read; on Insufficient Encryption/Authentication pair and retry. */
import { hexNumber } from '@tsble/base';
import { AttErrorCode, type Connection } from '@tsble/host';
import { ExitCode, UsageError } from '../options.js';
import type { CliCommand, CommandContext } from './command.js';
import { attErrorOf } from './explain.js';
import { subscribe } from './notify.js';
import { OperationError, steps } from './operation-deadline.js';
import { parsePairingOptions, withOob } from './pairing-options.js';
import { withPeer } from './peer-session.js';
import { UUID_TEXT } from './uuid-text.js';
import { describeValue } from './value-text.js';

export const read: CliCommand = {
  async run(context) {
    const { progress } = context;
    const pairing = await withOob(parsePairingOptions(context.values));
    const uuid = context.positionals[1];
    if (uuid === undefined)
      throw new UsageError(
        'read needs ADDRESS and UUID, like tsble read F0:F1:F2:F3:F4:F5/random b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00',
      );
    if (!UUID_TEXT.test(uuid.trim()))
      throw new UsageError(
        `"${uuid}" is not a UUID: give 4 hex digits (2a00) or 128 bits (b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00)`,
      );
    const count = parseCount(context.values);
    return withPeer(context, pairing, async ({ connection, deadline, watch }) => {
      connection.gatt.autoSecurity = { pair: true, pairOptions: pairing.options };
      if (connection.bonded && connection.role === 'central') {
        progress.show('encrypting from the bond');
        await deadline.run(steps.encrypting(connection.identity), () => connection.encrypt());
      }
      if (context.values.notify === true) {
        progress.show(`subscribing to ${uuid}`);
        const listen = await deadline.run(steps.subscribing(uuid, connection.identity), () =>
          subscribe(connection, uuid, context),
        );
        const got = await listen({ count, signal: context.signal });
        watch.check(); // the stream also ends when the controller goes away
        await connection.disconnect().catch(() => undefined);
        return count !== undefined && got < count ? ExitCode.failed : ExitCode.done;
      }
      progress.show(`reading ${uuid}`);
      const entry = await deadline
        .run(steps.reading(uuid, connection.identity), () => readOne(connection, uuid))
        .finally(() => progress.done());
      const { fields, human } = describeValue(entry.value);
      context.out.event(
        'read',
        { address: connection.identity, uuid, handle: entry.handle, ...fields },
        human,
      );
      await connection.disconnect();
      return ExitCode.done;
    });
  },
};

function parseCount(values: CommandContext['values']): number | undefined {
  const text = values.count as string | undefined;
  if (text === undefined) return undefined;
  if (values.notify !== true) throw new UsageError('--count goes with --notify');
  const count = Number(text);
  if (!(Number.isInteger(count) && count > 0))
    throw new UsageError(`--count must be a positive integer, not "${text}"`);
  return count;
}

/** Reads by UUID; an ATT error becomes a message about the characteristic, not about a handle. */
async function readOne(connection: Connection, uuid: string): Promise<{ handle: number; value: Uint8Array }> {
  const client = connection.gatt.client;
  const peer = connection.identity;
  let entry: { handle: number; value: Uint8Array } | undefined;
  try {
    [entry] = await connection.gatt.secured(() => client.readByUuid(uuid));
  } catch (error) {
    const att = attErrorOf(error);
    if (!att) throw error;
    throw new ReadError(att.code, readFailure(att.code, uuid, peer, error as Error));
  }
  if (!entry) throw new ReadError(AttErrorCode.attributeNotFound, readFailure(0x0a, uuid, peer));
  return entry;
}

function readFailure(code: number, uuid: string, peer: string, error?: Error): string {
  if (code === AttErrorCode.attributeNotFound)
    return `${peer} has no characteristic ${uuid} (tsble gatt ${peer} lists what it has)`;
  if (code === AttErrorCode.readNotPermitted)
    return `${uuid} on ${peer} cannot be read (Read Not Permitted); if it notifies, subscribe with --notify`;
  return `reading ${uuid} from ${peer} failed: ${error?.message ?? `ATT error ${hexNumber(code)}`}`;
}

/** A read the server refused: `attError` (in the `error` event) is the ATT error code. */
class ReadError extends OperationError {
  constructor(attError: number, message: string) {
    super(attError === AttErrorCode.attributeNotFound ? 'not-found' : 'att-error', message, { attError });
  }
}
