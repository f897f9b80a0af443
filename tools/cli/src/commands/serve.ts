/** `tsble serve`: a connectable peripheral with the demo GATT service, answering whatever pairing a central starts. */

import { type Connection, DEMO_UUIDS, formatAddress } from '@tsble/host';
import { ExitCode } from '../options.js';
import type { CliCommand, CommandContext } from './command.js';
import { failure, openHost, reportConnection, reportPaired, reportPairingFailed } from './host-session.js';
import { type CliPairing, cliDelegate, parsePairingOptions, withOob } from './pairing-options.js';
import { LineQuestions } from './prompts.js';
import { TransportWatch } from './transport-watch.js';

export const serve: CliCommand = {
  async run(context) {
    const pairing = await withOob(parsePairingOptions(context.values));
    const questions = new LineQuestions();
    const name = (context.values.name as string | undefined) ?? 'tsble';
    const host = await openHost(context, {
      pairing,
      delegate: cliDelegate(context, pairing, questions),
      demo: true,
      name,
    });
    const watch = new TransportWatch(host);
    try {
      host.on('connection', (connection) => onConnection(connection, context, pairing));
      await host.advertise({ name, serviceUuids: [DEMO_UUIDS.service] });
      const address = formatAddress(host.identityAddress);
      context.out.event(
        'ready',
        { address, name, transport: context.options.transport },
        `tsble serve: ${name} at ${address}`,
      );
      context.out.event('advertising', { address, name }, `advertising the demo service (Ctrl-C to stop)`);
      const counter = startCounter(host);
      const stopped = new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      try {
        await Promise.race([stopped, watch.lost]);
      } finally {
        clearInterval(counter);
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
