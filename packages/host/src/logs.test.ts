/**
 * The host's JSON logs stay readable by log tools: pino's own `level` is never overwritten by a field of
 * ours (the security level is `securityLevel`), and addresses are text, not byte objects.
 */
import { VirtualAir } from '@tsble/virtual-controller';
import pino from 'pino';
import { expect, it } from 'vitest';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { Host } from './host.js';

it('a connection, a pairing and a bonded reconnection log pino levels and text addresses', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const air = new VirtualAir();
  const peripheral = await Host.open(air.createController(), { bondStore: new MemoryBondStore(), logger });
  const central = await Host.open(air.createController(), { bondStore: new MemoryBondStore(), logger });
  try {
    for (let round = 0; round < 2; round++) {
      await peripheral.advertise({ name: 'logs' });
      const accepted = peripheral.accept();
      const connection = await central.connect(peripheral.identityAddress);
      await accepted;
      if (round === 0) await connection.pair();
      else await connection.encrypt();
      await connection.disconnect();
    }
  } finally {
    await central.close();
    await peripheral.close();
  }
  expect(lines.length).toBeGreaterThan(20);
  const pinoLevels = new Set([10, 20, 30, 40, 50, 60]);
  for (const line of lines) {
    expect(pinoLevels.has(line.level as number), JSON.stringify(line)).toBe(true);
    for (const [key, value] of Object.entries(line)) {
      // A Uint8Array logged as-is becomes {"0":..,"1":..}: an address or key nobody can read.
      const bytes = typeof value === 'object' && value !== null && '0' in value;
      expect(bytes, `${key} in ${JSON.stringify(line).slice(0, 200)}`).toBe(false);
    }
  }
  expect(lines.some((l) => l.msg === 'paired' && l.securityLevel === 2)).toBe(true);
  expect(
    lines.some(
      (l) => l.msg === 'controller ready' && /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/.test(String(l.address)),
    ),
  ).toBe(true);
});
