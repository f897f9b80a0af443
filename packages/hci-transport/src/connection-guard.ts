import { HciStatus, MAX_CONNECTION_HANDLE } from './constants.js';
import type { HciEvent } from './events.js';

/**
 * Which events name a connection, and whether one may be believed given the connections the controller has
 * reported. A controller that lies (buggy firmware, a corrupted line) must not make the host invent a
 * connection, orphan one, or apply a peer's security or flow-control change to a link that does not exist.
 * Linux (hci_event.c: hci_conn_hash_lookup_handle, then "unknown handle") and Zephyr (hci_core.c:
 * bt_conn_lookup_handle, "No connection for handle") drop such events the same way.
 *
 * Returns why the event is refused, or undefined when it may be routed.
 */
export function refusedConnectionEvent(event: HciEvent, live: ReadonlySet<number>): string | undefined {
  switch (event.kind) {
    case 'le-connection-complete': {
      // A failed attempt names no connection: its handle is meaningless (Core 6.0 Vol 4 Part E 7.7.65.1).
      if (event.status !== HciStatus.success) return undefined;
      // Connection_Handle is 0x0000-0x0EFF (Core 6.0 Vol 4 Part E 5.4.2): a higher one can never carry data.
      if (event.connectionHandle > MAX_CONNECTION_HANDLE)
        return `LE Connection Complete with handle 0x${hex(event.connectionHandle)}, above 0x0EFF`;
      // A second completion for a live handle would replace the connection and orphan the first one.
      if (live.has(event.connectionHandle))
        return `second LE Connection Complete for live handle 0x${hex(event.connectionHandle)}`;
      return undefined;
    }
    case 'disconnection-complete':
      // A non-zero status means the Disconnect command failed and the link is still up (7.7.5).
      if (event.status !== HciStatus.success)
        return `Disconnection Complete with status 0x${hex(event.status)}: the link stays up`;
      return unknown('Disconnection Complete', event.connectionHandle, live);
    default: {
      // Events that name a live connection: one for a handle the controller never reported is dropped.
      const name = HANDLE_EVENTS[event.kind as HandleEventKind];
      return name === undefined ? undefined : unknown(name, (event as HandleEvent).connectionHandle, live);
    }
  }
}

/** The events (besides the two above) that name a connection, as the spec names them in messages. */
const HANDLE_EVENTS = {
  'encryption-change': 'Encryption Change',
  'encryption-key-refresh-complete': 'Encryption Key Refresh Complete',
  'le-long-term-key-request': 'LE Long Term Key Request',
  'le-data-length-change': 'LE Data Length Change',
  'le-phy-update-complete': 'LE PHY Update Complete',
  'le-connection-update-complete': 'LE Connection Update Complete',
  'le-read-remote-features-complete': 'LE Read Remote Features Complete',
  'read-remote-version-information-complete': 'Read Remote Version Information Complete',
} as const satisfies Partial<Record<HciEvent['kind'], string>>;

type HandleEventKind = keyof typeof HANDLE_EVENTS;
type HandleEvent = Extract<HciEvent, { kind: HandleEventKind }>;

function unknown(name: string, handle: number, live: ReadonlySet<number>): string | undefined {
  return live.has(handle) ? undefined : `${name} for unknown handle 0x${hex(handle)}`;
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');
