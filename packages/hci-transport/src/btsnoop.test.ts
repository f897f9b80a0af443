import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BtsnoopWriter } from './btsnoop.js';

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
