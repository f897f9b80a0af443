import { EventEmitter } from 'node:events';
import { formatAddressBytes, fromHex, toHex } from '@tsble/base';
import { describe, expect, it } from 'vitest';
import { Hci } from '../hci.js';
import { openUsbTransport, type UsbDeviceLike, type UsbEndpointLike } from './usb.js';

// No USB hardware exists here: these tests drive the H2 transport through the `usb` package's device interface
// with a stand-in device that replays a recorded exchange (a Zephyr hci_usb dongle's start-up, with its event
// packets cut into 16-octet interrupt transfers as a full-speed endpoint delivers them).

/** Command opcode (hex, as on the wire) -> the Command Complete event the dongle sent back (no type octet). */
const recorded: Record<string, string> = {
  '030c': '0e0401030c00',
  '0110': '0e0c010110000d01000df1050100',
  '0210':
    '0e44010210002000800000c00000000000000000a802000000001000000000b73fe4070000000040780e00000000000000000000000000000000000000000000000000000000',
  '0310': '0e0c010310000000000060000000',
  '0320': '0e0c010320006100000000000000',
  '0220': '0e07010220001b0004',
  '010c': '0e0401010c00',
  '0120': '0e0401012000',
  '0910': '0e0a010910005634120be32f',
};

class FakeEndpoint extends EventEmitter implements UsbEndpointLike {
  polling = false;
  written: string[] = [];
  constructor(
    readonly direction: 'in' | 'out',
    readonly transferType: number,
  ) {
    super();
  }
  startPoll() {
    this.polling = true;
  }
  stopPoll(callback?: () => void) {
    this.polling = false;
    callback?.();
  }
  transfer(buffer: Buffer, callback?: (error: Error | undefined, actual: number) => void) {
    this.written.push(toHex(buffer));
    callback?.(undefined, buffer.length);
  }
}

class FakeDongle implements UsbDeviceLike {
  deviceDescriptor = {
    bDeviceClass: 0xe0,
    bDeviceSubClass: 1,
    bDeviceProtocol: 1,
    idVendor: 0x2fe3,
    idProduct: 0x000b,
  };
  interruptIn = new FakeEndpoint('in', 3);
  bulkIn = new FakeEndpoint('in', 2);
  bulkOut = new FakeEndpoint('out', 2);
  controlSetups: string[] = [];
  kernelDriverDetached = false;
  claimed = false;
  closed = false;
  constructor(private readonly openError?: Error) {}
  open() {
    if (this.openError) throw this.openError;
  }
  close() {
    this.closed = true;
  }
  interface() {
    return {
      endpoints: [this.interruptIn, this.bulkIn, this.bulkOut],
      isKernelDriverActive: () => true,
      detachKernelDriver: () => {
        this.kernelDriverDetached = true;
      },
      claim: () => {
        this.claimed = true;
      },
    };
  }
  controlTransfer(
    bmRequestType: number,
    bRequest: number,
    wValue: number,
    wIndex: number,
    data: Buffer,
    callback: (error: Error | undefined) => void,
  ) {
    this.controlSetups.push(`${bmRequestType}/${bRequest}/${wValue}/${wIndex}/${toHex(data)}`);
    callback(undefined);
    const answer = recorded[toHex(data.subarray(0, 2))];
    if (answer === undefined) return this;
    const bytes = fromHex(answer);
    setImmediate(() => {
      for (let at = 0; at < bytes.length; at += 16)
        this.interruptIn.emit('data', Buffer.from(bytes.subarray(at, at + 16)));
    });
    return this;
  }
}

describe('USB (H2) transport with a recorded dongle', () => {
  it('runs the whole HCI start-up over control transfers and the interrupt endpoint', async () => {
    const dongle = new FakeDongle();
    const transport = await openUsbTransport({}, { devices: () => [dongle] });
    expect(transport.description).toBe('usb:2fe3:000b');
    expect(dongle.kernelDriverDetached).toBe(true);
    expect(dongle.claimed).toBe(true);
    expect(dongle.interruptIn.polling).toBe(true);
    const hci = await Hci.open(transport);
    // Commands go as class requests to the device (0x20), without the H4 type octet.
    expect(dongle.controlSetups[0]).toBe('32/0/0/0/030c00');
    expect(formatAddressBytes(hci.info.address)).toBe('2F:E3:0B:12:34:56');
    expect(hci.info.manufacturer).toBe(0x05f1);
    expect(hci.info.bufferSizeSource).toBe('le-v1');
    expect(hci.leAclDataPacketLength).toBe(27);
    await hci.close();
    expect(dongle.closed).toBe(true);
  });

  it('reassembles ACL packets split across and merged within bulk transfers, and sends ACL on bulk OUT', async () => {
    const dongle = new FakeDongle();
    const transport = await openUsbTransport(
      { vendorId: 0x2fe3, productId: 0x000b },
      { devices: () => [dongle] },
    );
    const got: string[] = [];
    transport.on(
      'packet',
      (p) => p.type === 'acl' && got.push(`${p.handle}:${p.packetBoundary}:${toHex(p.data)}`),
    );
    const a = '0120 0300 aabbcc'.replace(/ /g, '');
    const b = '0110 0200 ddee'.replace(/ /g, '');
    dongle.bulkIn.emit('data', Buffer.from(fromHex(a + b.slice(0, 4))));
    dongle.bulkIn.emit('data', Buffer.from(fromHex(b.slice(4))));
    expect(got).toEqual(['1:2:aabbcc', '1:1:ddee']);
    await transport.send({
      type: 'acl',
      handle: 1,
      packetBoundary: 0,
      broadcast: 0,
      data: Uint8Array.of(1, 2),
    });
    expect(dongle.bulkOut.written).toEqual(['010002000102']);
    await transport.close();
  });

  it('turns an endpoint error (dongle unplugged) into a typed error and close', async () => {
    const dongle = new FakeDongle();
    const transport = await openUsbTransport({}, { devices: () => [dongle] });
    const errors: string[] = [];
    transport.on('error', (e) => errors.push(e.code));
    const closed = new Promise<void>((r) => transport.on('close', r));
    dongle.interruptIn.emit('error', new Error('LIBUSB_TRANSFER_NO_DEVICE'));
    await closed;
    expect(errors).toEqual(['transport-closed']);
  });

  it('says clearly when no controller is found or access is denied', async () => {
    const mouse = new FakeDongle();
    mouse.deviceDescriptor = {
      bDeviceClass: 0,
      bDeviceSubClass: 0,
      bDeviceProtocol: 0,
      idVendor: 0x046d,
      idProduct: 0xc077,
    };
    await expect(openUsbTransport({}, { devices: () => [mouse] })).rejects.toMatchObject({
      code: 'transport-not-found',
      message: expect.stringMatching(
        /no USB Bluetooth controller at index 0 \(Bluetooth-class devices found: none\)/,
      ),
    });
    const locked = new FakeDongle(new Error('LIBUSB_ERROR_ACCESS'));
    await expect(openUsbTransport({}, { devices: () => [locked] })).rejects.toMatchObject({
      code: 'access-denied',
      message: expect.stringMatching(/udev rule/),
    });
  });
});
