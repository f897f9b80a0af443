/**
 * What the host-level commands share: opening a Host from the global options, resolving an ADDRESS (scanning
 * briefly when it has no /public or /random), reporting a connection's security events, and the exit status
 * of the host's typed errors.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { hexNumber, toHex } from '@tsble/base';
import { HciError } from '@tsble/hci-transport';
import {
  type Address,
  BondLostError,
  BondStoreError,
  type Connection,
  DisconnectedError,
  FileBondStore,
  formatAddress,
  formatAddressBytes,
  Host,
  HostError,
  MemoryBondStore,
  type PairingDelegate,
  PairingError,
  type PairingResult,
  parseAddressText,
} from '@tsble/host';
import { ExitCode, isPrivateSim, SHARED_SIM_HINT, UsageError } from '../options.js';
import { bondFileOptions } from './bond-file.js';
import type { CommandContext } from './command.js';
import { demoService } from './demo-service.js';
import { hciReasonName, pairingFailedHint, pairingFailedReasonName } from './explain.js';
import { type OperationDeadline, OperationError, type Step, steps } from './operation-deadline.js';
import type { CliPairing } from './pairing-options.js';

export interface OpenHostOptions {
  pairing?: CliPairing;
  delegate?: PairingDelegate;
  /** Serve the demo service (serve, demo). */
  demo?: boolean;
  name?: string;
  /** Use the bond store only if its file exists, and never create it (scan needs no store of its own). */
  bondStoreIfExists?: boolean;
  /** Use a resolvable private address (serve --privacy). */
  privacy?: boolean;
}

export { bondFileOptions };

export async function openHost(context: CommandContext, options: OpenHostOptions = {}): Promise<Host> {
  const { options: global, logger } = context;
  const bondStore =
    options.bondStoreIfExists && !existsSync(global.bondStore)
      ? new MemoryBondStore()
      : new FileBondStore(global.bondStore, bondFileOptions);
  return Host.open(global.transport, {
    bondStore,
    logger,
    // Ctrl-C or SIGTERM during start-up ends it at once, the transport closed (not after the reset timeout).
    signal: context.signal,
    ...(global.btsnoop ? { btsnoop: global.btsnoop } : {}),
    ...(global.address ? { address: formatAddressBytes(global.address) } : {}),
    ...(options.pairing ? { pairing: options.pairing.options } : {}),
    ...(options.delegate ? { delegate: options.delegate } : {}),
    ...(options.privacy ? { privacy: true } : {}),
    gatt: { deviceName: options.name ?? 'tsble', services: options.demo ? [demoService()] : [] },
  });
}

/**
 * The ADDRESS argument as an Address to connect to. Without a type, scans (within the deadline) to learn it; a
 * bonded peer that uses resolvable private addresses is found by scanning for an RPA that resolves to it.
 */
export async function resolveTarget(
  host: Host,
  text: string | undefined,
  context: CommandContext,
  deadline: OperationDeadline,
  timeoutMs: number,
): Promise<Address> {
  if (text === undefined)
    throw new UsageError('an ADDRESS is needed, like F0:F1:F2:F3:F4:F5 or F0:F1:F2:F3:F4:F5/random');
  const parsed = parseAddressText(text);
  if (!parsed.ok) throw new UsageError(parsed.error.message);
  const { progress, signal } = context;
  const { bytes, type } = parsed.value;
  if (type !== undefined) {
    const address: Address = { bytes, type };
    const shown = formatAddress(address);
    if (!host.bondStore.get(shown)?.peerUsesPrivateAddress) return address;
    progress.show(`looking for ${shown} (it may use a private address)`);
    const step = steps.lookingForBonded(shown);
    try {
      return (await deadline.run(step, () => host.findAdvertiser(address, { timeoutMs, signal }))).address;
    } catch (error) {
      throw asStepTimeout(error, step, timeoutMs);
    } finally {
      progress.done();
    }
  }
  progress.show(`scanning for ${text} to learn its address type`);
  const wanted = formatAddressBytes(bytes);
  const step = steps.scanningFor(text);
  const found = await deadline
    .run(step, async () => {
      for await (const advertisement of host.scan({ durationMs: timeoutMs, signal })) {
        if (formatAddressBytes(advertisement.address.bytes) === wanted) return advertisement.address;
        if (advertisement.identity?.split('/')[0] === wanted) return advertisement.address;
      }
      return undefined;
    })
    .finally(() => progress.done());
  if (!found) throw new OperationError(step.code, step.describe(timeoutMs / 1000));
  return found;
}

/** Connects (within the deadline) and reports `connected`. */
export async function connectTo(
  host: Host,
  target: Address,
  context: CommandContext,
  deadline: OperationDeadline,
  timeoutMs: number,
): Promise<Connection> {
  const shown = formatAddress(target);
  const step = steps.connecting(shown);
  context.progress.show(`connecting to ${shown}`);
  try {
    const connection = await deadline.run(step, () =>
      host.connect(target, { timeoutMs, signal: context.signal }),
    );
    reportConnection(connection, context);
    return connection;
  } catch (error) {
    throw asStepTimeout(error, step, timeoutMs);
  } finally {
    context.progress.done();
  }
}

