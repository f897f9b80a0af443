import { HciTransportError } from '../errors.js';
import { encodePacket, type HciPacket } from '../packet.js';
import { H2Reassembler } from './h2-reassembler.js';
import { BaseTransport } from './transport.js';

/** libusb transfer types (USB 2.0 9.6.6): the endpoints HCI uses. */
const transferType = { bulk: 2, interrupt: 3 } as const;
/** Bluetooth class triple (Bluetooth Core 6.0 Vol 4 Part B 2.1): Wireless Controller / RF / Bluetooth. */
const bluetoothClass = [0xe0, 0x01, 0x01] as const;
/** Zephyr's hci_usb sample uses this vendor ID (Zephyr Project). */
const zephyrVendorId = 0x2fe3;
/** HCI commands go in class-specific control transfers to the device: bmRequestType 0x20. */
const commandRequestType = 0x20;

/** The parts of a `usb` package endpoint this transport uses. */
export interface UsbEndpointLike {
  direction: 'in' | 'out';
  transferType: number;
  on?(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  startPoll?(nTransfers?: number, transferSize?: number): unknown;
  stopPoll?(callback?: () => void): void;
  transfer?(buffer: Buffer, callback?: (error: Error | undefined, actual: number) => void): unknown;
}

/** The parts of a `usb` package Device this transport uses (so tests can stand in a recorded device). */
export interface UsbDeviceLike {
  deviceDescriptor: {
    bDeviceClass: number;
    bDeviceSubClass: number;
    bDeviceProtocol: number;
    idVendor: number;
    idProduct: number;
  };
  configDescriptor?:
    | { interfaces: { bInterfaceClass: number; bInterfaceSubClass: number; bInterfaceProtocol: number }[][] }
    | undefined;
  open(): void;
  close(): void;
  interface(index: number): {
    endpoints: UsbEndpointLike[];
    isKernelDriverActive(): boolean;
    detachKernelDriver(): void;
    claim(): void;
    release?(closeEndpoints: boolean, callback?: (error?: Error) => void): void;
  };
  controlTransfer(
    bmRequestType: number,
    bRequest: number,
    wValue: number,
    wIndex: number,
    data: Buffer,
    callback: (error: Error | undefined) => void,
  ): unknown;
}

export interface UsbSelector {
  vendorId?: number;
  productId?: number;
  index?: number;
}

export interface UsbOptions {
  /** The device list to choose from; default: the `usb` package's getDeviceList(). */
  devices?: () => UsbDeviceLike[] | Promise<UsbDeviceLike[]>;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** Whether a device is a Bluetooth controller: by class (device or interface) or Zephyr's vendor ID. */
export function isBluetoothDevice(device: UsbDeviceLike): boolean {
  const d = device.deviceDescriptor;
  const matches = (c: number, s: number, p: number) =>
    c === bluetoothClass[0] && s === bluetoothClass[1] && p === bluetoothClass[2];
  if (matches(d.bDeviceClass, d.bDeviceSubClass, d.bDeviceProtocol) || d.idVendor === zephyrVendorId)
    return true;
  const interfaces = device.configDescriptor?.interfaces ?? [];
  return interfaces.some((alts) =>
    alts.some((i) => matches(i.bInterfaceClass, i.bInterfaceSubClass, i.bInterfaceProtocol)),
  );
}

async function defaultDevices(): Promise<UsbDeviceLike[]> {
  try {
    const usb = await import('usb');
    return usb.getDeviceList() as unknown as UsbDeviceLike[];
  } catch (cause) {
    throw new HciTransportError(
      'transport-error',
      'usb',
      `cannot use USB: the usb package could not load libusb (${(cause as Error).message})`,
      { cause },
    );
  }
}

/** Finds and opens a USB Bluetooth controller (H2). */
export async function openUsbTransport(
  selector: UsbSelector,
  options: UsbOptions = {},
): Promise<UsbTransport> {
  const all = await (options.devices ?? defaultDevices)();
  const byId = selector.vendorId !== undefined;
  const candidates = byId
    ? all.filter(
        (d) =>
          d.deviceDescriptor.idVendor === selector.vendorId &&
          d.deviceDescriptor.idProduct === selector.productId,
      )
    : all.filter(isBluetoothDevice);
  const device = candidates[selector.index ?? 0];
  const name = byId
    ? `usb:${hex4(selector.vendorId ?? 0)}:${hex4(selector.productId ?? 0)}`
    : `usb:${selector.index ?? 0}`;
  if (device === undefined) {
    const found = all
      .filter(isBluetoothDevice)
      .map((d) => `${hex4(d.deviceDescriptor.idVendor)}:${hex4(d.deviceDescriptor.idProduct)}`);
    throw new HciTransportError(
      'transport-not-found',
      name,
      `no USB Bluetooth controller ${byId ? 'with that VID:PID' : `at index ${selector.index ?? 0}`} (Bluetooth-class devices found: ${found.join(', ') || 'none'}). Is the dongle plugged in and flashed with HCI firmware (Zephyr hci_usb)?`,
    );
  }
  const d = device.deviceDescriptor;
  return new UsbTransport(device, `usb:${hex4(d.idVendor)}:${hex4(d.idProduct)}`);
}

/**
 * H2 over USB: commands as class control transfers (no H4 type octet), events from the interrupt IN endpoint,
 * ACL data over bulk IN/OUT, each reassembled by HCI header length. A kernel driver (Linux btusb) is detached
 * first. Errors on the endpoints (the dongle pulled out) become a typed `error` and `close`.
 */
export class UsbTransport extends BaseTransport {
  readonly #events = new H2Reassembler('event');
  readonly #acl = new H2Reassembler('acl');
  readonly #eventsIn: UsbEndpointLike;
  readonly #aclIn: UsbEndpointLike;
  readonly #aclOut: UsbEndpointLike;

