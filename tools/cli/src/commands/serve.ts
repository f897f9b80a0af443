/** `tsble serve`: a connectable peripheral with the demo GATT service, answering whatever pairing a central starts. */

import { type AdvertiseOptions, buildAdvertisingPayloads, type Connection, formatAddress } from '@tsble/host';
import { ExitCode, isPrivateSim, SHARED_SIM_HINT } from '../options.js';
import type { CliCommand, CommandContext } from './command.js';
import { DEMO_UUIDS } from './demo-service.js';
import { failure, openHost, reportConnection, reportPaired, reportPairingFailed } from './host-session.js';
import { type CliPairing, cliDelegate, parsePairingOptions, withOob } from './pairing-options.js';
import { LineQuestions } from './prompts.js';
import { TransportWatch } from './transport-watch.js';

export const serve: CliCommand = {
  async run(context) {
    const pairing = await withOob(parsePairingOptions(context.values));
    const questions = new LineQuestions();
    const name = (context.values.name as string | undefined) ?? 'tsble';
    const privacy = context.values.privacy === true;
    const seconds = context.options.timeoutSeconds;
    const host = await openHost(context, {
      privacy,
      pairing,
      delegate: cliDelegate(context, pairing, questions),
      demo: true,
      name,
    });
    const watch = new TransportWatch(host);
    try {
      host.on('connection', (connection) => onConnection(connection, context, pairing));
      // A Hardware Error the host recovered from: the controller was reset and what serve had set up restored.
      host.on('controllerReset', (restored) =>
        context.out.event(
          'controller-reset',
          { restored },
          `the controller reported a hardware error and was reset; restored: ${restored.join(', ') || 'nothing'}`,
        ),
      );
      await host.advertise(advertising(name));
      const address = formatAddress(host.identityAddress);
      context.out.event(
        'ready',
        { address, name, transport: context.options.transport },
        `tsble serve: ${name} at ${address}`,
      );
      context.out.event(
        'advertising',
        { address: formatAddress(host.currentAddress), name, privacy },
        `advertising the demo service${privacy ? ` from the resolvable private address ${formatAddress(host.currentAddress)}` : ''} (${seconds ? `for ${seconds} s, ` : ''}Ctrl-C to stop)`,
      );
      if (isPrivateSim(context.options.transport)) context.out.note(`note: ${SHARED_SIM_HINT}`);
      const counter = startCounter(host);
      // The embedded controller holds nothing open in the event loop: this timer keeps serve alive until it stops.
      const alive = setInterval(() => undefined, 1 << 30);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stopped = new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
        if (seconds) timer = setTimeout(resolve, seconds * 1000);
      });
      try {
        await Promise.race([stopped, watch.lost]);
      } finally {
        clearInterval(counter);
        clearInterval(alive);
        clearTimeout(timer);
      }
      return ExitCode.done;
    } catch (error) {
      return failure(error, context);
    } finally {
      questions.close();
      watch.closingOnPurpose();
      await host.close();
    }
  },
};

/**
 * The demo service in the advertising data; the name, TX power, appearance and a test manufacturer record
 * in the scan response, so that `tsble scan` has every field to show. A long name leaves room for the name only.
 */
function advertising(name: string): AdvertiseOptions {
  const plain = { name, serviceUuids: [DEMO_UUIDS.service] };
  const full: AdvertiseOptions = {
    ...plain,
    scanResponse: {
      name,
      txPowerLevel: 0,
      appearance: GENERIC_SENSOR,
      manufacturerData: [{ companyId: TESTING_COMPANY_ID, data: new TextEncoder().encode('tsble') }],
    },
  };
  try {
    buildAdvertisingPayloads(full);
    return full;
  } catch {
    return plain;
  }
}

// Assigned Numbers 2.6.2: Generic Sensor (category 0x015, subcategory 0).
const GENERIC_SENSOR = 0x0540;
// Assigned Numbers 7: 0xFFFF is reserved for internal use and testing, never a real company.
const TESTING_COMPANY_ID = 0xffff;

function onConnection(connection: Connection, context: CommandContext, pairing: CliPairing): void {
  reportConnection(connection, context);
  connection.on('paired', (result) => reportPaired(result, connection, context, pairing.showKeys));
  connection.on('pairingFailed', (error) => reportPairingFailed(error, context, connection.identity, false));
  if (context.values['security-request'] === true) {
    connection.pair(pairing.options).catch(() => undefined); // reported through the events above
  }
}

/** The encrypted-notify characteristic: a 32-bit little-endian counter, once a second. */
function startCounter(host: Awaited<ReturnType<typeof openHost>>): ReturnType<typeof setInterval> {
  const characteristic = host.gattServer.characteristic(DEMO_UUIDS.encryptedNotify, DEMO_UUIDS.service);
  let count = 0;
  const timer = setInterval(() => {
    if (!characteristic) return;
    count = (count + 1) >>> 0;
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint32(0, count, true);
    host.gattServer.setValue(characteristic, value);
    void host.gattServer.notify(characteristic, value).catch(() => undefined);
  }, 1000);
  timer.unref();
  return timer;
}
