import { describe, expect, it } from 'vitest';
import { pairInMemory } from '../../examples/in-memory-link.js';
import { IoCapability } from '../constants.js';
import { PairingSession } from './session.js';
import type { PairingConfig } from './types.js';

const A = { address: Uint8Array.of(1, 2, 3, 4, 5, 0xc6), type: 'random' as const };
const B = { address: Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66), type: 'public' as const };

function pair(c: Partial<PairingConfig>, p: Partial<PairingConfig>) {
  const central = new PairingSession({ role: 'central', localAddress: A, peerAddress: B, config: c });
  const peripheral = new PairingSession({ role: 'peripheral', localAddress: B, peerAddress: A, config: p });
  return pairInMemory({ central, peripheral });
}

describe('smoke', () => {
  for (const sc of [true, false]) {
    for (const [io, mitm] of [[IoCapability.NoInputNoOutput, false], [IoCapability.KeyboardDisplay, true], [IoCapability.DisplayYesNo, true]] as const) {
      it(`sc=${sc} io=${io}`, async () => {
        const r = await pair({ sc, io, mitm }, { sc, io, mitm });
        expect(r.central.failed).toBeUndefined();
        expect(r.peripheral.failed).toBeUndefined();
        expect(r.central.complete?.sc).toBe(sc);
        expect(r.central.complete?.keys.peerLtk?.key).toEqual(r.peripheral.complete?.keys.localLtk?.key);
      });
    }
  }
});
