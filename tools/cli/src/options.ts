/** The common options' values checked, the CLI's logger, and the exit status of an error. */

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAddressText } from '@tsble/base';
import { HciError } from '@tsble/hci-transport';
import { type Logger, pino } from 'pino';
import { LOG_LEVELS } from './cli-spec.js';
import { type LogFormat, prettyDestination } from './log-format.js';
import { ExitCode, UsageError } from './output.js';

export { ExitCode, Output, UsageError } from './output.js';

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

const levels = new Set<string>(LOG_LEVELS);

/**
 * A file option's value must be a file we can create: checked before any controller is opened, so a typo in
 * the path (or a directory given for a file) is a usage error (exit 2) that names the option, not an ENOENT or
 * EISDIR after the radio work has started.
 */
export function checkWritableFile(option: string, file: string): void {
  if (isDirectory(file))
    throw new UsageError(
      `${option} ${file} is a directory; give a file name, like ${join(file, 'capture.btsnoop')}`,
    );
  const directory = dirname(resolve(file));
  try {
    accessSync(directory, constants.W_OK);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable';
    throw new UsageError(`${option} ${file}: the directory ${directory} ${why}`);
  }
}

// What the sim scheme understands (virtual-controller's registerSimTransport); anything else would be ignored.
const SIM_FLAGS = new Set(['zephyr', 'strict']);

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `sim`, `sim:zephyr`, `sim:zephyr,strict`: the embedded controller's flags are checked, not ignored. */
function checkTransport(spec: string, fromEnvironment: boolean): void {
  const [scheme, ...rest] = spec.split(':');
  if (scheme !== 'sim') return; // the other schemes are checked by hci-transport when opened
  const flags = rest
    .join(':')
    .split(',')
    .filter((f) => f !== '');
  const unknown = flags.filter((f) => !SIM_FLAGS.has(f));
  if (unknown.length > 0)
    throw new UsageError(
      `${fromEnvironment ? `TSBLE_TRANSPORT=${spec}` : `--transport ${spec}`}: sim takes only ${[...SIM_FLAGS].join(' and ')} (sim, sim:zephyr, sim:zephyr,strict), not "${unknown.join(',')}"`,
    );
}

/** Our own static random address: `XX:XX:XX:XX:XX:XX`, or with `/random` as tsble prints it. */
function parseOwnAddress(text: string): Uint8Array {
  const [bare = '', type, ...more] = text.split('/');
  const parsed = parseAddressText(bare);
  const address = parsed.ok ? parsed.value.bytes : undefined;
  const problem =
    more.length > 0 || (type !== undefined && type.toLowerCase() !== 'random')
      ? 'our own address is a static random one: XX:XX:XX:XX:XX:XX or XX:XX:XX:XX:XX:XX/random'
      : address === undefined
        ? 'give six octets, XX:XX:XX:XX:XX:XX'
        : ((address[5] ?? 0) & 0xc0) !== 0xc0
          ? 'a static random address has the top two bits set (C0-FF first)'
          : undefined;
  if (problem !== undefined || address === undefined)
    throw new UsageError(`--address ${text}: ${problem ?? 'not an address'}`);
  return address;
}

/** Validates the common option values; environment variables fill in what was not given. */
export function resolveGlobalOptions(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  /** The common options the command takes: TSBLE_TRANSPORT and TSBLE_BOND_STORE are checked only then. */
  takes: readonly string[] = ['transport', 'bond-store'],
): GlobalOptions {
  const logLevel = (values['log-level'] as string | undefined) ?? 'warn';
  if (!levels.has(logLevel))
    throw new UsageError(`--log-level must be one of ${[...levels].join(', ')}, not "${logLevel}"`);
  const addressText = values.address as string | undefined;
  const address = addressText === undefined ? undefined : parseOwnAddress(addressText);
  const btsnoop = values.btsnoop as string | undefined;
  if (btsnoop !== undefined) checkWritableFile('--btsnoop', btsnoop);
  const timeoutText = values.timeout as string | undefined;
  const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0 && Number.isFinite(timeoutSeconds)))
    throw new UsageError(`--timeout must be a positive number of seconds, not "${timeoutText}"`);
  const given = values.transport as string | undefined;
  const transport = given ?? (env.TSBLE_TRANSPORT || 'sim');
  if (takes.includes('transport')) checkTransport(transport, given === undefined);
  const bondStoreGiven = values['bond-store'] as string | undefined;
  const bondStore = bondStoreGiven ?? (env.TSBLE_BOND_STORE || './ble_secrets.json');
  if (takes.includes('bond-store') && isDirectory(bondStore))
    throw new UsageError(
      `${bondStoreGiven !== undefined ? '--bond-store ' : 'TSBLE_BOND_STORE='}${bondStore} is a directory; give a file name, like ${join(bondStore, 'ble_secrets.json')}`,
    );
  return {
    transport,
    json: (values.json as boolean | undefined) ?? false,
    btsnoop,
    logLevel,
    bondStore,
    address,
    timeoutSeconds,
  };
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

/** The embedded controller (`sim`, `sim:zephyr`): it exists only inside this process. */
export function isPrivateSim(transport: string): boolean {
  return transport.split(':')[0] === 'sim';
}

/** Said when the embedded controller is why nobody else is seen, or why nobody else can see us. */
export const SHARED_SIM_HINT =
  'the default transport, sim, is a virtual controller private to this process: other tsble processes cannot see it. ' +
  'To share one between terminals, run tsble sim --listen unix:/tmp/tsble.sock, then give ' +
  '--transport unix:/tmp/tsble.sock (or TSBLE_TRANSPORT=unix:/tmp/tsble.sock) to the commands in both terminals.';

/** The exit status for an error that escaped a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return ExitCode.usage;
  if (error instanceof HciError)
    return error.code === 'bad-transport-spec' ? ExitCode.usage : ExitCode.transport;
  return ExitCode.failed;
}
