import type { Stats } from 'node:fs';
import { link, lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { formatAddressBytes, parseAddressText } from '@tsble/base';
import { BtsnoopMonitorWriter, HciTransportError } from '@tsble/hci-transport';
import {
  type LinkTiming,
  type ServeOptions,
  serveVirtualController,
  VirtualAir,
  type VirtualControllerServer,
} from '@tsble/virtual-controller';
import { checkWritableFile, ExitCode, UsageError } from '../options.js';
import type { CliCommand } from './command.js';

/**
 * `tsble sim --listen unix:PATH|tcp:PORT`: serve the virtual controller to other processes (interface and help
 * in cli-spec.ts).
 */
export const sim: CliCommand = {
  // Read here until cli-spec.ts lists them for sim (main accepts a module's own options).
  options: { addresses: { type: 'string' }, btsnoop: { type: 'string' }, interval: { type: 'string' } },
  async run({ values, out, logger, signal }) {
    const listen = values.listen;
    if (typeof listen !== 'string') throw new UsageError('sim needs --listen unix:PATH or --listen tcp:PORT');
    const addresses = typeof values.addresses === 'string' ? parseAddressList(values.addresses) : undefined;
    const captureFile = typeof values.btsnoop === 'string' ? values.btsnoop : undefined;
    if (captureFile !== undefined) checkWritableFile('--btsnoop', captureFile);
    const timing = typeof values.interval === 'string' ? parseInterval(values.interval) : undefined;
    const air = timing === undefined ? new VirtualAir() : new VirtualAir({ timing: timing.timing });
    const options = {
      zephyr: values.zephyr === true,
      strict: values.strict === true,
      onViolation: (message: string) => logger.error({ violation: message }, 'host violated flow control'),
    };
    const capture = captureFile === undefined ? undefined : new BtsnoopMonitorWriter(captureFile);
    const serve: ServeOptions = {
      ...(addresses ? { addresses } : {}),
      onClient: (controller, index) => {
        logger.info(
          { client: index, address: formatAddressBytes(controller.state.publicAddress) },
          'client connected',
        );
        if (!capture) return;
        // The controller's view: what each client sent it and what it answered, one index per client.
        capture.addIndex(index, controller.state.publicAddress, `sim-${index}`);
        controller.on('packet', (packet, direction) => capture.write(index, packet, direction));
      },
      onClientGone: (_controller, index) => {
        logger.info({ client: index }, 'client disconnected');
        capture?.removeIndex(index);
      },
    };
    const socketPath = listen.startsWith('unix:') ? listen.slice('unix:'.length) : undefined;
    const served = await (socketPath === undefined || socketPath === ''
      ? serveVirtualController(air, listen, options, serve).then((server) => ({
          server,
          release: async () => {},
        }))
      : serveOnSocketPath(air, socketPath, options, serve)
    ).catch((error: unknown) => {
      capture?.close();
      throw error;
    });
    try {
      const spec = socketPath ? `unix:${socketPath}` : served.server.spec;
      const extra = {
        ...(addresses ? { addresses: addresses.map(formatAddressBytes) } : {}),
        ...(captureFile ? { btsnoop: captureFile } : {}),
        ...(timing ? { interval: timing.text } : {}),
      };
      const handedOut = addresses
        ? `; clients get ${addresses.map(formatAddressBytes).join(', ')} in order`
        : '';
      const captured = captureFile ? `; capturing every client to ${captureFile}` : '';
      const paced = timing ? `; links run on connection events (${timing.text})` : '';
      out.event(
        'ready',
        { listen: spec, ...extra },
        `virtual controller listening on ${spec}${handedOut}${captured}${paced} (Ctrl-C to stop)`,
      );
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      await served.release();
      await served.server.close();
      air.close();
      capture?.close();
    }
    return ExitCode.done;
  },
};

/**
 * `--interval MS|link|instant`: links deliver at connection events every MS milliseconds, or every negotiated
 * connection interval (`link`), or at once (`instant`, the default unless TSBLE_SIM_INTERVAL_MS says otherwise).
 */
function parseInterval(text: string): { timing: LinkTiming | undefined; text: string } {
  if (text === 'instant') return { timing: undefined, text: 'instant' };
  if (text === 'link') return { timing: {}, text: 'the negotiated connection interval' };
  const ms = Number(text);
  if (!Number.isFinite(ms) || ms < 7.5 || ms > 4000)
    throw new UsageError(
      `--interval ${text}: give milliseconds from 7.5 to 4000 (the LE range), link or instant`,
    );
  return { timing: { intervalMs: ms }, text: `every ${ms} ms` };
}

/** `--addresses A,B,...`: public addresses as text (most significant octet first), none twice. */
function parseAddressList(text: string): Uint8Array[] {
  const parts = text.split(',').map((part) => part.trim());
  const addresses = parts.map((part) => {
    const parsed = parseAddressText(part);
    if (!parsed.ok || parsed.value.type !== undefined)
      throw new UsageError(
        `--addresses: "${part}" is not an address; give XX:XX:XX:XX:XX:XX[,XX:XX:XX:XX:XX:XX...]`,
      );
    return parsed.value.bytes;
  });
  const seen = new Set<string>();
  for (const part of parts) {
    const key = part.toUpperCase();
    if (seen.has(key))
      throw new UsageError(`--addresses: ${part} is listed twice; each client needs its own`);
    seen.add(key);
  }
  return addresses;
}

/**
 * Listens on a unix socket at `path` without ever deleting what is not a dead sim's socket. The server binds
 * a private name beside `path` first and is then hard-linked to `path`: link() fails if anything is there, so
 * a file created at any moment is never replaced (binding `path` directly would need it removed first). The
 * private name is unlinked at once; closing the server later unlinks only that name (already gone), and
 * `release` removes `path` only while it is still our socket (same inode).
 */
async function serveOnSocketPath(
  air: VirtualAir,
  path: string,
  options: Parameters<typeof serveVirtualController>[2],
  serve: ServeOptions,
): Promise<{ server: VirtualControllerServer; release: () => Promise<void> }> {
  if (Buffer.byteLength(path) > SOCKET_PATH_MAX)
    throw new UsageError(
      `cannot listen on unix:${path}: a unix socket path has at most ${SOCKET_PATH_MAX} bytes; choose a shorter one`,
    );
  const descriptive = join(dirname(path), `.${basename(path)}.${process.pid}.binding`);
  const privateName =
    Buffer.byteLength(descriptive) <= SOCKET_PATH_MAX
      ? descriptive
      : join(dirname(path), `.${process.pid}.b`);
  if (Buffer.byteLength(privateName) > SOCKET_PATH_MAX)
    throw new UsageError(
      `cannot listen on unix:${path}: the path is too long for sim's private socket beside it; choose a shorter one`,
    );
  const server = await serveVirtualController(air, `unix:${privateName}`, options, serve).catch(
    (error: Error) => {
      // Said of the path the user gave: the private name is ours alone.
      const reason = error.cause instanceof Error ? error.cause.message : error.message;
      throw new HciTransportError(
        'transport-error',
        `unix:${path}`,
        `cannot listen on unix:${path}: ${reason}`,
        {
          cause: error,
        },
      );
    },
  );
  try {
    const ours = await linkWithoutClobbering(privateName, path);
    return {
      server,
      release: async () => {
        const now = await lstat(path).catch(() => undefined);
        if (now !== undefined && sameFile(now, ours)) await unlink(path).catch(() => undefined);
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  } finally {
    await unlink(privateName).catch(() => undefined);
  }
}

/** sun_path holds 108 bytes on Linux, NUL included; longer names would be cut short by the kernel. */
const SOCKET_PATH_MAX = 107;

/** Links `from` to `path`; a dead sim's socket at `path` is removed first, anything else is refused. */
async function linkWithoutClobbering(from: string, path: string): Promise<Stats> {
  // Two attempts: a second process may bind the path between our removal of a stale socket and our link.
  for (let attempt = 0; ; attempt++) {
    try {
      await link(from, path);
      return await lstat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0)
        throw new UsageError(`cannot listen on unix:${path}: ${(error as Error).message}`);
    }
    const there = await lstat(path).catch(() => undefined);
    if (there === undefined) continue;
    if (!there.isSocket()) throw new UsageError(`cannot listen on unix:${path}: ${path} ${describe(there)}`);
    const probe = await probeSocket(path);
    if (probe !== 'ECONNREFUSED')
      throw new UsageError(
        probe === 'accepted'
          ? `cannot listen on unix:${path}: ${path} is the socket of a running server (it accepted a connection); stop that sim or choose another path`
          : `cannot listen on unix:${path}: ${path} is a socket that cannot be probed (${probe}); remove it yourself if it is stale`,
      );
    // Nothing accepts on it: the socket of a process that died. Remove it only if it is still the one probed.
    const again = await lstat(path).catch(() => undefined);
    if (again !== undefined && sameFile(again, there)) await unlink(path).catch(() => undefined);
  }
}

function describe(stats: Stats): string {
  const what = stats.isFile()
    ? 'a regular file'
    : stats.isDirectory()
      ? 'a directory'
      : stats.isSymbolicLink()
        ? 'a symbolic link'
        : stats.isFIFO()
          ? 'a FIFO'
          : 'a device or other special file';
  return `is ${what}, not a socket; sim replaces only the socket of a sim that died: choose another path or remove it yourself`;
}

/** Connects once: 'accepted' when a server is listening, else the connect error's code. */
function probeSocket(path: string): Promise<string> {
  return new Promise((resolve) => {
    const client = connect(path, () => {
      client.destroy();
      resolve('accepted');
    });
    client.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}
