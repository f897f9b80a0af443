import { HciStatus } from '@tsble/hci-transport';
import { describe, expect, it } from 'vitest';
import { VirtualAir } from './air.js';
import { timingFromEnvironment } from './connection-events.js';
import { openLinkedPair } from './linked-pair.js';

const ltk = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

function linkOf(pair: Awaited<ReturnType<typeof openLinkedPair>>) {
  const link = pair.air.linkFor(pair.centralTransport.controller, pair.centralHandle);
  if (!link) throw new Error('no link');
  return link;
}

describe('connection events (timed links)', () => {
  it('delivers data at connection events, a few PDUs each, in order', async () => {
    const pair = await openLinkedPair({
      air: new VirtualAir({ timing: { intervalMs: 30, pdusPerEvent: 2 } }),
    });
    const arrivals: { at: number; first: number }[] = [];
    pair.peripheral.on('acl', (_h, _pb, data) =>
      arrivals.push({ at: performance.now(), first: data[0] ?? -1 }),
    );
    for (let i = 0; i < 6; i++) await pair.central.sendAcl(pair.centralHandle, 0, new Uint8Array(20).fill(i));
    while (arrivals.length < 6) await new Promise((r) => setTimeout(r, 5));
    expect(arrivals.map((a) => a.first)).toEqual([0, 1, 2, 3, 4, 5]);
    // Two per event: pairs arrive together, the next pair one interval later.
    const gaps = [2, 4].map((i) => (arrivals[i]?.at ?? 0) - (arrivals[i - 1]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThan(20);
    expect((arrivals[1]?.at ?? 0) - (arrivals[0]?.at ?? 0)).toBeLessThan(10);
    await pair.close();
  });

  it('takes connection events for encryption, and the central sees Encryption Change before the encrypted data', async () => {
    const pair = await openLinkedPair({ air: new VirtualAir({ timing: { intervalMs: 20 } }) });
    const link = linkOf(pair);
    const order: string[] = [];
    pair.peripheral.on('ltkRequest', (e) => {
      order.push(`ltk-request@${link.events.counter}`);
      void pair.peripheral.execute('leLongTermKeyRequestReply', {
        connectionHandle: e.connectionHandle,
        longTermKey: ltk,
      });
    });
    // The peripheral's host sends data the moment its link is encrypted (key distribution does this).
    pair.peripheral.on('encryptionChange', () => {
      order.push('peripheral-encrypted');
      void pair.peripheral.sendAcl(pair.peripheralHandle, 0, Uint8Array.of(0xee));
    });
    pair.central.on('encryptionChange', () => order.push(`central-encrypted@${link.events.counter}`));
    pair.central.on('acl', () => order.push('central-data'));
    const start = link.events.counter;
    await pair.central.execute('leEnableEncryption', {
      connectionHandle: pair.centralHandle,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
      longTermKey: ltk,
    });
    while (!order.includes('central-data')) await new Promise((r) => setTimeout(r, 5));
    const central = order.find((o) => o.startsWith('central-encrypted')) ?? '';
    expect(Number(central.split('@')[1]) - start).toBeGreaterThanOrEqual(3);
    expect(order.indexOf(central)).toBeLessThan(order.indexOf('central-data'));
    expect(order[0]).toMatch(/^ltk-request@/);
    await pair.close();
  });

  it('applies a connection update six events ahead, and the events then follow the new interval', async () => {
    const pair = await openLinkedPair({ air: new VirtualAir({ timing: {} }) });
    const link = linkOf(pair);
    expect(link.events.intervalMs).toBe(40 * 1.25); // openLinkedPair asks for interval 40 (50 ms)
    const update = pair.central.next('connectionUpdate');
    const before = link.events.counter;
    await pair.central.execute('leConnectionUpdate', {
      connectionHandle: pair.centralHandle,
      connectionIntervalMin: 8,
      connectionIntervalMax: 8,
      maxLatency: 0,
      supervisionTimeout: 100,
      minCeLength: 0,
      maxCeLength: 0,
    });
    await update;
    expect(link.events.counter - before).toBeGreaterThanOrEqual(6);
    expect(link.events.intervalMs).toBe(10);
    await pair.close();
  });

  it('can be switched per link: back to instant, what waited is delivered at once', async () => {
    const pair = await openLinkedPair({ air: new VirtualAir({ timing: { intervalMs: 10_000 } }) });
    const link = linkOf(pair);
    const received: number[] = [];
    pair.peripheral.on('acl', (_h, _pb, data) => received.push(data[0] ?? -1));
    await pair.central.sendAcl(pair.centralHandle, 0, Uint8Array.of(7));
    await new Promise((r) => setTimeout(r, 30));
    expect(received).toEqual([]);
    link.events.timing = undefined;
    await new Promise((r) => setTimeout(r, 10));
    expect(received).toEqual([7]);
    const gone = pair.peripheral.next('disconnection');
    await pair.central.execute('disconnect', { connectionHandle: pair.centralHandle, reason: 0x13 });
    expect((await gone)[0].reason).toBe(HciStatus.remoteUserTerminatedConnection);
    await pair.close();
  });

  it('reads TSBLE_SIM_INTERVAL_MS', () => {
    expect(timingFromEnvironment({})).toBeUndefined();
    expect(timingFromEnvironment({ TSBLE_SIM_INTERVAL_MS: 'instant' })).toBeUndefined();
    expect(timingFromEnvironment({ TSBLE_SIM_INTERVAL_MS: '30' })).toEqual({ intervalMs: 30 });
    expect(timingFromEnvironment({ TSBLE_SIM_INTERVAL_MS: 'link' })).toEqual({});
    expect(() => timingFromEnvironment({ TSBLE_SIM_INTERVAL_MS: 'soon' })).toThrow(
      /TSBLE_SIM_INTERVAL_MS=soon/,
    );
  });
});

describe('a timed link in a process of its own', () => {
  it('keeps the process alive while PDUs wait for a connection event, and lets it exit when idle', async () => {
    const { spawnSync } = await import('node:child_process');
    const dist = new URL('../dist/index.js', import.meta.url).href;
    // Nothing else keeps this process alive: no socket, no timer of its own.
    const script = `
      const { VirtualAir, openLinkedPair } = await import(${JSON.stringify(dist)});
      const pair = await openLinkedPair({ air: new VirtualAir({ timing: { intervalMs: 40 } }) });
      const got = pair.peripheral.next('acl');
      await pair.central.sendAcl(pair.centralHandle, 0, Uint8Array.of(1, 2, 3));
      const [, , data] = await got;
      console.log('delivered', Array.from(data).join(','));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stdout).toContain('delivered 1,2,3');
    expect(run.status).toBe(0);
  });
});
