/**
 * Two AclLinks joined back to back in memory, for tests and benchmarks of the layers above HCI: every
 * fragment is delivered on a later microtask (as a real transport would, never re-entrantly) and must
 * respect maxFragmentLength, exactly like a controller would demand.
 */
import type { AclLink } from './l2cap.js';

export type AclReceiver = (packetBoundary: number, data: Uint8Array) => void;

export interface LoopbackAclLink extends AclLink {
  /** Where fragments sent by the other end are delivered. */
  attach(receiver: AclReceiver): void;
  /** Fragments this end has sent. */
  readonly sentFragments: number;
}

export function createLoopbackAclLinks(
  handle = 0x0040,
  maxFragmentLength = 27,
): [LoopbackAclLink, LoopbackAclLink] {
  const make = (): LoopbackAclLink & { peer?: LoopbackAclLink & { receiver?: AclReceiver } } => {
    const end = {
      handle,
      maxFragmentLength,
      sentFragments: 0,
      receiver: undefined as AclReceiver | undefined,
      peer: undefined as (LoopbackAclLink & { receiver?: AclReceiver }) | undefined,
      attach(receiver: AclReceiver) {
        end.receiver = receiver;
      },
      send(packetBoundary: 0 | 1, data: Uint8Array) {
        if (data.length > maxFragmentLength) {
          throw new RangeError(`fragment of ${data.length} exceeds ${maxFragmentLength}`);
        }
        end.sentFragments += 1;
        const copy = data.slice();
        queueMicrotask(() => end.peer?.receiver?.(packetBoundary, copy));
      },
    };
    return end;
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
