import { connect, type Socket } from 'node:net';
import { HciTransportError } from '../errors.js';
import { type H4StreamOptions, H4StreamTransport } from './stream.js';

/** Opens H4 over a unix stream socket (BlueZ btvirt, our `tsble sim --listen unix:PATH`). */
export function openUnixTransport(path: string, options: H4StreamOptions = {}): Promise<H4StreamTransport> {
  return openSocket(connect({ path }), `unix:${path}`, options);
}

/** Opens H4 over TCP (Bumble, Android Rootcanal, our `tsble sim --listen tcp:PORT`). */
export function openTcpTransport(
  host: string,
  port: number,
  options: H4StreamOptions = {},
): Promise<H4StreamTransport> {
  return openSocket(connect({ host, port }), `tcp:${host}:${port}`, options);
}

function openSocket(
  socket: Socket,
  description: string,
  options: H4StreamOptions,
): Promise<H4StreamTransport> {
  socket.setNoDelay?.(true);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(new H4StreamTransport(socket, description, options));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code =
        error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? 'transport-not-found' : 'transport-error';
      const hint =
        code === 'transport-not-found'
          ? ' (is the emulator or `tsble sim --listen` running, and is the path or port right?)'
          : error.code === 'EACCES'
            ? ' (permission denied on the socket)'
            : '';
      reject(
        new HciTransportError(
          code,
          description,
          `cannot connect to ${description}: ${error.message}${hint}`,
          { cause: error },
        ),
      );
    });
  });
}
