import type { FaultRule } from './faults.js';

/** How one virtual controller behaves. Every field has a default that suits a fast in-process test. */
export interface ControllerOptions {
  /** Public address, HCI order (least significant octet first). Default 00:54:53:42:4C:NN, N counting up. */
  address?: Uint8Array;
  /**
   * Behave like Zephyr's controller: manufacturer 0x05F1, the all-zero public address, the 0xFC01/0xFC02/0xFC09
   * vendor commands (0xFC09 reports `staticAddress`), and an H4 receiver that never resynchronises by itself.
   */
  zephyr?: boolean | { staticAddress?: Uint8Array };
  /** LE ACL buffers the controller reports (and enforces). Default 251 octets x 8; strict: 27 x 3. */
  aclBuffers?: { length: number; count: number };
  /** Num_HCI_Command_Packets granted in every Command Complete/Status. Default 1 (what Zephyr grants). */
  commandCredits?: number;
  /**
   * Strict mode: one command credit, three 27-octet ACL buffers, and every host overrun recorded as a
   * violation (plus a Data Buffer Overflow event, as real hardware sends).
   */
  strict?: boolean;
  /** Called for each violation of flow control by the host; a test can throw from it. */
  onViolation?: (message: string) => void;
  /** Answer LE Read Buffer Size [v2] (default true); false makes the host fall back to v1. */
  leReadBufferSizeV2?: boolean;
  /** Faults to inject (see FaultRule). */
  faults?: FaultRule[];
  /** A label for logs and violations. */
  name?: string;
}

/** Options resolved to concrete values. */
export interface ResolvedOptions {
  address: Uint8Array;
  zephyr: { staticAddress: Uint8Array } | undefined;
  aclLength: number;
  aclCount: number;
  commandCredits: number;
  strict: boolean;
  onViolation: ((message: string) => void) | undefined;
  leReadBufferSizeV2: boolean;
  faults: FaultRule[];
  name: string;
}

let counter = 0;

export function resolveOptions(options: ControllerOptions): ResolvedOptions {
  const n = ++counter;
  const strict = options.strict ?? false;
  const zephyr = options.zephyr
    ? {
        staticAddress:
          (typeof options.zephyr === 'object' ? options.zephyr.staticAddress : undefined) ??
          Uint8Array.of(n & 0xff, 0x00, 0x5a, 0x45, 0x50, 0xc0 | ((n >> 8) & 0x3f)),
      }
    : undefined;
  return {
    address: options.address ?? Uint8Array.of(n & 0xff, 0x4c, 0x42, 0x53, 0x54, 0x00),
    zephyr,
    aclLength: options.aclBuffers?.length ?? (strict ? 27 : 251),
    aclCount: options.aclBuffers?.count ?? (strict ? 3 : 8),
    commandCredits: options.commandCredits ?? 1,
    strict,
    onViolation: options.onViolation,
    leReadBufferSizeV2: options.leReadBufferSizeV2 ?? true,
    faults: options.faults ?? [],
    name: options.name ?? `controller-${n}`,
  };
}
