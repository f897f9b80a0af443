/**
 * @tsble/hci-transport: HCI transports (H4 over serial and sockets, H2 over USB), the HCI command/event layer
 * with flow control and start-up, and a btsnoop writer.
 */

export { BtsnoopMonitorWriter, type BtsnoopTarget, BtsnoopWriter, type CaptureDirection } from './btsnoop.js';
export { type CommandName, type CommandSpec, Commands } from './commands.js';
export * from './constants.js';
export * from './errors.js';
export { encodeEvent } from './event-encoders.js';
export * from './events.js';
export * from './fields.js';
export { H4Framer, type H4FramerOptions, type H4SyncChange } from './h4-framer.js';
export { type AclLink, Hci, type HciOptions } from './hci.js';
export { ControllerCrashError, type HciEventMap } from './hci-events.js';
export * from './packet.js';
export { type ControllerInfo, noControllerMessage } from './startup.js';
export {
  type OpenTransportOptions,
  openTransport,
  parseTransportSpec,
  registerTransportScheme,
  type TransportOpener,
  type TransportSpec,
} from './transports/open.js';
export {
  openSerialTransport,
  type SerialLine,
  type SerialOptions,
  SerialTransport,
} from './transports/serial.js';
export { openTcpTransport, openUnixTransport } from './transports/socket.js';
export { type H4StreamOptions, H4StreamTransport } from './transports/stream.js';
export { BaseTransport, type HciTransport, type HciTransportEvents } from './transports/transport.js';
export {
  isBluetoothDevice,
  openUsbTransport,
  type UsbDeviceLike,
  type UsbEndpointLike,
  type UsbOptions,
  type UsbSelector,
  UsbTransport,
} from './transports/usb.js';
