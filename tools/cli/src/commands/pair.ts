/** `tsble pair ADDRESS`: connect, pair, report, disconnect. */
import { formatAddress } from '@tsble/host';
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { reportPaired } from './host-session.js';
import { steps } from './operation-deadline.js';
import { pairingHelp, pairingOptions, parsePairingOptions, withOob } from './pairing-options.js';
import { withPeer } from './peer-session.js';

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
    return withPeer(context, pairing, async ({ target, connection, deadline }) => {
      progress.show('pairing');
      const result = await deadline.run(steps.pairing(formatAddress(target)), () =>
        connection.pair(pairing.options),
      );
      progress.done();
      reportPaired(result, connection, context, pairing.showKeys);
      await connection.disconnect();
      return ExitCode.done;
    });
  },
};
