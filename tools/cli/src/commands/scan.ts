/** `tsble scan`: advertising reports, names decoded, bonded peers' RPAs resolved to their identity. */
import { ExitCode } from '../options.js';
import type { CliCommand } from './command.js';
import { failure, openHost } from './host-session.js';
import { TransportWatch } from './transport-watch.js';

export const scan: CliCommand = {
  async run(context) {
    const { progress } = context;
    const { out } = context;
    const host = await openHost(context);
    const watch = new TransportWatch(host);
    // The scan runs until its time is up: Ctrl-C or the controller going away end it sooner.
    const stop = new AbortController();
    context.signal.addEventListener('abort', () => stop.abort(), { once: true });
    watch.lost.catch(() => stop.abort());
    try {
      const durationMs = (context.options.timeoutSeconds ?? 10) * 1000;
      progress.show('scanning');
      let seen = 0;
      for await (const a of host.scan({
        durationMs,
        signal: stop.signal,
        duplicates: context.values.duplicates === true,
        active: context.values.passive !== true,
      })) {
        seen += 1;
        progress.done();
        out.event(
          'adv',
          {
            address: a.addressText,
            ...(a.identity ? { identity: a.identity } : {}),
            ...(a.name !== undefined ? { name: a.name } : {}),
            ...(a.rssi !== 127 ? { rssi: a.rssi } : {}),
            connectable: a.connectable,
            serviceUuids: a.serviceUuids,
            ...(a.data.manufacturerData
              ? {
                  manufacturerData: a.data.manufacturerData.map((m) => ({
                    companyId: m.companyId,
                    data: m.data,
                  })),
                }
              : {}),
          },
          `${a.addressText.padEnd(26)} ${a.rssi === 127 ? '   n/a   ' : `${String(a.rssi).padStart(4)} dBm`}  ${a.name ?? '(no name)'}${a.identity ? `  = bonded ${a.identity}` : ''}${a.serviceUuids.length ? `  [${a.serviceUuids.join(', ')}]` : ''}${a.connectable ? '' : '  (not connectable)'}`,
        );
        progress.show('scanning');
      }
      progress.done();
      watch.check(); // a scan ends quietly when the controller goes away
      if (!out.json) process.stdout.write(`${seen} report${seen === 1 ? '' : 's'}\n`);
      return ExitCode.done;
    } catch (error) {
      progress.done();
      return failure(error, context);
    } finally {
      watch.closingOnPurpose();
      await host.close();
    }
  },
};
