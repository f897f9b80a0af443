import { describe, expect, it } from 'vitest';
import { runStandaloneExample } from '../../examples/standalone-pairing.js';

describe('examples/standalone-pairing.ts', () => {
  it('pairs a phone and a sensor with Passkey Entry over a plain in-memory transport', async () => {
    const { phone, sensor } = await runStandaloneExample();
    expect(phone.log.at(-1)).toBe('paired: passkey-entry, level 4, bonded true');
    expect(sensor.log.at(-1)).toBe('paired: passkey-entry, level 4, bonded true');
    expect(phone.log).toContain(`types ${sensor.displayed}`);
    expect(phone.storedBond?.peerLtk).toEqual(sensor.storedBond?.localLtk);
  });
});
