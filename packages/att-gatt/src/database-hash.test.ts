import { readFileSync } from 'node:fs';
import { aesCmac } from '@tsble/smp-core';
import { describe, expect, it } from 'vitest';
import { databaseHashInput } from './database-hash.js';
import type { ServiceDefinition } from './definitions.js';
import { GattServer } from './gatt-server.js';
import { gattStack } from './stack.test-support.js';

const vector = JSON.parse(
  readFileSync(new URL('../../../test-vectors/gatt-database-hash.json', import.meta.url), 'utf8'),
) as {
  msg: string;
  out: string;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The database of Core 6.0 Vol 3 Part G 7.3.1: GAP, GATT, Glucose including a secondary Battery service. */
function specExampleOptions() {
  const battery: ServiceDefinition = {
    uuid: '180f',
    primary: false,
    characteristics: [{ uuid: '2a19', properties: ['read'], value: Uint8Array.of(100) }],
  };
  const glucose: ServiceDefinition = {
    uuid: '1808',
    includes: [battery],
    characteristics: [{ uuid: '2a18', properties: ['read', 'indicate'], extendedProperties: 0x0000 }],
  };
  return { deviceName: 'x', deviceNameWrite: {}, services: [glucose, battery] };
}

function specExample(): GattServer {
  return new GattServer(specExampleOptions());
}

describe('Database Hash (Core Vol 3 Part G 7.3)', () => {
  it('builds exactly the spec example message from declared services', () => {
    expect(hex(databaseHashInput(specExample().database.attributes))).toBe(vector.msg);
  });

  it('hashes it to the spec sample value', () => {
    expect(hex(aesCmac(new Uint8Array(16), Buffer.from(vector.msg, 'hex')))).toBe(vector.out);
    expect(hex(specExample().databaseHash.slice().reverse())).toBe(vector.out);
  });

  it('a client reads the hash characteristic in GATT (little-endian) order', async () => {
    const stack = gattStack({ server: specExampleOptions() });
    const [entry] = await stack.client.readByUuid('2b2a');
    expect(hex(entry?.value ?? new Uint8Array(0))).toBe(hex(Buffer.from(vector.out, 'hex').reverse()));
  });

  it('changes when a service is added', async () => {
    const server = specExample();
    const before = hex(server.databaseHash);
    await server.addServices([
      { uuid: '180a', characteristics: [{ uuid: '2a29', properties: ['read'], value: 'tsble' }] },
    ]);
    expect(hex(server.databaseHash)).not.toBe(before);
  });
});
