import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { equalBytes } from '@tsble/base';
import { HciTransportError } from '@tsble/hci-transport';
import type { VirtualAir } from './air.js';
import type { VirtualController } from './controller.js';
import type { ControllerOptions } from './options.js';

/** How the server treats its clients. */
export interface ServeOptions {
  /**
   * Public addresses (HCI order) handed to clients as they connect: each new client gets the first one no
   * connected client holds, so a process that disconnects and connects again gets its address back (and its
   * peers' bonds still name it). When every listed address is taken, clients get the default sequence.
   */
  addresses?: readonly Uint8Array[];
  /** A client connected: its controller, and a number no other client of this server had. */
  onClient?: (controller: VirtualController, index: number) => void;
  /** That client is gone (after its controller left the air). */
  onClientGone?: (controller: VirtualController, index: number) => void;
}

/** A running socket server for virtual controllers. */
export interface VirtualControllerServer {
  /** Where it listens, as a transport spec a client can open: `unix:/path` or `tcp:127.0.0.1:PORT`. */
  readonly spec: string;
  /** Controllers of the connected clients. */
  readonly controllers: ReadonlySet<VirtualController>;
  close(): Promise<void>;
}

/**
 * Serves virtual controllers over `unix:PATH` or `tcp:PORT` / `tcp:HOST:PORT` with H4, like BlueZ's btvirt:
 * each client that connects gets its own controller on `air`, so controllers of different processes can
 * advertise, connect and exchange data with each other.
 */
export async function serveVirtualController(
  air: VirtualAir,
  listen: string,
  options: ControllerOptions = {},
  serve: ServeOptions = {},
): Promise<VirtualControllerServer> {
  const controllers = new Set<VirtualController>();
  const sockets = new Set<Socket>();
  const held = new Map<VirtualController, Uint8Array>();
  let clients = 0;
  const freeAddress = () =>
    serve.addresses?.find((address) => ![...held.values()].some((taken) => equalBytes(taken, address)));
  const server = createServer((socket) => {
    const address = freeAddress();
    const controller = air.addController(address ? { ...options, address } : options);
    if (address) held.set(controller, address);
    const index = clients++;
    controllers.add(controller);
    serve.onClient?.(controller, index);
    sockets.add(socket);
    socket.setNoDelay?.(true);
    controller.on('bytes', (bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
    controller.on('unplug', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => controller.receiveFromHost(new Uint8Array(chunk)));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      controllers.delete(controller);
      held.delete(controller);
      air.detach(controller);
      serve.onClientGone?.(controller, index);
    });
  });
  const spec = await listenOn(server, listen);
  return {
    spec,
    controllers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function listenOn(server: Server, listen: string): Promise<string> {
  const [scheme, ...restParts] = listen.split(':');
  const rest = restParts.join(':');
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new HciTransportError('transport-error', listen, `cannot listen on ${listen}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    if (scheme === 'unix' && rest !== '') {
      rmSync(rest, { force: true });
      server.listen(rest, () => resolve(`unix:${rest}`));
    } else if (scheme === 'tcp') {
      const at = rest.lastIndexOf(':');
      const host = at < 0 ? '127.0.0.1' : rest.slice(0, at);
      const port = Number(at < 0 ? rest : rest.slice(at + 1));
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        return reject(
          new HciTransportError(
            'bad-transport-spec',
            listen,
            `bad listen address "${listen}": use tcp:PORT or tcp:HOST:PORT`,
          ),
        );
      }
      server.listen(port, host, () => {
        const address = server.address();
        resolve(`tcp:${host}:${typeof address === 'object' && address ? address.port : port}`);
      });
    } else {
      reject(
        new HciTransportError(
          'bad-transport-spec',
          listen,
          `bad listen address "${listen}": use unix:PATH or tcp:PORT`,
        ),
      );
    }
  });
}
