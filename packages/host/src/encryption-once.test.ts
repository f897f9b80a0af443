/**
 * A bonded reconnection encrypts once: the peripheral's Security Request, the application's encrypt() calls
 * and a GATT read that needs encryption all wait for the same LE Enable Encryption (the session starts no
 * second one while one is under way, and none once the link is encrypted).
 */

import { afterEach, expect, it } from 'vitest';
import { PROTECTED_UUIDS } from '../../att-gatt/src/protected-service.test-support.js';
import { type BondedPair, bondedPair } from './bonded-pair.test-support.js';

let hosts: BondedPair | undefined;
afterEach(async () => {
  await hosts?.close();
});

it('a bonded reconnection to a peripheral that sends a Security Request sends LE Enable Encryption once', async () => {
  hosts = await bondedPair();
  const { central } = hosts;
  const commands: string[] = [];
  const execute = central.hci.execute.bind(central.hci);
  central.hci.execute = ((name: string, ...rest: unknown[]) => {
    commands.push(name);
    return (execute as (name: string, ...rest: unknown[]) => Promise<unknown>)(name, ...rest);
  }) as typeof central.hci.execute;

  const { ours, theirs } = await hosts.connect();
  let encryptedEvents = 0;
  ours.on('encrypted', () => {
    encryptedEvents += 1;
  });
  const requested = theirs.pair(); // Security Request: the bonded central encrypts from its bond
  const [a, b] = [ours.encrypt(), ours.encrypt()];
  const read = ours.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.encrypted);
  await Promise.all([a, b, requested]);
  expect(new TextDecoder().decode(await read)).toBe('encrypted');
  await ours.encrypt(); // already encrypted: nothing to do
  expect(commands.filter((name) => name === 'leEnableEncryption')).toHaveLength(1);
  expect(encryptedEvents).toBe(1);
  expect((await requested).method).toBe('bond');
});
