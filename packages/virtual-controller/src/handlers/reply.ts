import {
  type CommandName,
  Commands,
  decodeLayout,
  encodeLayout,
  HciStatus,
  type LayoutValues,
} from '@tsble/hci-transport';
import type { VirtualController } from '../controller.js';

/**
 * What a command handler answers: Command Complete (with return parameters, Status first) or Command Status,
 * and optionally work to do after the answer is queued (events that must follow it).
 */
export interface Reply {
  complete: boolean;
  status: number;
  returns?: Uint8Array;
  after?: () => void;
  /** No Command Complete or Status at all (Host Number Of Completed Packets when well formed). */
  silent?: boolean;
}

export type Handler = (controller: VirtualController, params: Uint8Array) => Reply;

/** Command Complete with Status and the command's return parameters from the shared command table. */
export function complete<N extends CommandName>(
  name: N,
  values?: LayoutValues<(typeof Commands)[N]['returns']>,
  after?: () => void,
): Reply {
  const body =
    values === undefined ? new Uint8Array(0) : encodeLayout(Commands[name].returns, values as never);
  const returns = new Uint8Array(1 + body.length);
  returns.set(body, 1);
  return { complete: true, status: 0, returns, ...(after ? { after } : {}) };
}

/** Command Complete carrying only a failure status. */
export function failed(status: number): Reply {
  return { complete: true, status, returns: Uint8Array.of(status) };
}

/** Command Status. */
export function pending(status: number, after?: () => void): Reply {
  return { complete: false, status, ...(after && status === 0 ? { after } : {}) };
}

/**
 * A handler for a command of the shared table: decodes its parameters (a malformed command gets Invalid HCI
 * Command Parameters) and calls `body` with them.
 */
export function handler<N extends CommandName>(
  name: N,
  body: (controller: VirtualController, params: LayoutValues<(typeof Commands)[N]['params']>) => Reply,
): [number, Handler] {
  const spec = Commands[name];
  return [
    spec.opcode,
    (controller, raw) => {
      const params = decodeLayout(spec.params, raw);
      if (!params.ok) return failed(HciStatus.invalidParameters);
      return body(controller, params.value as LayoutValues<(typeof Commands)[N]['params']>);
    },
  ];
}

/**
 * A handler for a command the shared command table does not declare (tsble's host never sends it, other hosts
 * do): checks the parameter length (a wrong one gets Invalid HCI Command Parameters) and passes the raw octets.
 */
export function rawHandler(
  opcode: number,
  parameterLength: number,
  body: (controller: VirtualController, params: Uint8Array) => Reply,
): [number, Handler] {
  return [
    opcode,
    (controller, raw) =>
      raw.length === parameterLength ? body(controller, raw) : failed(HciStatus.invalidParameters),
  ];
}

/** Command Complete with Status 0 followed by `returns` (the octets after Status). */
export function completeWith(returns: Uint8Array, after?: () => void): Reply {
  const all = new Uint8Array(1 + returns.length);
  all.set(returns, 1);
  return { complete: true, status: 0, returns: all, ...(after ? { after } : {}) };
}
