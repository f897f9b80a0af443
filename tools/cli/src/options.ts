import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { HciError, parseBdAddr } from '@tsble/hci-transport';
import { type Logger, pino } from 'pino';
import { type LogFormat, prettyDestination } from './log-format.js';

/** Exit statuses, a contract (ARCHITECTURE.md, "The tsble command"). */
export const ExitCode = {
  done: 0,
  failed: 1,
  usage: 2,
  transport: 3,
} as const;

/** A mistake in how tsble was called: exit 2 with the message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Options every command takes. */
export const globalOptions = {
  transport: { type: 'string' },
  json: { type: 'boolean' },
  btsnoop: { type: 'string' },
  'log-level': { type: 'string' },
  'bond-store': { type: 'string' },
  address: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const globalHelp = `Global options:
  --transport SPEC    controller: serial:PATH[?baud=N&rtscts=true|false], usb[:VID:PID|:INDEX],
                      tcp:HOST:PORT, unix:PATH or sim (default: $TSBLE_TRANSPORT, else sim)
  --json              one JSON object per line on stdout, each with an "event" field
  --btsnoop FILE      capture every HCI packet (opens in Wireshark and btmon)
  --log-level LEVEL   trace|debug|info|warn|error|silent (logs go to stderr; default warn). Logs are
                      readable lines, except JSON lines (pino's) with --json, or when stderr is not a
                      terminal and --log-level is given (collecting logs from a pipe or file)
  --bond-store FILE   bond store (default ./ble_secrets.json)
  --address ADDR      own static random address, XX:XX:XX:XX:XX:XX
  --timeout S         scan: how long (default 10); pair, read, gatt: the limit on the whole
                      operation, connecting included (default 30)
  -h, --help          this help

Exit status: 0 done, 1 the operation failed (pairing, read, no answer), 2 usage, 3 transport or
controller failure. With --json a failure is an "error" (or "pairing-failed") event with a "code".`;

export interface GlobalOptions {
  transport: string;
  json: boolean;
  btsnoop: string | undefined;
  logLevel: string;
  bondStore: string;
  /** Own static random address, HCI order. */
  address: Uint8Array | undefined;
  timeoutSeconds: number | undefined;
}

const levels = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/**
 * `--btsnoop FILE` must be creatable: checked before any controller is opened, so a typo in the path is a
 * usage error (exit 2) that names the option, not an ENOENT after the radio work has started.
 */
export function checkWritableFile(option: string, file: string): void {
  const directory = dirname(resolve(file));
  try {
    accessSync(directory, constants.W_OK);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable';
    throw new UsageError(`${option} ${file}: the directory ${directory} ${why}`);
  }
}

/** Validates the global option values parseArgs produced. */
export function resolveGlobalOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const logLevel = (values['log-level'] as string | undefined) ?? 'warn';
  if (!levels.has(logLevel)) throw new UsageError(`--log-level must be one of ${[...levels].join(', ')}`);
  const addressText = values.address as string | undefined;
  const address = addressText === undefined ? undefined : parseBdAddr(addressText);
  if (addressText !== undefined && (address === undefined || ((address[5] ?? 0) & 0xc0) !== 0xc0)) {
    throw new UsageError(
      `--address must be a static random address XX:XX:XX:XX:XX:XX with the top two bits set (C0-FF first), not "${addressText}"`,
    );
  }
  const btsnoop = values.btsnoop as string | undefined;
  if (btsnoop !== undefined) checkWritableFile('--btsnoop', btsnoop);
  const timeoutText = values.timeout as string | undefined;
  const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0))
    throw new UsageError(`--timeout must be a positive number of seconds`);
  return {
    transport: (values.transport as string | undefined) ?? (env.TSBLE_TRANSPORT || 'sim'),
    json: (values.json as boolean | undefined) ?? false,
    btsnoop,
    logLevel,
    bondStore: (values['bond-store'] as string | undefined) ?? './ble_secrets.json',
    address,
    timeoutSeconds,
  };
}

/** Human text or JSON lines on stdout; errors to stderr (human) or as an `error` event (JSON). */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: (text: string) => void = (t) => process.stdout.write(t),
    private readonly stderr: (text: string) => void = (t) => process.stderr.write(t),
  ) {}

  /** Emits an event: a JSON line with `event`, or the human text. */
  event(event: string, fields: Record<string, unknown>, human: string): void {
    if (this.json) this.stdout(`${JSON.stringify({ event, ...fields }, jsonReplacer)}\n`);
    else this.stdout(`${human}\n`);
  }

  /** An event that ends the command in failure (`pairing-failed`): the JSON line, or the text on stderr. */
  failure(event: string, fields: Record<string, unknown>, human: string): void {
    if (this.json) this.stdout(`${JSON.stringify({ event, ...fields }, jsonReplacer)}\n`);
    else this.stderr(`${human}\n`);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    if (this.json) this.stdout(`${JSON.stringify({ event: 'error', message, ...fields }, jsonReplacer)}\n`);
    else this.stderr(`tsble: ${message}\n`);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}

/**
 * The pino logger of the CLI: to stderr, at the chosen level, as JSON lines or readable ones
 * (chooseLogFormat). `beforeWrite` runs before each readable line (the spinner clears its line).
 */
export function makeLogger(level: string, format: LogFormat, beforeWrite?: () => void): Logger {
  if (format === 'json') return pino({ level, base: undefined }, pino.destination(2));
  const destination = prettyDestination((text) => process.stderr.write(text), beforeWrite);
  return pino({ level, base: undefined }, destination);
}

/** The exit status for an error that escaped a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return ExitCode.usage;
  if (error instanceof HciError)
    return error.code === 'bad-transport-spec' ? ExitCode.usage : ExitCode.transport;
  return ExitCode.failed;
}
