import { describe, expect, it } from 'vitest';
import { ah, generateRpa, isRpa, resolvesWith } from './rpa.js';

/** Spec order (most significant octet first) to HCI order. */
const hci = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex').reverse());

describe('the controller’s RPA functions', () => {
  it('ah matches the sample data of Core 6.0 Vol 3 Part H Appendix D.7', () => {
    // IRK ec0234a357c8ad05341010a60a397d9b, prand 708194 -> hash 0dfbaa.
    expect(ah(hci('ec0234a357c8ad05341010a60a397d9b'), hci('708194'))).toEqual(hci('0dfbaa'));
  });

  it('generates RPAs that resolve with their IRK only', () => {
    const irk = hci('ec0234a357c8ad05341010a60a397d9b');
    const other = new Uint8Array(16).fill(7);
    for (let i = 0; i < 50; i++) {
      const rpa = generateRpa(irk);
      expect(isRpa(rpa)).toBe(true);
      expect(resolvesWith(rpa, irk)).toBe(true);
      expect(resolvesWith(rpa, other)).toBe(false);
    }
    expect(resolvesWith(hci('7081940dfbab'), irk)).toBe(false);
    // The sample RPA itself (prand 708194 is 0b01...): 708194 0dfbaa.
    expect(resolvesWith(hci('7081940dfbaa'), irk)).toBe(true);
  });
});
