/** `tsble read ADDRESS UUID`: connect, encrypt if bonded, read; on Insufficient Encryption/Authentication pair and retry. */
import { ExitCode, UsageError } from '../options.js';
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

export const read: CliCommand = {
  summary:
    'connect to ADDRESS and read characteristic UUID (encrypting from the bond, or pairing, when needed)',
  help: `Usage: tsble read ADDRESS UUID [pairing options]

Connects, encrypts from the bond when there is one, and reads the characteristic UUID (16-bit like 2a00 or
128-bit). When the server answers Insufficient Encryption or Authentication, pairs and retries once. A peer
that lost the bond is reported, never silently re-paired. Events: connected, encrypted, paired, read,
disconnected. Exit 0 when read, 1 on failure.

${pairingHelp}`,
  options: pairingOptions,
  async run(invocation) {
    const progress = new Progress(invocation.out.json);
    const context = { ...invocation, out: progress.output() };
    const pairing = await withOob(parsePairingOptions(context.values));
    const uuid = context.positionals[1];
    if (uuid === undefined)
      throw new UsageError(
        'read needs ADDRESS and UUID, like tsble read F0:F1:F2:F3:F4:F5/random b1e50002-3c9b-4e7a-9f1d-5e2a7c4d8b00',
      );
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
      connection.on('paired', (result) => reportPaired(result, connection, context, pairing.showKeys));
      connection.gatt.autoSecurity = { pair: true, pairOptions: pairing.options };
      if (connection.bonded && connection.role === 'central') {
        progress.show('encrypting from the bond');
        await Promise.race([connection.encrypt(), whole.promise]);
      }
      progress.show(`reading ${uuid}`);
      const client = connection.gatt.client;
      const [entry] = await Promise.race([
        connection.gatt.secured(() => client.readByUuid(uuid)),
        whole.promise,
      ]);
      progress.done();
      if (!entry) throw new Error(`no characteristic ${uuid} on ${connection.identity}`);
      const value = entry.value;
      const text = new TextDecoder('utf-8', { fatal: false }).decode(value);
      const printable = /^[\x20-\x7e]*$/.test(text);
      context.out.event(
        'read',
        { address: connection.identity, uuid, handle: entry.handle, value, ...(printable ? { text } : {}) },
        printable ? text : Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' '),
      );
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
