/**
 * @tsble/virtual-controller: an LE controller emulator speaking HCI over H4, for tests, the demo and users
 * without hardware. Controllers share a VirtualAir; hosts reach them in process (`air.createController()`,
 * or `openTransport('sim')` after `registerSimTransport()`) or over sockets (`serveVirtualController`).
 */
export { VirtualAir, type AirOptions, type ConnectionRequest } from './air.js';
export { VirtualController } from './controller.js';
export { VirtualControllerTransport } from './transport.js';
export { Link, type LinkEnd } from './link.js';
export type { ControllerOptions } from './options.js';
export type { FaultRule, FaultAction } from './faults.js';
export { registerSimTransport, getDefaultAir } from './sim.js';
export { serveVirtualController, type VirtualControllerServer } from './server.js';
export { openLinkedPair, type LinkedPair } from './linked-pair.js';
