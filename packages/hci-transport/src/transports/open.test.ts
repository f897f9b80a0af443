import { describe, expect, it } from 'vitest';
import { HciTransportError } from '../errors.js';
import { openTransport, parseTransportSpec } from './open.js';

describe('transport specs', () => {
  it('parses every form in the architecture’s table', () => {
    expect(parseTransportSpec('serial:/dev/ttyACM0')).toEqual({ kind: 'serial', path: '/dev/ttyACM0' });
    expect(parseTransportSpec('serial:/dev/ttyUSB1?baud=115200&rtscts=false')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB1',
      baudRate: 115200,
      rtscts: false,
    });
    expect(parseTransportSpec('usb')).toEqual({ kind: 'usb' });
    expect(parseTransportSpec('usb:2fe3:000b')).toEqual({ kind: 'usb', vendorId: 0x2fe3, productId: 0x000b });
    expect(parseTransportSpec('usb:1')).toEqual({ kind: 'usb', index: 1 });
    expect(parseTransportSpec('tcp:127.0.0.1:9000')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 9000 });
    expect(parseTransportSpec('unix:/tmp/bt-server-le')).toEqual({ kind: 'unix', path: '/tmp/bt-server-le' });
  });

  it('rejects malformed specs with a message that lists the valid forms', () => {
    for (const bad of [
      'serial:',
      'serial:/dev/x?baud=fast',
      'serial:/dev/x?rtsCts=true',
      'tcp:host',
      'usb:zz',
      'bogus:1',
      'unix:',
    ]) {
      const result = parseTransportSpec(bad);
      expect(result).toBeInstanceOf(HciTransportError);
      expect((result as HciTransportError).code).toBe('bad-transport-spec');
    }
    // A look-alike flow-control option is an error, never silently ignored.
    expect((parseTransportSpec('serial:/dev/x?rtsCts=true') as Error).message).toMatch(
      /unknown serial option "rtsCts"/,
    );
  });

  it('explains that sim needs the virtual controller when it is not registered', async () => {
    await expect(openTransport('sim')).rejects.toMatchObject({
      code: 'bad-transport-spec',
      message: expect.stringMatching(/registerSimTransport/),
    });
  });

  it('names a missing serial port and a missing socket', async () => {
    await expect(openTransport('serial:/dev/tsble-no-such-port')).rejects.toMatchObject({
      code: 'transport-not-found',
      message: expect.stringMatching(/tsble-no-such-port/),
    });
    await expect(openTransport('unix:/tmp/tsble-no-such.sock')).rejects.toMatchObject({
      code: 'transport-not-found',
    });
  });
});
