import { HciStatus } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { openLinkedPair } from './linked-pair.js';

describe('faults on a live link', () => {
  it('a lost link (fault `disconnect`) reaches both hosts as a supervision timeout', async () => {
    const pair = await openLinkedPair();
    const controller = pair.centralTransport.controller;
    controller.addFault({ at: controller.packetsToHost + 1, action: 'disconnect' });
    const both = Promise.all([pair.central.next('disconnection'), pair.peripheral.next('disconnection')]);
    await pair.central.execute('leRand', {});
    const [[c], [p]] = await both;
    expect(c.reason).toBe(HciStatus.connectionTimeout);
    expect(p.reason).toBe(HciStatus.connectionTimeout);
    await pair.close();
  });

  it('a Hardware Error drops the host’s connections (each reported) and brings the controller back', async () => {
    const pair = await openLinkedPair();
    const controller = pair.centralTransport.controller;
    controller.addFault({ at: controller.packetsToHost + 1, action: 'hardware-error' });
    const gone = pair.central.next('disconnection');
    const back = pair.central.next('reset');
    const peerGone = pair.peripheral.next('disconnection');
    await pair.central.execute('leRand', {}).catch(() => undefined);
    expect((await gone)[0]).toMatchObject({
      connectionHandle: pair.centralHandle,
      reason: HciStatus.hardwareFailure,
    });
    await back;
    // The controller's Reset dropped the link on the air: the peer sees it too.
    expect((await peerGone)[0].reason).toBe(HciStatus.connectionTimeout);
    expect(pair.central.connectionHandles.size).toBe(0);
    await pair.close();
  });

  it('a delayed packet arrives late but arrives', async () => {
    const pair = await openLinkedPair();
    const controller = pair.peripheralTransport.controller;
    controller.addFault({ at: controller.packetsToHost + 1, action: 'delay', delayMs: 50 });
    const got = pair.peripheral.next('acl');
    const started = Date.now();
    await pair.central.sendAcl(pair.centralHandle, 0, Uint8Array.of(1, 2, 3));
    const [, , data] = await got;
    expect([...data]).toEqual([1, 2, 3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    await pair.close();
  });
});
