/**
 * The controller reports an Encryption Change before the first data it protects (Core 6.0 Vol 4 Part E 7.7.8),
 * and both controllers report it at once, but each host takes it in at its own pace. A request the central
 * sends the moment its link is encrypted is served encrypted; and a server that has not caught up (it answers
 * Insufficient Encryption on a link already encrypted) is asked again, never paired with.
 */

import { afterEach, expect, it } from 'vitest';
import { PROTECTED_UUIDS } from '../../att-gatt/src/protected-service.test-support.js';
import { type BondedPair, bondedPair } from './bonded-pair.test-support.js';

let hosts: BondedPair | undefined;
afterEach(async () => {
  await hosts?.close();
});

it('a request sent as soon as the central is encrypted is served encrypted by the peripheral', {
  timeout: 30_000,
}, async () => {
  hosts = await bondedPair();
  const refused: string[] = [];
  for (let round = 0; round < 20; round++) {
    const { ours } = await hosts.connect();
    await ours.encrypt();
    // The raw client: no automatic pairing that would hide a refusal.
    const { valueHandle } = await ours.gatt.client.characteristic(
      PROTECTED_UUIDS.service,
      PROTECTED_UUIDS.encrypted,
    );
    const value = await ours.gatt.client.read(valueHandle).catch((error: Error) => error);
    if (value instanceof Error) refused.push(`round ${round}: ${value.message}`);
    else expect(new TextDecoder().decode(value)).toBe('encrypted');
    await ours.disconnect();
  }
  expect(refused).toEqual([]);
});

it('a server that answers Insufficient Encryption on a link already encrypted is asked again, not paired with', async () => {
  hosts = await bondedPair();
  const { ours, theirs } = await hosts.connect();
  await ours.encrypt();
  await ours.gatt.client.characteristic(PROTECTED_UUIDS.service, PROTECTED_UUIDS.encrypted); // discovered (and cached) first
  // The server lags: its first judgement after the encryption still sees the link as it was (a loaded peer).
  const real = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(theirs), 'securityState');
  let lagging = 1;
  Object.defineProperty(theirs, 'securityState', {
    get() {
      const state = real?.get?.call(theirs);
      if (lagging-- > 0) return { ...state, encrypted: false, securityLevel: 1, keySize: 0 };
      return state;
    },
  });
  let paired = false;
  ours.on('pairingRequest', () => {
    paired = true;
  });
  const value = await ours.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.encrypted);
  expect(new TextDecoder().decode(value)).toBe('encrypted');
  expect(lagging).toBeLessThan(0); // the lagging judgement did happen
  expect(paired).toBe(false);
});
