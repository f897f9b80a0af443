import { describe, expect, it } from 'vitest';
import { leFeatureList } from './describe-controller.js';

const withBits = (...bits: number[]) => {
  const features = new Uint8Array(8);
  for (const bit of bits) features[bit >> 3] = (features[bit >> 3] ?? 0) | (1 << (bit & 7));
  return features;
};

describe('LE feature names', () => {
  it('names every bit Core 5.4 defines, in bit order', () => {
    const defined = [...Array(45).keys()].filter((bit) => bit !== 42);
    const names = leFeatureList(withBits(...defined));
    expect(names).toHaveLength(defined.length);
    expect(names.filter((name) => /^bit \d+$/.test(name))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect(leFeatureList(withBits(16))).toEqual(['Minimum Number of Used Channels Procedure']);
    expect(leFeatureList(withBits(6, 27, 44))).toEqual([
      'LL Privacy',
      'Remote Public Key Validation',
      'Periodic Advertising with Responses - Scanner',
    ]);
  });

  it('shows a bit 5.4 reserves or does not know by number', () => {
    expect(leFeatureList(withBits(42, 63))).toEqual(['bit 42', 'bit 63']);
  });
});
