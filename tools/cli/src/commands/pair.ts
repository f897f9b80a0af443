/** `tsble pair ADDRESS`: connect, pair, report, disconnect. */
import { formatAddress } from '@tsble/host';
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { connectTo, failure, openHost, reportPaired, resolveTarget, timeoutMs } from './host-session.js';
import { OperationDeadline, steps } from './operation-deadline.js';
import { cliDelegate, pairingHelp, pairingOptions, parsePairingOptions, withOob } from './pairing-options.js';
import { LineQuestions } from './prompts.js';
import { TransportWatch } from './transport-watch.js';

export const pair: CliCommand = {
  summary: 'connect to ADDRESS, pair (and bond), report, disconnect',
  help: `Usage: tsble pair ADDRESS [pairing options]

ADDRESS is XX:XX:XX:XX:XX:XX, optionally with /public or /random (without it, tsble scans to learn it).
--timeout S limits the whole operation (default 30). Events: connected, pairing-request, passkey-display,
passkey-request, numeric-comparison, paired or pairing-failed, disconnected. Exit 0 when paired, 1 when
pairing failed or the device did not answer.

${pairingHelp}`,
  options: pairingOptions,
  maxArguments: 1,
  async run(context) {
    const { progress } = context;
    const pairing = await withOob(parsePairingOptions(context.values));
    const questions = new LineQuestions(process.stdin, process.stderr, {
      asking: () => progress.pause(),
      answered: () => progress.resume(),
    });
    const limit = timeoutMs(context, 30);
    const host = await openHost(context, { pairing, delegate: cliDelegate(context, pairing, questions) });
    const watch = new TransportWatch(host);
    let peer: string | undefined;
    const deadline = new OperationDeadline(limit, context.signal, watch.lost);
    try {
      const target = await resolveTarget(host, context.positionals[0], context, deadline, limit);
      const connection = await connectTo(host, target, context, deadline, limit);
      peer = connection.identity;
      progress.show('pairing');
      const result = await deadline.run(steps.pairing(formatAddress(target)), () =>
        connection.pair(pairing.options),
      );
      progress.done();
      reportPaired(result, connection, context, pairing.showKeys);
      await connection.disconnect();
      return ExitCode.done;
    } catch (error) {
      progress.done();
      return failure(error, context, peer);
    } finally {
      deadline.clear();
      questions.close();
      watch.closingOnPurpose();
      await host.close();
    }
  },
};
