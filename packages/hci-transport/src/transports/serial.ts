import type { SerialPort } from 'serialport';
import { HciTransportError } from '../errors.js';
import { type H4StreamOptions, H4StreamTransport } from './stream.js';

export interface SerialOptions extends H4StreamOptions {
  /** Default 1000000, what Zephyr's hci_uart sample uses. */
  baudRate?: number;
  /** Hardware flow control (RTS/CTS). Default true, as Zephyr's hci_uart expects. */
  rtscts?: boolean;
}

/** The serial port's path and line settings, kept for error messages ("nothing answered on ... at ... baud"). */
export interface SerialLine {
  path: string;
  baudRate: number;
  rtscts: boolean;
}

/** An H4 transport over a serial port; `line` says how it was opened. */
export class SerialTransport extends H4StreamTransport {
  constructor(
    port: SerialPort,
    readonly line: SerialLine,
    options: H4StreamOptions,
  ) {
    super(port, `serial:${line.path} at ${line.baudRate} baud${line.rtscts ? ' with RTS/CTS' : ''}`, options);
  }
}

/**
 * Opens H4 over a UART with `serialport`. The option is spelled `rtscts`: serialport silently ignores
 * look-alikes (`rtsCts`, `flowControl`), which leaves flow control off and loses bytes at 1 Mbaud.
 */
export async function openSerialTransport(
  path: string,
  options: SerialOptions = {},
): Promise<SerialTransport> {
  const line: SerialLine = { path, baudRate: options.baudRate ?? 1_000_000, rtscts: options.rtscts ?? true };
  // Loaded here, not at the top: serialport loads a native addon and some thirty modules (about 65 ms of a
  // CLI start), which every process that never opens a serial port would pay.
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path, baudRate: line.baudRate, rtscts: line.rtscts, autoOpen: false });
  return new Promise((resolve, reject) => {
    port.open((error) => {
      if (!error) return resolve(new SerialTransport(port, line, options));
      const text = error.message;
      const code = /ENOENT|No such file|cannot find/i.test(text)
        ? 'transport-not-found'
        : /EACCES|Permission denied/i.test(text)
          ? 'access-denied'
          : 'transport-error';
      const hint =
        code === 'transport-not-found'
          ? ' Check the device path (ls /dev/ttyACM* /dev/ttyUSB*) and that the board is plugged in.'
          : code === 'access-denied'
            ? ' Add your user to the dialout group (sudo usermod -aG dialout $USER, then log in again) or use a udev rule.'
            : '';
      reject(
        new HciTransportError(code, `serial:${path}`, `cannot open serial port ${path}: ${text}.${hint}`, {
          cause: error,
        }),
      );
    });
  });
}
