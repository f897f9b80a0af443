/**
 * @tsble/hci-transport: HCI transports (H4 over serial and sockets, H2 over USB), the HCI command/event layer
 * with flow control and start-up, and a btsnoop writer.
 */
export * from './constants.js';
export * from './address.js';
export * from './errors.js';
export * from './packet.js';
export { H4Framer, type H4FramerOptions } from './h4-framer.js';
export * from './fields.js';
export { Commands, type CommandName, type CommandSpec } from './commands.js';
export * from './events.js';
export { encodeEvent } from './event-encoders.js';
export { TypedEmitter, type EventMap } from './typed-emitter.js';
export { BtsnoopWriter, type BtsnoopTarget, type CaptureDirection } from './btsnoop.js';
export { Hci, type HciOptions, type AclLink } from './hci.js';
export { ControllerCrashError, type HciEventMap } from './hci-events.js';
export { type ControllerInfo, noControllerMessage } from './startup.js';
export { BaseTransport, type HciTransport, type HciTransportEvents } from './transports/transport.js';
export { H4StreamTransport, type H4StreamOptions } from './transports/stream.js';
export { openTcpTransport, openUnixTransport } from './transports/socket.js';
export { openSerialTransport, SerialTransport, type SerialOptions, type SerialLine } from './transports/serial.js';
export {
  openTransport,
  parseTransportSpec,
  registerTransportScheme,
  type OpenTransportOptions,
  type TransportOpener,
  type TransportSpec,
} from './transports/open.js';
export { toHex, fromHex, equalBytes, concatBytes } from './little-endian.js';
export {
  openUsbTransport,
  isBluetoothDevice,
  UsbTransport,
  type UsbDeviceLike,
  type UsbEndpointLike,
  type UsbOptions,
  type UsbSelector,
} from './transports/usb.js';
