/**
 * A controller that fails under a running command ends it with exit 3 and the failure named, never as a normal
 * end (issue: a controller that died after key distribution and HCI Disconnect was reported as "disconnected
 * reason 31" with exit 0), and Ctrl-C during a start-up that the controller never answers ends the command at
 * once. The controller is tsble's virtual controller behind the conformance suite's hostile proxy on a real unix
 * socket, with a tsble peripheral on the same air; the CLI runs as a child process.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAddress, Host, MemoryBondStore } from '@tsble/host';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { Op } from '../../../conformance/src/hostile-controller/forge.js';
import { HostileController } from '../../../conformance/src/hostile-controller/proxy.js';
import { children, event, launch, run } from './e2e-helpers.test-support.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('a controller that fails under a command', () => {
  it('pair: the Disconnect that is never answered is a controller failure (exit 3, the command named)', async () => {
    const air = new VirtualAir();
    const peripheral = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
    cleanups.push(() => peripheral.close());
    await peripheral.advertise({ name: 'peer' });
    const hostile = await HostileController.listen(air, {
      // The controller dies once the pairing is done: it never answers the central's Disconnect.
      onCommand: (opcode) => (opcode === Op.disconnect ? 'swallow' : 'pass'),
    });
    cleanups.push(() => hostile.close());
    const store = join(mkdtempSync(join(tmpdir(), 'tsble-fail-')), 'bonds.json');
    const { code, events } = await run([
      'pair',
      formatAddress(peripheral.identityAddress),
      '--transport',
      hostile.spec,
      '--bond-store',
      store,
      '--timeout',
      '20',
    ]);
    expect(event(events, 'paired')).toBeDefined();
    expect(code).toBe(3);
    const error = event(events, 'error');
    expect(String(error?.message)).toMatch(/disconnect/i);
  }, 40_000);

  it('serve: a Hardware Error is recovered from; serve says what it restored and keeps advertising', async () => {
    const air = new VirtualAir();
    const hostile = await HostileController.listen(air, {});
    cleanups.push(() => hostile.close());
    const store = join(mkdtempSync(join(tmpdir(), 'tsble-reset-')), 'bonds.json');
    const serve = launch(['serve', '--transport', hostile.spec, '--bond-store', store]);
    await serve.waitFor('advertising');
    hostile.context?.inject({ kind: 'hardware-error', hardwareCode: 0x42 });
    const reset = await serve.waitFor('controller-reset');
    expect(reset.restored).toEqual(expect.arrayContaining(['advertising']));
    // Still serving: a central on the same air finds it advertising and connects.
    const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
    cleanups.push(() => central.close());
    const ready = await serve.waitFor('ready');
    const connection = await central.connect(String(ready.address), { timeoutMs: 5000 });
    expect(connection.role).toBe('central');
    expect(serve.child.exitCode).toBeNull();
  }, 30_000);

  it('Ctrl-C while the controller never answers HCI Reset ends the command at once (exit 1, interrupted)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsble-silent-')), 'hci.sock');
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const running = launch(['info', '--transport', `unix:${path}`]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const sent = performance.now();
    running.child.kill('SIGINT');
    const code = await new Promise<number>((resolve) => running.child.on('close', (c) => resolve(c ?? -1)));
    expect(performance.now() - sent).toBeLessThan(1000);
    expect(code).toBe(1);
    expect(event(running.events, 'error')).toMatchObject({ code: 'interrupted' });
  });
});
