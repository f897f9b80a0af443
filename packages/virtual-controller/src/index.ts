/**
 * @tsble/virtual-controller: an LE controller emulator speaking HCI over H4, for tests, the demo and users
 * without hardware. Controllers share a VirtualAir; hosts reach them in process (`air.createController()`,
 * or `openTransport('sim')` after `registerSimTransport()`) or over sockets (`serveVirtualController`).
 */
export { type AirOptions, type ConnectionRequest, VirtualAir } from './air.js';
export {
  type ConnectionEvents,
  type LinkTiming,
  type QueuedPdu,
  timingFromEnvironment,
} from './connection-events.js';
export { VirtualController } from './controller.js';
export type { FaultAction, FaultRule } from './faults.js';
export { Link, type LinkEnd } from './link.js';
export { createConnection, createConnectionTo, type LinkedPair, openLinkedPair } from './linked-pair.js';
export type { ControllerOptions } from './options.js';
export { type ServeOptions, serveVirtualController, type VirtualControllerServer } from './server.js';
export { getDefaultAir, registerSimTransport } from './sim.js';
export { VirtualControllerTransport } from './transport.js';
