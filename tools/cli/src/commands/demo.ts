/**
 * `tsble demo` (`npm start`): the main job on the embedded virtual controller. Two hosts, a sensor with a
 * display and a phone with a keyboard, pair with LE Secure Connections Passkey Entry (MITM-protected: each
 * side's view is shown, the phone's typing done by the demo), bond, disconnect, reconnect encrypted from the
 * bond with no new pairing, and read the authenticated value, telling the story as they go. The bond files
 * stay behind for inspection.
 */

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBondStore, formatAddress, Host } from '@tsble/host';
import { timingFromEnvironment, VirtualAir } from '@tsble/virtual-controller';
import { ExitCode } from '../options.js';
import type { CliCommand, CommandContext } from './command.js';
import { DEMO_UUIDS, demoService } from './demo-service.js';
import { failure, reportConnection, reportPaired } from './host-session.js';

const NAME = 'tsble-sensor';
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export const demo: CliCommand = {
  async run(context) {
    const directory = await mkdtemp(join(tmpdir(), 'tsble-demo-'));
    // Links run on 30 ms connection events, as with a dongle, unless TSBLE_SIM_INTERVAL_MS says otherwise.
    const timing =
      process.env.TSBLE_SIM_INTERVAL_MS !== undefined
        ? timingFromEnvironment(process.env)
        : { intervalMs: 30 };
    const air = new VirtualAir(timing ? { timing } : {});
    const pace = timing
      ? timing.intervalMs
        ? `links run on ${timing.intervalMs} ms connection events, as with a dongle`
        : "links run on each link's negotiated connection interval"
      : 'links deliver at once (instant mode, faster than any radio)';
    const hosts: Host[] = [];
    try {
      return await story(context, air, directory, hosts, pace);
    } catch (error) {
      return failure(error, context);
    } finally {
      for (const host of hosts) await host.close().catch(() => undefined);
      air.close();
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
  pace: string,
): Promise<number> {
  const { out, logger } = context;
  const files = { sensor: join(directory, 'sensor.json'), phone: join(directory, 'phone.json') };
  const sensorStore = await FileBondStore.open(files.sensor);
  const phoneStore = await FileBondStore.open(files.phone);
  // What the sensor's display shows reaches the phone's "user" through this promise: the demo types it.
  let shown: (passkey: string) => void = () => undefined;
  const displayed = new Promise<string>((resolve) => {
    shown = resolve;
  });
  const sensor = await Host.open(air.createController(), {
    bondStore: sensorStore,
    logger,
    gatt: { deviceName: NAME, services: [demoService()] },
    pairing: { io: 'display', mitm: true },
    delegate: {
      displayPasskey: (passkey, c) => {
        out.event(
          'passkey-display',
          { peer: c.peer, passkey },
          `   sensor's display: "Passkey ${passkey}" (for ${c.peer})`,
        );
        shown(passkey);
      },
    },
  });
  hosts.push(sensor);
  const phone = await Host.open(air.createController(), {
    bondStore: phoneStore,
    logger,
    delegate: {
      requestPasskey: async (c) => {
        out.event(
          'passkey-request',
          { peer: c.peer },
          `   phone asks its user: "Type the passkey shown on ${c.peer}"`,
        );
        const passkey = await displayed;
        say(
          context,
          `   phone: ${passkey} typed (by the demo, as a user reading the sensor's display would)`,
        );
        return passkey;
      },
    },
  });
  hosts.push(phone);
  out.event(
    'ready',
    {
      sensor: formatAddress(sensor.identityAddress),
      phone: formatAddress(phone.identityAddress),
      bondStores: files,
      pace,
    },
    `tsble demo: two LE devices on the embedded virtual controller (${pace})
  sensor ${formatAddress(sensor.identityAddress)} has a display and serves the demo service
  phone  ${formatAddress(phone.identityAddress)} has a keyboard and wants the sensor's authenticated value
  bond files: ${files.phone} and ${files.sensor}`,
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

  say(
    context,
    '\n2. The phone connects and reads the open value; the authenticated one needs a MITM-protected link.',
  );
  const sensorSide = sensor.accept();
  const first = await phone.connect(found, { signal: context.signal });
  reportConnection(first, context);
  (await sensorSide).on('paired', (result) =>
    say(context, `   sensor: paired too (${result.method}), keys saved in ${files.sensor}`),
  );
  first.on('paired', (result) => reportPaired(result, first, context, false));
  // The phone has a keyboard: with the sensor's display that makes Passkey Entry (Core Vol 3 Part H 2.3.5.1).
  first.gatt.autoSecurity = { pairOptions: { io: 'keyboard', mitm: true } };
  const open = await first.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.open);
  out.event(
    'read',
    { uuid: DEMO_UUIDS.open, value: open, text: text(open) },
    `   open value: "${text(open)}" (no security needed)`,
  );
  say(
    context,
    '   reading the authenticated value: the sensor answers Insufficient Authentication, so the phone pairs\n' +
      '   with LE Secure Connections Passkey Entry:',
  );
  const secret = await first.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.authenticated);
  out.event(
    'read',
    { uuid: DEMO_UUIDS.authenticated, value: secret, text: text(secret) },
    `   authenticated value: "${text(secret)}"`,
  );
  const encrypted = await first.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.encrypted);
  out.event(
    'read',
    { uuid: DEMO_UUIDS.encrypted, value: encrypted, text: text(encrypted) },
    `   encrypted value: "${text(encrypted)}"`,
  );
  if (!first.bonded || !first.sc || !first.authenticated)
    throw new Error('the first connection did not end up bonded, authenticated, with LE Secure Connections');

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

  say(
    context,
    '\n4. The phone reconnects and encrypts from the stored key: no pairing, no passkey this time.',
  );
  let pairedAgain = false;
  const sensorAgain = sensor.accept();
  const second = await phone.connect(found, { signal: context.signal });
  reportConnection(second, context);
  second.on('paired', () => {
    pairedAgain = true;
  });
  await sensorAgain;
  await second.encrypt();
  const again = await second.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.authenticated);
  out.event(
    'read',
    { uuid: DEMO_UUIDS.authenticated, value: again, text: text(again) },
    `   authenticated value over the re-encrypted link: "${text(again)}"`,
  );
  const encryptedAgain = await second.gatt.read(DEMO_UUIDS.service, DEMO_UUIDS.encrypted);
  out.event(
    'read',
    { uuid: DEMO_UUIDS.encrypted, value: encryptedAgain, text: text(encryptedAgain) },
    `   encrypted value: "${text(encryptedAgain)}"`,
  );
  if (pairedAgain || !second.authenticated || text(again) !== 'authenticated')
    throw new Error('the bonded reconnection paired again, is not authenticated, or read the wrong value');
  await second.disconnect();
  say(
    context,
    `\nDone: paired with LE Secure Connections Passkey Entry (authenticated), bonded, reconnected encrypted from
the bond, read the authenticated value. The bond files are kept for inspection (mode 0600):
  ${files.phone}
  ${files.sensor}
  (tsble bonds --bond-store ${files.phone} lists the phone's; delete the directory when done)`,
  );
  return ExitCode.done;
}
