import { HciTransportError } from '../errors.js';
import { openSerialTransport } from './serial.js';
import { openTcpTransport, openUnixTransport } from './socket.js';
import type { HciTransport } from './transport.js';

/** A parsed transport spec. See the table in ARCHITECTURE.md ("Transport specs"). */
export type TransportSpec =
  | { kind: 'serial'; path: string; baudRate?: number; rtscts?: boolean }
  | { kind: 'usb'; vendorId?: number; productId?: number; index?: number }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string }
  | { kind: 'registered'; scheme: string; rest: string };

export interface OpenTransportOptions {
  /** How long a partial H4 packet may wait before the framer resynchronises (ms). */
  staleAfterMs?: number;
}

/** Opens a transport for a scheme that another package provides (the virtual controller registers `sim`). */
export type TransportOpener = (rest: string, options: OpenTransportOptions) => Promise<HciTransport>;

const registry = new Map<string, TransportOpener>();

/**
 * Registers an opener for `scheme:` specs. `@tsble/virtual-controller` calls this for `sim` (its
 * `registerSimTransport()`), which keeps this package free of a dependency on the emulator: the emulator
 * depends on us, never the reverse.
 */
export function registerTransportScheme(scheme: string, opener: TransportOpener): void {
  registry.set(scheme, opener);
}

function bad(spec: string, why: string): HciTransportError {
  return new HciTransportError(
    'bad-transport-spec',
    spec,
    `bad transport "${spec}": ${why}. Use serial:PATH[?baud=N&rtscts=true|false], usb[:VID:PID|:INDEX], tcp:HOST:PORT, unix:PATH or sim`,
  );
}

/** Parses a transport spec string, or returns a typed error. */
export function parseTransportSpec(spec: string): TransportSpec | HciTransportError {
  const colon = spec.indexOf(':');
  const scheme = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  switch (scheme) {
    case 'serial': {
      const [path = '', query = ''] = rest.split('?', 2);
      if (path === '') return bad(spec, 'serial needs a device path');
      const out: TransportSpec = { kind: 'serial', path };
      for (const [key, value] of new URLSearchParams(query)) {
        if (key === 'baud') {
          const baud = Number(value);
          if (!Number.isInteger(baud) || baud <= 0)
            return bad(spec, `baud must be a positive integer, not "${value}"`);
          out.baudRate = baud;
        } else if (key === 'rtscts') {
          if (value !== 'true' && value !== 'false') return bad(spec, 'rtscts must be true or false');
          out.rtscts = value === 'true';
        } else return bad(spec, `unknown serial option "${key}"`);
      }
      return out;
    }
    case 'usb': {
      if (rest === '') return { kind: 'usb' };
      if (/^\d+$/.test(rest)) return { kind: 'usb', index: Number(rest) };
      const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
      if (!m) return bad(spec, 'usb takes VID:PID in hex or an index');
      return {
        kind: 'usb',
        vendorId: Number.parseInt(m[1] ?? '', 16),
        productId: Number.parseInt(m[2] ?? '', 16),
      };
    }
    case 'tcp': {
      const at = rest.lastIndexOf(':');
      const host = at < 0 ? '' : rest.slice(0, at);
      const port = Number(at < 0 ? rest : rest.slice(at + 1));
      if (!Number.isInteger(port) || port <= 0 || port > 65535) return bad(spec, 'tcp needs HOST:PORT');
      return { kind: 'tcp', host: host === '' ? '127.0.0.1' : host, port };
    }
    case 'unix':
      if (rest === '') return bad(spec, 'unix needs a socket path');
      return { kind: 'unix', path: rest };
    default:
      if (registry.has(scheme)) return { kind: 'registered', scheme, rest };
      if (scheme === 'sim') {
        return new HciTransportError(
          'bad-transport-spec',
          spec,
          'the sim transport is provided by @tsble/virtual-controller: import it and call registerSimTransport() first',
        );
      }
      return bad(spec, `unknown scheme "${scheme}"`);
  }
}

/**
 * Opens a controller named by a spec string (serial, usb, tcp, unix, or a registered scheme such as `sim`),
 * or passes an already-made transport through unchanged. Rejects with an HciTransportError whose message says
 * what to fix.
 */
export async function openTransport(
  spec: string | HciTransport,
  options: OpenTransportOptions = {},
): Promise<HciTransport> {
  if (typeof spec !== 'string') return spec;
  const parsed = parseTransportSpec(spec);
  if (parsed instanceof HciTransportError) throw parsed;
  switch (parsed.kind) {
    case 'serial':
      return openSerialTransport(parsed.path, { ...options, ...parsed });
    case 'usb': {
      const { openUsbTransport } = await import('./usb.js');
      const { kind: _kind, ...selector } = parsed;
      return openUsbTransport(selector);
    }
    case 'tcp':
      return openTcpTransport(parsed.host, parsed.port, options);
    case 'unix':
      return openUnixTransport(parsed.path, options);
    case 'registered': {
      const opener = registry.get(parsed.scheme);
      if (opener === undefined) throw bad(spec, `unknown scheme "${parsed.scheme}"`);
      return opener(parsed.rest, options);
    }
  }
}
