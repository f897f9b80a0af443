/**
 * `tsble demo` (`npm start`): the main job on the embedded virtual controller. Two hosts, a sensor and a
 * phone, pair with LE Secure Connections, bond, disconnect, reconnect encrypted from the bond with no new
 * pairing, and read the protected value, telling the story as they go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_UUIDS, demoService, FileBondStore, formatAddress, Host } from '@tsble/host';
import { VirtualAir } from '@tsble/virtual-controller';
import { ExitCode } from '../options.js';
import type { CliCommand, CommandContext } from './command.js';
import { failure, reportConnection, reportPaired } from './host-session.js';

const NAME = 'tsble-sensor';
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export const demo: CliCommand = {
  summary:
    'two devices on the embedded virtual controller pair, bond, reconnect encrypted and read a protected value',
  help: `Usage: tsble demo [--json]

Runs entirely in this process on the embedded virtual controller (no hardware, no --transport): a "sensor"
serves the demo service, a "phone" finds it, pairs with LE Secure Connections, bonds, disconnects,
reconnects encrypted from the bond without pairing again, and reads the protected value. Bonds are kept in a
temporary directory that is removed at the end. Exit 0 when every step worked.`,
  async run(context) {
    const directory = await mkdtemp(join(tmpdir(), 'tsble-demo-'));
    const air = new VirtualAir();
    const hosts: Host[] = [];
    try {
      return await story(context, air, directory, hosts);
    } catch (error) {
      return failure(error, context);
    } finally {
      for (const host of hosts) await host.close().catch(() => undefined);
      air.close();
      await rm(directory, { recursive: true, force: true });
    }
  },
};

function say(context: CommandContext, line: string): void {
  if (!context.out.json) process.stdout.write(`${line}\n`);
}

async function story(
  context: CommandContext,
  air: VirtualAir,
  directory: string,
  hosts: Host[],
): Promise<number> {
  const { out, logger } = context;
  const sensorStore = await FileBondStore.open(join(directory, 'sensor-bonds.json'));
  const phoneStore = await FileBondStore.open(join(directory, 'phone-bonds.json'));
  const sensor = await Host.open(air.createController(), {
    bondStore: sensorStore,
    logger,
    gatt: { deviceName: NAME, services: [demoService()] },
  });
  hosts.push(sensor);
  const phone = await Host.open(air.createController(), { bondStore: phoneStore, logger });
  hosts.push(phone);
  out.event(
    'ready',
    { sensor: formatAddress(sensor.identityAddress), phone: formatAddress(phone.identityAddress) },
    `tsble demo: two LE devices on the embedded virtual controller
  sensor ${formatAddress(sensor.identityAddress)} serves the demo service
  phone  ${formatAddress(phone.identityAddress)} wants its protected value`,
  );

  say(context, '\n1. The sensor advertises; the phone scans.');
  await sensor.advertise({ name: NAME, serviceUuids: [DEMO_UUIDS.service] });
  out.event(
    'advertising',
    { address: formatAddress(sensor.identityAddress), name: NAME },
    `   sensor advertising as "${NAME}"`,
  );
  let found: Awaited<ReturnType<Host['connect']>>['peerAddress'] | undefined;
  for await (const advertisement of phone.scan({ durationMs: 5000, signal: context.signal })) {
    if (advertisement.name !== NAME) continue;
    out.event(
      'adv',
      {
        address: advertisement.addressText,
        name: advertisement.name,
        serviceUuids: advertisement.serviceUuids,
      },
      `   phone sees "${advertisement.name}" at ${advertisement.addressText}, offering ${advertisement.serviceUuids.join(', ')}`,
    );
    found = advertisement.address;
    break;
  }
  if (!found) throw new Error('the phone did not see the sensor advertising');

  say(context, '\n2. The phone connects and reads the open value; the protected one needs encryption.');
  const sensorSide = sensor.accept();
  const first = await phone.connect(found, { signal: context.signal });
  reportConnection(first, context);
  (await sensorSide).on('paired', (result) =>
    say(context, `   sensor: paired too (${result.method}), keys saved in its bond store`),
  );
  first.on('paired', (result) => reportPaired(result, first, context, false));
  const open = await first.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.open);
  out.event(
    'read',
    { uuid: DEMO_UUIDS.open, value: open, text: text(open) },
    `   open value: "${text(open)}" (no security needed)`,
  );
  say(
    context,
    '   reading the encrypted value: the sensor answers Insufficient Encryption, so the phone pairs',
  );
  const secret = await first.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.encrypted);
  out.event(
    'read',
    { uuid: DEMO_UUIDS.encrypted, value: secret, text: text(secret) },
    `   protected value: "${text(secret)}"`,
  );
  if (!first.bonded || !first.sc)
    throw new Error('the first connection did not end up bonded with LE Secure Connections');

  say(context, '\n3. The phone disconnects. Both sides keep the bond (written atomically, mode 0600).');
  await first.disconnect();
  await phoneStore.load();
  await sensorStore.load();
  say(
    context,
    `   phone's bond store: ${phoneStore
      .list()
      .map((b) => b.address)
      .join(', ')}; sensor's: ${sensorStore
      .list()
      .map((b) => b.address)
      .join(', ')}`,
  );

  say(context, '\n4. The phone reconnects and encrypts from the stored key: no pairing this time.');
  let pairedAgain = false;
  const sensorAgain = sensor.accept();
  const second = await phone.connect(found, { signal: context.signal });
  reportConnection(second, context);
  second.on('paired', () => {
    pairedAgain = true;
  });
  await sensorAgain;
  await second.encrypt();
  const again = await second.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.encrypted);
  out.event(
    'read',
    { uuid: DEMO_UUIDS.encrypted, value: again, text: text(again) },
    `   protected value over the re-encrypted link: "${text(again)}"`,
  );
  if (pairedAgain || text(again) !== 'encrypted')
    throw new Error('the bonded reconnection paired again or read the wrong value');
  await second.disconnect();
  say(
    context,
    '\nDone: paired with LE Secure Connections, bonded, reconnected encrypted from the bond, read the protected value.',
  );
  return ExitCode.done;
}
