/** `tsble gatt ADDRESS [--values]`: dump services, characteristics and descriptors (and the readable values). */
import { hexNumber } from '@tsble/base';
import type { Connection } from '@tsble/host';
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { attErrorName, attErrorOf } from './explain.js';
import { uuidName } from './gatt-names.js';
import { steps } from './operation-deadline.js';
import { withPeer } from './peer-session.js';
import { describeValue } from './value-text.js';

// Core 6.0 Vol 3 Part G 3.3.1.1: characteristic property bits.
const READ = 0x02;
const PROPERTY_NAMES = [
  'broadcast',
  'read',
  'writeWithoutResponse',
  'write',
  'notify',
  'indicate',
  'authenticatedSignedWrites',
  'extendedProperties',
];

function propertyNames(bits: number): string[] {
  return PROPERTY_NAMES.filter((_, i) => (bits & (1 << i)) !== 0);
}

export const gatt: CliCommand = {
  async run(context) {
    const { progress } = context;
    return withPeer(context, undefined, async ({ connection, deadline }) => {
      if (connection.bonded && connection.role === 'central')
        await deadline.run(steps.encrypting(connection.identity), () => connection.encrypt());
      progress.show('discovering');
      const client = connection.gatt.client;
      const out = context.out;
      const discovering = steps.discovering(connection.identity);
      const withValues = context.values.values === true;
      const services = await deadline.run(discovering, () => client.discoverServices());
      progress.done();
      for (const service of services) {
        out.event(
          'service',
          {
            uuid: service.uuid,
            ...nameField(service.uuid),
            startHandle: service.startHandle,
            endHandle: service.endHandle,
            primary: service.primary,
          },
          `service ${named(service.uuid)} (handles ${hexNumber(service.startHandle, 4)}-${hexNumber(service.endHandle, 4)})`,
        );
        const characteristics = await deadline.run(discovering, () =>
          client.discoverCharacteristics(service),
        );
        for (const characteristic of characteristics) {
          const properties = propertyNames(characteristic.properties);
          const read =
            withValues && (characteristic.properties & READ) !== 0
              ? await deadline.run(discovering, () => readValue(client, characteristic.valueHandle))
              : undefined;
          out.event(
            'characteristic',
            {
              service: service.uuid,
              uuid: characteristic.uuid,
              ...nameField(characteristic.uuid),
              handle: characteristic.valueHandle,
              properties,
              ...(read?.fields ?? {}),
            },
            `  characteristic ${named(characteristic.uuid)} (${hexNumber(characteristic.valueHandle, 4)}): ${properties.join(', ')}${read ? ` = ${read.human}` : ''}`,
          );
          const descriptors = await deadline.run(discovering, () =>
            client.discoverDescriptors(characteristic),
          );
          for (const descriptor of descriptors) {
            out.event(
              'descriptor',
              {
                characteristic: characteristic.uuid,
                uuid: descriptor.uuid,
                ...nameField(descriptor.uuid),
                handle: descriptor.handle,
              },
              `    descriptor ${named(descriptor.uuid)} (${hexNumber(descriptor.handle, 4)})`,
            );
          }
        }
      }
      await connection.disconnect();
      return ExitCode.done;
    });
  },
};

type Client = Connection['gatt']['client'];

/**
 * A value for --values: its fields and human text, or the ATT error that refused it (Insufficient Encryption on
 * an unpaired link, Read Not Permitted…), so one refusal does not end the dump. Anything else (a timeout, a
 * dropped link) does end it.
 */
async function readValue(
  client: Client,
  handle: number,
): Promise<{ fields: Record<string, unknown>; human: string }> {
  try {
    const { fields, human } = describeValue(await client.read(handle));
    return { fields, human: fields.text !== undefined && fields.value.length > 0 ? `"${human}"` : human };
  } catch (error) {
    const att = attErrorOf(error);
    if (!att) throw error;
    const name = attErrorName(att.code);
    return {
      fields: { attError: att.code, ...(name ? { attErrorName: name } : {}) },
      human: `(not read: ${name ?? 'ATT error'}, ${hexNumber(att.code)})`,
    };
  }
}

function nameField(uuid: string): { name?: string } {
  const name = uuidName(uuid);
  return name ? { name } : {};
}

/** `2a00 Device Name`, or the bare UUID when it has no name here. */
function named(uuid: string): string {
  const name = uuidName(uuid);
  return name ? `${uuid} ${name}` : uuid;
}
