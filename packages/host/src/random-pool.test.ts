import { describe, expect, it } from 'vitest';
import { randomOctets } from './random-pool.js';

describe('randomOctets', () => {
  it('hands out fresh octets of the asked length, across pool refills and beyond the pool size', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const octets = randomOctets(16); // 600 x 16 octets crosses two 4096-octet refills
      expect(octets).toHaveLength(16);
      const hex = Buffer.from(octets).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
    expect(randomOctets(5000)).toHaveLength(5000);
  });

  it('gives each caller an array of its own, not a view of the pool', () => {
    const octets = randomOctets(16);
    expect(octets.buffer.byteLength).toBe(16);
    expect(octets.byteOffset).toBe(0);
  });
});
