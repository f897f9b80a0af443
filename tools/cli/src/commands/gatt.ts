/** `tsble gatt ADDRESS`: dump services, characteristics and descriptors. */
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { uuidName } from './gatt-names.js';
import { steps } from './operation-deadline.js';
import { withPeer } from './peer-session.js';

// Core 6.0 Vol 3 Part G 3.3.1.1: characteristic property bits.
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
          `service ${named(service.uuid)} (handles 0x${hex(service.startHandle)}-0x${hex(service.endHandle)})`,
        );
        const characteristics = await deadline.run(discovering, () =>
          client.discoverCharacteristics(service),
        );
        for (const characteristic of characteristics) {
          const properties = propertyNames(characteristic.properties);
          out.event(
            'characteristic',
            {
              service: service.uuid,
              uuid: characteristic.uuid,
              ...nameField(characteristic.uuid),
              handle: characteristic.valueHandle,
              properties,
            },
            `  characteristic ${named(characteristic.uuid)} (0x${hex(characteristic.valueHandle)}): ${properties.join(', ')}`,
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
              `    descriptor ${named(descriptor.uuid)} (0x${hex(descriptor.handle)})`,
            );
          }
        }
      }
      await connection.disconnect();
      return ExitCode.done;
    });
  },
};

function nameField(uuid: string): { name?: string } {
  const name = uuidName(uuid);
  return name ? { name } : {};
}

/** `2a00 Device Name`, or the bare UUID when it has no name here. */
function named(uuid: string): string {
  const name = uuidName(uuid);
  return name ? `${uuid} ${name}` : uuid;
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}