  constructor(
    private readonly device: UsbDeviceLike,
    readonly description: string,
  ) {
    super();
    const iface = claimInterface(device, description);
    const find = (direction: 'in' | 'out', type: number) =>
      iface.endpoints.find((e) => e.direction === direction && e.transferType === type);
    const eventsIn = find('in', transferType.interrupt);
    const aclIn = find('in', transferType.bulk);
    const aclOut = find('out', transferType.bulk);
    if (!eventsIn || !aclIn || !aclOut) {
      device.close();
      throw new HciTransportError(
        'transport-error',
        description,
        `${description} has no HCI endpoints (interrupt IN, bulk IN and OUT) on interface 0`,
      );
    }
    this.#eventsIn = eventsIn;
    this.#aclIn = aclIn;
    this.#aclOut = aclOut;
    eventsIn.on?.('data', (data: Uint8Array) => this.#deliver(this.#events.push(new Uint8Array(data))));
    aclIn.on?.('data', (data: Uint8Array) => this.#deliver(this.#acl.push(new Uint8Array(data))));
    for (const endpoint of [eventsIn, aclIn]) endpoint.on?.('error', (error: Error) => this.#fail(error));
    eventsIn.startPoll?.(3, 264);
    aclIn.startPoll?.(3, 1028);
  }

  send(packet: HciPacket): Promise<void> {
    if (this.closed)
      return Promise.reject(
        new HciTransportError('transport-closed', this.description, `${this.description} is closed`),
      );
    const body = Buffer.from(encodePacket(packet));
    return new Promise((resolve, reject) => {
      const done = (error: Error | undefined) => {
        if (error)
          reject(
            new HciTransportError(
              'transport-error',
              this.description,
              `USB transfer to ${this.description} failed: ${error.message}`,
              { cause: error },
            ),
          );
        else resolve();
      };
      if (packet.type === 'command') this.device.controlTransfer(commandRequestType, 0, 0, 0, body, done);
      else if (packet.type === 'acl') this.#aclOut.transfer?.(body, (error) => done(error));
      else
        reject(
          new HciTransportError(
            'transport-error',
            this.description,
            `${packet.type} packets are not supported over USB here`,
          ),
        );
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(
      [this.#eventsIn, this.#aclIn].map(
        (e) => new Promise<void>((r) => (e.stopPoll ? e.stopPoll(() => r()) : r())),
      ),
    );
    try {
      this.device.close();
    } catch {
      // Already gone (unplugged): nothing left to release.
    }
    this.markClosed();
  }

  #deliver(packets: HciPacket[]): void {
    for (const packet of packets) this.emit('packet', packet);
  }

  #fail(error: Error): void {
    if (this.closed) return;
    this.emit(
      'error',
      new HciTransportError(
        'transport-closed',
        this.description,
        `${this.description} stopped: ${error.message} (unplugged?)`,
        { cause: error },
      ),
    );
    try {
      this.device.close();
    } catch {
      // The device is gone.
    }
    this.markClosed();
  }
}

function claimInterface(device: UsbDeviceLike, description: string): ReturnType<UsbDeviceLike['interface']> {
  try {
    device.open();
    const iface = device.interface(0);
    // Linux binds btusb to Bluetooth dongles; it must let go before we can claim the interface.
    if (iface.isKernelDriverActive()) iface.detachKernelDriver();
    iface.claim();
    return iface;
  } catch (cause) {
    const text = (cause as Error).message;
    const denied = /ACCESS/i.test(text);
    const busy = /BUSY/i.test(text);
    throw new HciTransportError(
      denied ? 'access-denied' : 'transport-error',
      description,
      denied
        ? `permission denied opening ${description}: add a udev rule (SUBSYSTEM=="usb", ATTR{idVendor}=="…", MODE="0666") or run with access to the device`
        : busy
          ? `${description} is in use by another driver or program (stop bluetoothd, or unbind btusb)`
          : `cannot open ${description}: ${text}`,
      { cause },
    );
  }
}
