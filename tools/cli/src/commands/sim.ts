import { serveVirtualController, VirtualAir } from '@tsble/virtual-controller';
import { ExitCode, UsageError } from '../options.js';
import type { CliCommand } from './command.js';

/** `tsble sim --listen unix:PATH|tcp:PORT`: serve the virtual controller to other processes. */
export const sim: CliCommand = {
  summary: 'serve the virtual controller to other processes (until SIGINT/SIGTERM)',
  help: `Usage: tsble sim --listen unix:PATH|tcp:PORT|tcp:HOST:PORT [--zephyr] [--strict]

Every client that connects gets its own virtual LE controller, speaking H4; all share one simulated air, so
they can advertise, scan, connect, exchange data and encrypt. Prints a "ready" event once listening.
Each client gets the next public address (00:54:53:42:4C:01, :02, …), so a tsble process that connects again
is a new device to its peers: give it --address (a static random address) to keep bonds across runs.
  --listen ADDR   where to listen (required)
  --zephyr        controllers behave like Zephyr's (all-zero public address, manufacturer 0x05F1, vendor commands)
  --strict        one command credit and three 27-octet ACL buffers; host overruns are logged as errors`,
  options: {
    listen: { type: 'string' },
    zephyr: { type: 'boolean' },
    strict: { type: 'boolean' },
  },
  async run({ values, out, logger, signal }) {
    const listen = values.listen;
    if (typeof listen !== 'string') throw new UsageError('sim needs --listen unix:PATH or --listen tcp:PORT');
    const air = new VirtualAir();
    const server = await serveVirtualController(air, listen, {
      zephyr: values.zephyr === true,
      strict: values.strict === true,
      onViolation: (message) => logger.error({ violation: message }, 'host violated flow control'),
    });
    out.event(
      'ready',
      { listen: server.spec },
      `virtual controller listening on ${server.spec} (Ctrl-C to stop)`,
    );
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    air.close();
    return ExitCode.done;
  },
};
