/**
 * How the CLI's logs look (STYLE.md rule 10: the CLI decides). The libraries log pino JSON; for a person the
 * CLI renders each line as `HH:MM:SS.mmm warn  host  pairing failed  peer=… reason=3`, and keeps pino's JSON
 * lines for machines. No pino transport or extra package: a pino destination is anything with `write(line)`.
 */

export type LogFormat = 'json' | 'pretty';

/**
 * The rule (also in the global help): JSON when `--json` is given, or when stderr is not a terminal and
 * `--log-level` was given explicitly (someone is collecting logs from a pipe or file); readable lines otherwise.
 */
export function chooseLogFormat(o: { json: boolean; stderrIsTty: boolean; levelGiven: boolean }): LogFormat {
  if (o.json) return 'json';
  if (!o.stderrIsTty && o.levelGiven) return 'json';
  return 'pretty';
}

// pino's numeric levels.
const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** pino's own keys, and the ones shown in their own column rather than as key=value. */
const NOT_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'layer', 'v']);

/**
 * One pino JSON line as one readable line. Duplicate keys (a child binding repeated in the call) collapse to
 * one, since JSON.parse keeps the last. A line that is not JSON is passed through unchanged.
 */
export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = LEVEL_NAMES[record.level as number] ?? String(record.level ?? '');
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const layer = typeof record.layer === 'string' ? record.layer : '';
  const fields = Object.entries(record)
    .filter(([key]) => !NOT_FIELDS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const parts = [time, level.padEnd(5), layer, String(record.msg ?? ''), ...fields].filter((p) => p !== '');
  return `${parts.join('  ')}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s="]/.test(value) ? JSON.stringify(value) : value;
  if (isSerializedError(value)) return JSON.stringify(`${value.type ?? 'Error'}: ${value.message}`);
  return JSON.stringify(value) ?? String(value);
}

function isSerializedError(value: unknown): value is { type?: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * A pino destination that writes readable lines. `beforeWrite` lets a spinner clear its line first, so a log
 * line never lands in the middle of it.
 */
export function prettyDestination(
  write: (text: string) => void,
  beforeWrite: () => void = () => undefined,
): { write(line: string): void } {
  return {
    write(chunk: string) {
      beforeWrite();
      for (const line of chunk.split('\n')) if (line.trim() !== '') write(formatLogLine(line));
    },
  };
}
