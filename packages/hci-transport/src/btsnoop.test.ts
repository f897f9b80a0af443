import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BtsnoopMonitorWriter, BtsnoopWriter } from './btsnoop.js';

describe('btsnoop writer', () => {
  it('writes the header and records with direction and command/event flags (datalink 1002, H4)', () => {
    const chunks: Uint8Array[] = [];
    const writer = new BtsnoopWriter({ write: (b) => chunks.push(b.slice()) });
    writer.write({ type: 'command', opcode: 0x0c03, params: new Uint8Array(0) }, 'sent', 0);
    writer.write(
      { type: 'acl', handle: 1, packetBoundary: 2, broadcast: 0, data: Uint8Array.of(9) },
      'received',
      0,
    );
    const header = chunks[0] as Uint8Array;
    expect(new TextDecoder().decode(header.subarray(0, 8))).toBe('btsnoop\0');
    const h = new DataView(header.buffer);
    expect([h.getUint32(8), h.getUint32(12)]).toEqual([1, 1002]);
    const command = new DataView((chunks[1] as Uint8Array).buffer);
    expect([command.getUint32(0), command.getUint32(4), command.getUint32(8)]).toEqual([4, 4, 2]);
    expect(command.getBigInt64(16)).toBe(0x00dcddb30f2f8000n);
    expect([...(chunks[1] as Uint8Array).subarray(24)]).toEqual([1, 3, 0x0c, 0]);
    const acl = new DataView((chunks[2] as Uint8Array).buffer);
    expect(acl.getUint32(8)).toBe(1);
    expect(writer.count).toBe(2);
  });
});

describe('btsnoop timestamps', () => {
  it('have microsecond resolution and never go backwards', () => {
    const chunks: Uint8Array[] = [];
    const writer = new BtsnoopWriter({ write: (b) => chunks.push(b.slice()) });
    const reset = { type: 'command', opcode: 0x0c03, params: new Uint8Array(0) } as const;
    const start = performance.now();
    while (performance.now() - start < 3 || writer.count < 20) writer.write(reset, 'sent');
    const stamps = chunks.slice(1).map((c) => new DataView(c.buffer).getBigInt64(16));
    // Whole-millisecond stamps would all be multiples of 1000 us (the year-0 offset is one too).
    expect(stamps.some((t) => t % 1000n !== 0n)).toBe(true);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! >= stamps[i - 1]!).toBe(true);
    const wall = BigInt(Date.now()) * 1000n + 0x00dcddb30f2f8000n;
    const last = stamps[stamps.length - 1] ?? 0n;
    expect(last > wall - 5_000_000n && last < wall + 5_000_000n).toBe(true);
  });

  it('keep a fractional millisecond given by the caller', () => {
    const chunks: Uint8Array[] = [];
    const writer = new BtsnoopWriter({ write: (b) => chunks.push(b.slice()) });
    writer.write({ type: 'command', opcode: 0x0c03, params: new Uint8Array(0) }, 'sent', 1.234);
    expect(new DataView((chunks[1] as Uint8Array).buffer).getBigInt64(16)).toBe(0x00dcddb30f2f8000n + 1234n);
  });
});

describe('btsnoop capture file', () => {
  const reset = { type: 'command', opcode: 0x0c03, params: new Uint8Array(0) } as const;

  it('is created readable by its owner only (it holds LTKs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsble-btsnoop-'));
    try {
      const file = join(dir, 'capture.btsnoop');
      // With no umask, the file gets exactly the mode it is opened with.
      const umask = process.umask(0);
      try {
        const writer = new BtsnoopWriter(file);
        writer.write(reset, 'sent', 0);
        writer.close();
      } finally {
        process.umask(umask);
      }
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(file).size).toBe(16 + 24 + 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the mode of a file that is already there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsble-btsnoop-'));
    try {
      const file = join(dir, 'capture.btsnoop');
      writeFileSync(file, 'old capture');
      chmodSync(file, 0o640);
      new BtsnoopWriter(file).close();
      expect(statSync(file).mode & 0o777).toBe(0o640);
      expect(statSync(file).size).toBe(16);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const installed = (tool: string) => {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('btsnoop monitor capture (several controllers in one file)', () => {
  const reset = { type: 'command', opcode: 0x0c03, params: new Uint8Array(0) } as const;
  const resetComplete = { type: 'event', code: 0x0e, params: Uint8Array.of(1, 0x03, 0x0c, 0) } as const;

  it('writes datalink 2001 records whose flags name the controller index and the packet kind', () => {
    const chunks: Uint8Array[] = [];
    const writer = new BtsnoopMonitorWriter({ write: (b) => chunks.push(b.slice()) });
    writer.addIndex(3, Uint8Array.of(1, 2, 3, 4, 5, 6), 'sim-3', 0);
    writer.write(3, reset, 'sent', 0);
    writer.write(
      3,
      { type: 'acl', handle: 1, packetBoundary: 2, broadcast: 0, data: Uint8Array.of(9) },
      'received',
      0,
    );
    writer.removeIndex(3, 0);
    expect(new DataView((chunks[0] as Uint8Array).buffer).getUint32(12)).toBe(2001);
    const flags = chunks.slice(1).map((c) => new DataView(c.buffer).getUint32(8));
    expect(flags).toEqual([
      (3 << 16) | 0,
      (3 << 16) | 8,
      (3 << 16) | 2,
      (3 << 16) | 5,
      (3 << 16) | 9,
      (3 << 16) | 1,
    ]);
    const newIndex = (chunks[1] as Uint8Array).subarray(24);
    expect([...newIndex.subarray(2, 8)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...(chunks[3] as Uint8Array).subarray(24)]).toEqual([0x03, 0x0c, 0]); // no H4 indicator
    expect(writer.count).toBe(6);
  });

  it('is created 0600 and opens in btmon and tshark with both controllers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsble-btsnoop-'));
    try {
      const file = join(dir, 'monitor.btsnoop');
      const umask = process.umask(0);
      try {
        const writer = new BtsnoopMonitorWriter(file);
        writer.addIndex(0, Uint8Array.of(1, 0x4c, 0x42, 0x53, 0x54, 0), 'client-0');
        writer.addIndex(1, Uint8Array.of(2, 0x4c, 0x42, 0x53, 0x54, 0), 'client-1');
        for (const index of [0, 1]) {
          writer.write(index, reset, 'sent');
          writer.write(index, resetComplete, 'received');
        }
        writer.removeIndex(0);
        writer.close();
      } finally {
        process.umask(umask);
      }
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file).subarray(0, 8).toString('latin1')).toBe('btsnoop\0');
      if (!installed('btmon') || !installed('tshark'))
        return console.warn('skipping btmon/tshark: not installed');
      const btmon = execFileSync('btmon', ['-r', file], { encoding: 'utf8' });
      expect(btmon).toMatch(/New Index: 00:54:53:42:4C:01/);
      expect(btmon).toMatch(/New Index: 00:54:53:42:4C:02/);
      expect(btmon.match(/< HCI Command: Reset/g)).toHaveLength(2);
      expect(btmon.match(/> HCI Event: Command Complete/g)).toHaveLength(2);
      const tshark = execFileSync('tshark', ['-r', file], { encoding: 'utf8' });
      expect(tshark.match(/Reset/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
