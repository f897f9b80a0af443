/** `tsble gatt ADDRESS`: dump services, characteristics and descriptors. */
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { connectTo, deadline, failure, openHost, resolveTarget, timeoutMs } from './host-session.js';
import { Progress } from './progress.js';

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
  summary: 'connect to ADDRESS and dump its services, characteristics and descriptors',
  help: `Usage: tsble gatt ADDRESS

Discovers every service, characteristic and descriptor. With --json, one "service", "characteristic" or
"descriptor" event per attribute, then "disconnected".`,
  async run(invocation) {
    const progress = new Progress(invocation.out.json);
    const context = { ...invocation, out: progress.output() };
    const limit = timeoutMs(context, 30);
    const host = await openHost(context);
    const whole = deadline(limit, context.signal);
    try {
      const target = await Promise.race([
        resolveTarget(host, context.positionals[0], context, progress, limit),
        whole.promise,
      ]);
      const connection = await Promise.race([
        connectTo(host, target, context, progress, limit),
        whole.promise,
      ]);
      if (connection.bonded && connection.role === 'central')
        await Promise.race([connection.encrypt(), whole.promise]);
      progress.show('discovering');
      const client = connection.gatt.client;
      const out = context.out;
      const services = await Promise.race([client.discoverServices(), whole.promise]);
      progress.done();
      for (const service of services) {
        out.event(
          'service',
          {
            uuid: service.uuid,
            startHandle: service.startHandle,
            endHandle: service.endHandle,
            primary: service.primary,
          },
          `service ${service.uuid} (handles 0x${hex(service.startHandle)}-0x${hex(service.endHandle)})`,
        );
        const characteristics = await Promise.race([client.discoverCharacteristics(service), whole.promise]);
        for (const characteristic of characteristics) {
          const properties = propertyNames(characteristic.properties);
          out.event(
            'characteristic',
            {
              service: service.uuid,
              uuid: characteristic.uuid,
              handle: characteristic.valueHandle,
              properties,
            },
            `  characteristic ${characteristic.uuid} (0x${hex(characteristic.valueHandle)}) ${properties.join(', ')}`,
          );
          const descriptors = await Promise.race([client.discoverDescriptors(characteristic), whole.promise]);
          for (const descriptor of descriptors) {
            out.event(
              'descriptor',
              { characteristic: characteristic.uuid, uuid: descriptor.uuid, handle: descriptor.handle },
              `    descriptor ${descriptor.uuid} (0x${hex(descriptor.handle)})`,
            );
          }
        }
      }
      await connection.disconnect();
      return ExitCode.done;
    } catch (error) {
      progress.done();
      return failure(error, context);
    } finally {
      whole.clear();
      await host.close();
    }
  },
};

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}
