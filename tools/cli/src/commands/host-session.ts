/**
 * What the host-level commands share: opening a Host from the global options, resolving an ADDRESS (scanning
 * briefly when it has no /public or /random), reporting a connection's security events, and the exit status
 * of the host's typed errors.
 */
import { HciError } from '@tsble/hci-transport';
import {
  type Address,
  BondLostError,
  BondStoreError,
  type Connection,
  DisconnectedError,
  demoService,
  formatAddress,
  formatAddressBytes,
  Host,
  HostError,
  type PairingDelegate,
  PairingError,
  type PairingResult,
  parseAddressText,
} from '@tsble/host';
import { ExitCode, UsageError } from '../options.js';
import type { CommandContext } from './command.js';
import type { CliPairing } from './pairing-options.js';
import type { Progress } from './progress.js';

export interface OpenHostOptions {
  pairing?: CliPairing;
  delegate?: PairingDelegate;
  /** Serve the demo service (serve, demo). */
  demo?: boolean;
  name?: string;
}

export async function openHost(context: CommandContext, options: OpenHostOptions = {}): Promise<Host> {
  const { options: global, logger } = context;
  return Host.open(global.transport, {
    bondStore: global.bondStore,
    logger,
    ...(global.btsnoop ? { btsnoop: global.btsnoop } : {}),
    ...(global.address ? { address: formatAddressBytes(global.address) } : {}),
    ...(options.pairing ? { pairing: options.pairing.options } : {}),
    ...(options.delegate ? { delegate: options.delegate } : {}),
    gatt: { deviceName: options.name ?? 'tsble', services: options.demo ? [demoService()] : [] },
  });
}

/**
 * The ADDRESS argument as an Address to connect to. Without a type, scans (up to `timeoutMs`) to learn it; a
 * bonded peer that uses resolvable private addresses is found by scanning for an RPA that resolves to it.
 */
export async function resolveTarget(
  host: Host,
  text: string | undefined,
  context: CommandContext,
  progress: Progress,
  timeoutMs: number,
): Promise<Address> {
  if (text === undefined)
    throw new UsageError('an ADDRESS is needed, like F0:F1:F2:F3:F4:F5 or F0:F1:F2:F3:F4:F5/random');
  const parsed = parseAddressText(text);
  if (!parsed.ok) throw new UsageError(parsed.error.message);
  const { bytes, type } = parsed.value;
  if (type !== undefined) {
    const address: Address = { bytes, type };
    if (!host.bondStore.get(formatAddress(address))?.peerUsesPrivateAddress) return address;
    progress.show(`looking for ${formatAddress(address)} (it may use a private address)`);
    try {
      return (await host.findAdvertiser(address, { timeoutMs, signal: context.signal })).address;
    } finally {
      progress.done();
    }
  }
  progress.show(`scanning for ${text} to learn its address type`);
  const wanted = formatAddressBytes(bytes);
  try {
    for await (const advertisement of host.scan({ durationMs: timeoutMs, signal: context.signal })) {
      if (formatAddressBytes(advertisement.address.bytes) === wanted) return advertisement.address;
      const identity = advertisement.identity?.split('/')[0];
      if (identity === wanted) return advertisement.address;
    }
  } finally {
    progress.done();
  }
  throw new HostError(
    'connect-timeout',
    `${text} was not seen advertising; give its type (${text}/public or /random) or check it is advertising`,
  );
}

/** Connects and reports `connected`. */
export async function connectTo(
  host: Host,
  target: Address,
  context: CommandContext,
  progress: Progress,
  timeoutMs: number,
): Promise<Connection> {
  progress.show(`connecting to ${formatAddress(target)}`);
  try {
    const connection = await host.connect(target, { timeoutMs, signal: context.signal });
    reportConnection(connection, context);
    return connection;
  } finally {
    progress.done();
  }
}

export function reportConnection(connection: Connection, context: CommandContext): void {
  const { out } = context;
  out.event(
    'connected',
    {
      address: connection.address,
      identity: connection.identity,
      role: connection.role,
      bonded: connection.bonded,
    },
    `connected to ${connection.address}${connection.identity !== connection.address ? ` (bonded identity ${connection.identity})` : ''} as ${connection.role}`,
  );
  connection.on('encrypted', (state) => {
    out.event(
      'encrypted',
      { address: connection.identity, ...state },
      `link encrypted: security level ${state.securityLevel}, ${state.keySize * 8}-bit key${state.sc ? ', LE Secure Connections' : ''}`,
    );
  });
  connection.on('bondLost', (error) =>
    out.event('error', { code: 'bond-lost', message: error.message }, `tsble: ${error.message}`),
  );
  connection.on('disconnected', (reason) =>
    out.event(
      'disconnected',
      { address: connection.identity, reason },
      `disconnected (reason 0x${reason.toString(16).padStart(2, '0')})`,
    ),
  );
}

export function reportPaired(
  result: PairingResult,
  connection: Connection,
  context: CommandContext,
  showKeys: boolean,
): void {
  const ltk =
    showKeys && result.ltk
      ? Array.from(result.ltk, (b) => b.toString(16).padStart(2, '0')).join('')
      : undefined;
  context.out.event(
    'paired',
    {
      address: connection.identity,
      method: result.method,
      sc: result.sc,
      authenticated: result.authenticated,
      keySize: result.keySize,
      bonded: result.bonded,
      securityLevel: result.securityLevel,
      ...(ltk ? { ltk } : {}),
    },
    `paired with ${connection.identity}: ${result.method}, ${result.sc ? 'LE Secure Connections' : 'legacy'}, ${result.authenticated ? 'authenticated' : 'unauthenticated'}, ${result.keySize * 8}-bit key, security level ${result.securityLevel}${result.bonded ? ', bonded' : ''}${ltk ? `\nLTK ${ltk}` : ''}`,
  );
}

/** Exit status and message for the host's typed errors (ARCHITECTURE.md: 1 failed, 2 usage, 3 transport). */
export function failure(error: unknown, context: CommandContext): number {
  const { out } = context;
  if (error instanceof UsageError) throw error;
  if (error instanceof PairingError) {
    out.event(
      'pairing-failed',
      { reason: error.reason, byPeer: error.byPeer, timedOut: error.timedOut, message: error.message },
      `tsble: pairing failed: ${error.message}`,
    );
    return ExitCode.failed;
  }
  if (error instanceof HciError) throw error; // main maps it: 3, or 2 for a bad transport spec
  if (error instanceof HostError && error.code === 'invalid-argument') throw new UsageError(error.message);
  if (
    error instanceof BondLostError ||
    error instanceof BondStoreError ||
    error instanceof HostError ||
    error instanceof DisconnectedError
  ) {
    out.error(error.message, { code: error.code });
    return ExitCode.failed;
  }
  out.error(error instanceof Error ? error.message : String(error), {
    code: (error as { code?: string })?.code ?? 'failed',
  });
  return ExitCode.failed;
}

/** `--timeout S` in milliseconds, or the default. */
export function timeoutMs(context: CommandContext, fallbackSeconds: number): number {
  return (context.options.timeoutSeconds ?? fallbackSeconds) * 1000;
}

/** Rejects when `ms` pass or the command is interrupted: the limit on a whole operation. */
export function deadline(ms: number, signal: AbortSignal): { promise: Promise<never>; clear: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HostError('connect-timeout', `the operation did not finish within ${ms / 1000} s`)),
      ms,
    );
    onAbort = () => reject(new HostError('connect-cancelled', 'interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return {
    promise,
    clear: () => {
      if (timer) clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}