/** The host's own connect/find timeout, said the way the step says it. */
function asStepTimeout(error: unknown, step: Step, timeoutMs: number): unknown {
  if (error instanceof HostError && error.code === 'connect-timeout')
    return new OperationError(step.code, step.describe(timeoutMs / 1000));
  return error;
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
    `connected to ${connection.address}${connection.identity !== connection.address ? ` (bonded identity ${connection.identity})` : ''} as ${connection.role}${connection.bonded ? ', bonded' : ''}`,
  );
  connection.on('encrypted', (state) => {
    out.event(
      'encrypted',
      { address: connection.identity, ...state },
      `link encrypted: security level ${state.securityLevel}, ${state.keySize * 8}-bit key${state.sc ? ', LE Secure Connections' : ''}`,
    );
  });
  // Told from the event, not from a delegate's acceptPairing: that would make every pairing wait for an answer.
  connection.on('pairingRequest', (c) =>
    out.event(
      'pairing-request',
      { peer: c.peer, method: c.method, sc: c.sc, peerIoCapability: c.peerIoCapability },
      `${c.central ? `pairing with ${c.peer}` : `${c.peer} asks to pair`}: ${c.method}, ${c.sc ? 'LE Secure Connections' : 'legacy'}`,
    ),
  );
  connection.on('bondReplaced', (identity) => {
    out.event(
      'bond-replaced',
      { address: identity },
      `the bond with ${identity} was replaced by this pairing (the device paired again from its identity)`,
    );
  });
  connection.on('bondLost', (error) => {
    // Said once, now: the operation that hit it fails with this same error, and failure() knows it was said.
    reported.add(error);
    // The library says what to do; the command says how, in this tool's terms.
    const fix = repairCommands(connection.identity, context);
    out.error(`${error.message}: ${fix}`, {
      code: error.code,
      address: connection.identity,
      status: error.status,
      hint: fix,
    });
  });
  connection.on('disconnected', (reason) => {
    const reasonName = hciReasonName(reason);
    out.event(
      'disconnected',
      { address: connection.identity, reason, ...(reasonName ? { reasonName } : {}) },
      `disconnected (reason ${hexNumber(reason)}${reasonName ? `: ${reasonName}` : ''})`,
    );
  });
}

/**
 * The commands that forget a lost bond and pair again, with this run's own --bond-store (the bond is there) and
 * --address and --transport (the peer knows us by that address, on that controller), so they can be pasted.
 */
function repairCommands(peer: string, context: CommandContext): string {
  const { options, values } = context;
  const quote = (text: string) =>
    /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
  const store = `--bond-store ${quote(resolve(options.bondStore))}`;
  const same = [
    ...(typeof values.transport === 'string' ? [`--transport ${quote(values.transport)}`] : []),
    ...(typeof values.address === 'string' ? [`--address ${quote(values.address)}`] : []),
  ];
  return `tsble bonds forget ${peer} ${store}, then tsble pair ${peer} ${[store, ...same].join(' ')}`;
}

export function reportPaired(
  result: PairingResult,
  connection: Connection,
  context: CommandContext,
  showKeys: boolean,
): void {
  const ltk = showKeys && result.ltk ? toHex(result.ltk) : undefined;
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

/** Errors already shown to the user as they happened (a lost bond), not to be said twice. */
const reported = new WeakSet<object>();

/** The `pairing-failed` event: the SMP reason as a number and in words, and what to do when there is a hint. */
export function reportPairingFailed(
  error: PairingError,
  context: CommandContext,
  address: string | undefined,
  endsCommand: boolean,
): void {
  const reasonName = pairingFailedReasonName(error.reason);
  const io = typeof context.values.io === 'string' ? context.values.io : 'none';
  const hint = error.timedOut
    ? 'the peer stopped answering (SMP timeout, 30 s)'
    : pairingFailedHint(error.reason, {
        byPeer: error.byPeer,
        io,
        legacy: context.values.legacy === true,
        message: error.message,
      });
  const said = reasonName && !error.message.includes(reasonName) ? ` (${reasonName})` : '';
  // In serve a failed pairing is one more thing that happened (stdout); in pair and read it ends the command.
  const report = endsCommand ? context.out.failure.bind(context.out) : context.out.event.bind(context.out);
  report(
    'pairing-failed',
    {
      ...(address ? { address } : {}),
      reason: error.reason,
      ...(reasonName ? { reasonName } : {}),
      byPeer: error.byPeer,
      timedOut: error.timedOut,
      message: error.message,
      ...(hint ? { hint } : {}),
    },
    `${endsCommand ? 'tsble: ' : ''}pairing${address ? ` with ${address}` : ''} failed: ${error.message}${said}${hint ? `; ${hint}` : ''}`,
  );
}

/** Exit status and message for the host's typed errors (ARCHITECTURE.md: 1 failed, 2 usage, 3 transport). */
export function failure(error: unknown, context: CommandContext, peer?: string): number {
  const { out } = context;
  if (error instanceof UsageError) throw error;
  if (typeof error === 'object' && error !== null && reported.has(error)) return ExitCode.failed;
  if (error instanceof PairingError) {
    reportPairingFailed(error, context, peer, true);
    return ExitCode.failed;
  }
  if (error instanceof OperationError) {
    out.error(error.message, { code: error.code, ...error.details });
    // Nobody answering on the embedded controller is most often a peer started in another process.
    if (
      (error.code === 'not-found' || error.code === 'connect-timeout') &&
      isPrivateSim(context.options.transport)
    )
      out.note(`note: ${SHARED_SIM_HINT}`);
    return ExitCode.failed;
  }
  if (error instanceof HciError) throw error; // main maps it: 3, or 2 for a bad transport spec
  if (error instanceof HostError && error.code === 'invalid-argument') throw new UsageError(error.message);
  if (error instanceof HostError && error.code === 'controller') {
    out.error(error.message, { code: error.code });
    return ExitCode.transport; // the controller refused or failed: a controller failure, not the operation's
  }
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
