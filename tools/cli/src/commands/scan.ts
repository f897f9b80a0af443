/** `tsble scan`: advertising reports, names decoded, bonded peers' RPAs resolved to their identity. */
import { hexNumber, toHex } from '@tsble/base';
import { type Advertisement, formatAddressBytes, parseAddressText } from '@tsble/host';
import { ExitCode, isPrivateSim, SHARED_SIM_HINT, UsageError } from '../options.js';
import type { CliCommand, CommandContext } from './command.js';
import { failure, openHost } from './host-session.js';
import { TransportWatch } from './transport-watch.js';
import { normalUuid } from './uuid-text.js';

export const scan: CliCommand = {
  async run(context) {
    const { progress, out } = context;
    const wanted = parseFilters(context.values);
    // Scanning needs bonds only to recognise bonded peers: no bond store file is created for it.
    const host = await openHost(context, { bondStoreIfExists: true });
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
        if (!wanted(a)) continue;
        seen += 1;
        progress.done();
        report(a, context);
        progress.show('scanning');
      }
      progress.done();
      watch.check(); // a scan ends quietly when the controller goes away
      out.line(`${seen} report${seen === 1 ? '' : 's'}`);
      if (seen === 0 && isPrivateSim(context.options.transport)) out.note(`nobody seen: ${SHARED_SIM_HINT}`);
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

const hex4 = (n: number) => `${hexNumber(n, 4)}`;

function report(a: Advertisement, context: CommandContext): void {
  const { manufacturerData, txPowerLevel, appearance } = a.data;
  const extras = [
    ...(manufacturerData ?? []).map((m) => `mfr ${hex4(m.companyId)}:${toHex(m.data)}`),
    ...(txPowerLevel !== undefined ? [`tx ${txPowerLevel} dBm`] : []),
    ...(appearance !== undefined ? [`appearance ${hex4(appearance)}`] : []),
  ];
  context.out.event(
    'adv',
    {
      address: a.addressText,
      ...(a.identity ? { identity: a.identity } : {}),
      ...(a.name !== undefined ? { name: a.name } : {}),
      ...(a.rssi !== 127 ? { rssi: a.rssi } : {}),
      connectable: a.connectable,
      serviceUuids: a.serviceUuids,
      ...(manufacturerData
        ? { manufacturerData: manufacturerData.map((m) => ({ companyId: m.companyId, data: m.data })) }
        : {}),
      ...(txPowerLevel !== undefined ? { txPower: txPowerLevel } : {}),
      ...(appearance !== undefined ? { appearance } : {}),
    },
    `${a.addressText.padEnd(26)} ${a.rssi === 127 ? '   n/a   ' : `${String(a.rssi).padStart(4)} dBm`}  ${a.name ?? '(no name)'}${a.identity ? `  = bonded ${a.identity}` : ''}${a.serviceUuids.length ? `  [${a.serviceUuids.join(', ')}]` : ''}${extras.length ? `  ${extras.join('  ')}` : ''}${a.connectable ? '' : '  (not connectable)'}`,
  );
}

/** --name, --service, --peer, --min-rssi: a report is shown only when it passes every filter given. */
function parseFilters(values: CommandContext['values']): (a: Advertisement) => boolean {
  const tests: ((a: Advertisement) => boolean)[] = [];
  const name = values.name as string | undefined;
  if (name !== undefined) {
    const lower = name.toLowerCase();
    tests.push((a) => a.name?.toLowerCase().includes(lower) === true);
  }
  const service = values.service as string | undefined;
  if (service !== undefined) {
    const uuid = normalUuid(service);
    if (!uuid)
      throw new UsageError(`--service ${service} is not a UUID: give 4 hex digits (180f) or 128 bits`);
    tests.push((a) => a.serviceUuids.some((u) => normalUuid(u) === uuid));
  }
  const peer = values.peer as string | undefined;
  if (peer !== undefined) {
    const parsed = parseAddressText(peer);
    if (!parsed.ok) throw new UsageError(`--peer ${peer}: ${parsed.error.message}`);
    const bytes = formatAddressBytes(parsed.value.bytes);
    const type = parsed.value.type;
    const matches = (text: string | undefined) => {
      if (text === undefined) return false;
      const [b, t] = text.split('/');
      return b === bytes && (type === undefined || t === type);
    };
    tests.push((a) => matches(a.addressText) || matches(a.identity));
  }
  const rssiText = values['min-rssi'] as string | undefined;
  if (rssiText !== undefined) {
    const min = Number(rssiText);
    if (!(Number.isInteger(min) && min >= -127 && min <= 20))
      throw new UsageError(
        `--min-rssi must be a whole number of dBm, -127..20 (like -70), not "${rssiText}"`,
      );
    tests.push((a) => a.rssi !== 127 && a.rssi >= min);
  }
  return (a) => tests.every((test) => test(a));
}
