/** `tsble pair ADDRESS`: connect, pair, report, disconnect. */
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import {
  connectTo,
  deadline,
  failure,
  openHost,
  reportPaired,
  resolveTarget,
  timeoutMs,
} from './host-session.js';
import { cliDelegate, pairingHelp, pairingOptions, parsePairingOptions, withOob } from './pairing-options.js';
import { Progress } from './progress.js';
import { LineQuestions } from './prompts.js';

export const pair: CliCommand = {
  summary: 'connect to ADDRESS, pair (and bond), report, disconnect',
  help: `Usage: tsble pair ADDRESS [pairing options]

ADDRESS is XX:XX:XX:XX:XX:XX, optionally with /public or /random (without it, tsble scans to learn it).
Events: connected, pairing-request, passkey-display, passkey-request, numeric-comparison, paired or
pairing-failed, disconnected. Exit 0 when paired, 1 when pairing failed.

${pairingHelp}`,
  options: pairingOptions,
  async run(invocation) {
    const progress = new Progress(invocation.out.json);
    const context = { ...invocation, out: progress.output() };
    const pairing = await withOob(parsePairingOptions(context.values));
    const questions = new LineQuestions(process.stdin, process.stderr, {
      asking: () => progress.pause(),
      answered: () => progress.resume(),
    });
    const limit = timeoutMs(context, 30);
    const host = await openHost(context, { pairing, delegate: cliDelegate(context, pairing, questions) });
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
      progress.show('pairing');
      const result = await Promise.race([connection.pair(pairing.options), whole.promise]);
      progress.done();
      reportPaired(result, connection, context, pairing.showKeys);
      await connection.disconnect();
      return ExitCode.done;
    } catch (error) {
      progress.done();
      return failure(error, context);
    } finally {
      whole.clear();
      questions.close();
      await host.close();
    }
  },
};
