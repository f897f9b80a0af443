/** `tsble pair ADDRESS`: connect, pair, report, disconnect. */
import { formatAddress } from '@tsble/host';
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { steps } from './operation-deadline.js';
import { parsePairingOptions, withOob } from './pairing-options.js';
import { withPeer } from './peer-session.js';

export const pair: CliCommand = {
  async run(context) {
    const { progress } = context;
    const pairing = await withOob(parsePairingOptions(context.values));
    return withPeer(context, pairing, async ({ target, connection, deadline }) => {
      progress.show('pairing');
      // The result is reported by the connection's 'paired' event (peer-session.ts), like every pairing.
      await deadline.run(steps.pairing(formatAddress(target)), () => connection.pair(pairing.options));
      progress.done();
      await connection.disconnect();
      return ExitCode.done;
    });
  },
};
