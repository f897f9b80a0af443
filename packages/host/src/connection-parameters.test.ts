/**
 * A peripheral's Connection Parameter Update Request (Core 6.0 Vol 3 Part A 4.20) over the virtual
 * controller: the central answers as its policy says and applies what it accepted with HCI LE Connection
 * Update, so both controllers report the new parameters; a refusal changes nothing.
 */
import type { Hci } from '@tsble/hci-transport';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import type { ConnectionParameterPolicy, ConnectionParameterRequest } from './connection.js';
import { Host } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

const SLOWER: ConnectionParameterRequest = { intervalMin: 24, intervalMax: 40, latency: 4, timeout: 600 };

async function request(policy?: ConnectionParameterPolicy) {
  const air = new VirtualAir();
  const peripheral = await Host.open(air.createController(), { bondStore: new MemoryBondStore() });
  const central = await Host.open(air.createController(), {
    bondStore: new MemoryBondStore(),
    ...(policy ? { connectionParameters: policy } : {}),
  });
  opened.push(peripheral, central);
  await peripheral.advertise({ name: 'sensor' });
  const accepted = peripheral.accept();
  await central.connect(peripheral.identityAddress);
  const theirs = await accepted;
  const updates: { hci: Hci; interval: number; latency: number; timeout: number }[] = [];
  for (const hci of [central.hci, peripheral.hci])
    hci.on('connectionUpdate', (e) =>
      updates.push({
        hci,
        interval: e.connectionInterval,
        latency: e.peripheralLatency,
        timeout: e.supervisionTimeout,
      }),
    );
  const answer = await theirs.l2cap.requestConnectionParameterUpdate(SLOWER);
  // An accepted update takes effect some connection events later (six, at the air's timing): wait for both
  // controllers' events; a refusal has nothing to wait for beyond the same bound.
  const until = performance.now() + (answer ? 3000 : 400);
  while (updates.length < 2 && performance.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return { answer, updates };
}

describe('connection parameter update requests', () => {
  it('are accepted and applied by default: both controllers report the new interval, latency and timeout', async () => {
    const { answer, updates } = await request();
    expect(answer).toBe(true);
    expect(updates).toHaveLength(2);
    for (const update of updates) expect(update).toMatchObject({ interval: 40, latency: 4, timeout: 600 });
  });

  it("'refuse' answers rejected and nothing changes", async () => {
    const { answer, updates } = await request('refuse');
    expect(answer).toBe(false);
    expect(updates).toEqual([]);
  });

  it('a policy function sees the request and decides', async () => {
    const seen: ConnectionParameterRequest[] = [];
    const { answer, updates } = await request((r) => {
      seen.push(r);
      return r.latency === 0;
    });
    expect(seen).toEqual([SLOWER]);
    expect(answer).toBe(false);
    expect(updates).toEqual([]);
  });
});
