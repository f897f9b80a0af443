/**
 * The frame shared by the commands that talk to one peer (`pair`, `read`, `gatt`): open the host (with the
 * terminal pairing delegate when the command may pair), find and connect to ADDRESS within --timeout, run the
 * command's own work, and always close up; a failure is reported once, with its exit status.
 */
import type { Address, Connection, Host } from '@tsble/host';
import type { CommandContext } from './command.js';
import { connectTo, failure, openHost, reportPaired, resolveTarget, timeoutMs } from './host-session.js';
import { OperationDeadline } from './operation-deadline.js';
import { type CliPairing, cliDelegate } from './pairing-options.js';
import { LineQuestions } from './prompts.js';
import { TransportWatch } from './transport-watch.js';

export interface PeerSession {
  host: Host;
  target: Address;
  connection: Connection;
  /** Limits every step to what is left of --timeout (default 30 s), and ends at Ctrl-C or a lost controller. */
  deadline: OperationDeadline;
  watch: TransportWatch;
}

export async function withPeer(
  context: CommandContext,
  pairing: CliPairing | undefined,
  work: (session: PeerSession) => Promise<number>,
): Promise<number> {
  const { progress } = context;
  const questions = pairing
    ? new LineQuestions(process.stdin, process.stderr, {
        asking: () => progress.pause(),
        answered: () => progress.resume(),
      })
    : undefined;
  const limit = timeoutMs(context, 30);
  const host = await openHost(
    context,
    pairing && questions ? { pairing, delegate: cliDelegate(context, pairing, questions) } : {},
  );
  const watch = new TransportWatch(host);
  let peer: string | undefined;
  const deadline = new OperationDeadline(limit, context.signal, watch.lost);
  try {
    const target = await resolveTarget(host, context.positionals[0], context, deadline, limit);
    const connection = await connectTo(host, target, context, deadline, limit);
    peer = connection.identity;
    // Every pairing on the link is reported, the ones the peer started (a Security Request) too.
    connection.on('paired', (result) =>
      reportPaired(result, connection, context, pairing?.showKeys ?? false),
    );
    return await work({ host, target, connection, deadline, watch });
  } catch (error) {
    progress.done();
    return failure(error, context, peer);
  } finally {
    deadline.clear();
    questions?.close();
    watch.closingOnPurpose();
    await host.close();
  }
}
