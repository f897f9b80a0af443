import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAddressBytes } from '@tsble/base';
import { Hci, HciError, Opcode } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';

describe('start-up sequence', () => {
  it('reads identity, buffers (v2) and sets the event masks', async () => {
    const air = new VirtualAir();
    const transport = air.createController({ address: Uint8Array.of(0x42, 0, 0, 0x01, 0xaa, 0x00) });
    const hci = await Hci.open(transport);
    expect(formatAddressBytes(hci.info.address)).toBe('00:AA:01:00:00:42');
    expect(hci.info.addressSource).toBe('public');
    expect(hci.info.hciVersion).toBe(0x0d);
    expect(hci.info.bufferSizeSource).toBe('le-v2');
    expect(transport.controller.commandLog[0]).toBe(Opcode.reset);
    expect(transport.controller.commandLog).toContain(Opcode.setEventMask);
    expect(transport.controller.commandLog).toContain(Opcode.leSetEventMask);
    expect(transport.controller.state.leEventMask & (1n << 9n)).not.toBe(0n);
    await hci.close();
    air.close();
  });

  it('falls back to LE Read Buffer Size v1', async () => {
    const air = new VirtualAir();
    const hci = await Hci.open(
      air.createController({ leReadBufferSizeV2: false, aclBuffers: { length: 100, count: 4 } }),
    );
    expect(hci.info.bufferSizeSource).toBe('le-v1');
    expect(hci.leAclDataPacketLength).toBe(100);
    expect(hci.leAclDataPacketCount).toBe(4);
    await hci.close();
    air.close();
  });

  it('uses Zephyr’s static address when the controller is Zephyr with no public address', async () => {
    const air = new VirtualAir();
    const staticAddress = Uint8Array.of(1, 2, 3, 4, 5, 0xc6);
    const transport = air.createController({ zephyr: { staticAddress } });
    const hci = await Hci.open(transport);
    expect(hci.info.manufacturer).toBe(0x05f1);
    expect(hci.info.addressType).toBe('random');
    expect(hci.info.addressSource).toBe('zephyr-static');
    expect(formatAddressBytes(hci.info.address)).toBe('C6:05:04:03:02:01');
    expect(transport.controller.state.randomAddress).toEqual(staticAddress);
    expect(transport.controller.commandLog).toContain(Opcode.zephyrReadStaticAddresses);
    await hci.close();
    air.close();
  });

  it('never sends Zephyr vendor commands to another vendor’s controller, even with a zero address', async () => {
    const air = new VirtualAir();
    const transport = air.createController({ address: new Uint8Array(6) });
    const configured = Uint8Array.of(9, 9, 9, 9, 9, 0xc9);
    const hci = await Hci.open(transport, { staticAddress: configured });
    expect(transport.controller.commandLog.some((op) => op >= 0xfc00)).toBe(false);
    expect(hci.info.addressSource).toBe('configured');
    expect(hci.info.address).toEqual(configured);
    await hci.close();
    const again = await Hci.open(air.createController({ address: new Uint8Array(6) }));
    expect(again.info.addressSource).toBe('generated');
    expect((again.info.address[5] ?? 0) & 0xc0).toBe(0xc0);
    await again.close();
    air.close();
  });

  it('recovers a Zephyr controller left mid-packet by a host that died', async () => {
    const air = new VirtualAir();
    const transport = air.createController({ zephyr: true });
    // Half of an LE Set Advertising Data command (32 parameter octets announced, 5 sent).
    await transport.writeRaw(Uint8Array.of(0x01, 0x08, 0x20, 0x20, 1, 2, 3, 4, 5));
    const hci = await Hci.open(transport, { resetTimeoutMs: 200 });
    expect(hci.info.manufacturer).toBe(0x05f1);
    await hci.close();
    air.close();
  });

  it('fails with a clear message when nothing answers Reset', async () => {
    const path = join(tmpdir(), `tsble-silent-${process.pid}.sock`);
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(path, r));
    const error = await Hci.open(`unix:${path}`, { resetTimeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HciError);
    expect((error as HciError).code).toBe('no-controller');
    expect((error as Error).message).toContain(`unix:${path}`);
    expect((error as Error).message).toMatch(/nothing answered HCI Reset/);
    server.close();
  });
});

describe('faults', () => {
  it('resets and brings the controller up again after a Hardware Error', async () => {
    const air = new VirtualAir();
    const transport = air.createController();
    const hci = await Hci.open(transport);
    transport.controller.addFault({ at: transport.controller.packetsToHost + 2, action: 'hardware-error' });
    const reset = hci.next('reset');
    const hardware = hci.next('hardwareError');
    for (let i = 0; i < 6; i++) await hci.execute('leRand', {}).catch(() => undefined);
    expect((await hardware)[0]).toBe(0x42);
    const [info] = await reset;
    expect(info.manufacturer).toBe(0xffff);
    await expect(hci.execute('leRand', {})).resolves.toBeDefined();
    await hci.close();
    air.close();
  });

  it('reports a Zephyr controller crash with file and line', async () => {
    const air = new VirtualAir();
    const transport = air.createController({ zephyr: true });
    const hci = await Hci.open(transport);
    transport.controller.addFault({ at: transport.controller.packetsToHost + 2, action: 'crash' });
    const crash = hci.next('controllerCrash');
    hci.on('error', () => undefined);
    for (let i = 0; i < 5; i++) await hci.execute('leRand', {}, 200).catch(() => undefined);
    const [error] = await crash;
    expect(error.message).toBe('controller crashed at lll_conn.c:1234; unplug and replug it');
    await hci.close();
    air.close();
  });

  it('surfaces an unplugged controller as a typed error and close', async () => {
    const air = new VirtualAir();
    const transport = air.createController();
    const hci = await Hci.open(transport);
    transport.controller.addFault({ at: transport.controller.packetsToHost + 2, action: 'unplug' });
    const error = hci.next('error');
    const closed = hci.next('close');
    for (let i = 0; i < 6; i++) await hci.execute('leRand', {}).catch(() => undefined);
    expect((await error)[0].code).toBe('transport-closed');
    await closed;
    await expect(hci.execute('leRand', {})).rejects.toMatchObject({ code: 'closed' });
    air.close();
  });

  it('times out a command whose answer was dropped, naming it, and carries on', async () => {
    const air = new VirtualAir();
    const transport = air.createController();
    const hci = await Hci.open(transport, { commandTimeoutMs: 100 });
    transport.controller.addFault({ at: transport.controller.packetsToHost + 2, action: 'drop' });
    const results = await Promise.allSettled([
      hci.execute('leRand', {}),
      hci.execute('leRand', {}),
      hci.execute('leRand', {}),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected).toHaveLength(1);
    expect(String(rejected[0]?.reason.message)).toMatch(/leRand \(0x2018\) got no Command Complete/);
    await hci.close();
    air.close();
  });

  it('resynchronises after garbage on the line', async () => {
    const air = new VirtualAir();
    const transport = air.createController({
      faults: [
        { at: 3, action: 'garbage', bytes: Uint8Array.of(0x00, 0x07, 0x99) },
        { at: 8, action: 'garbage' },
      ],
    });
    const hci = await Hci.open(transport);
    expect(hci.info.bufferSizeSource).toBe('le-v2');
    await hci.close();
    air.close();
  });
});
