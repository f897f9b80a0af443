/** `tsble pair ADDRESS`: connect, pair, report, disconnect. */
import { formatAddress } from '@tsble/host';
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { reportPaired } from './host-session.js';
import { steps } from './operation-deadline.js';
import { parsePairingOptions, withOob } from './pairing-options.js';
import { withPeer } from './peer-session.js';

export const pair: CliCommand = {
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
