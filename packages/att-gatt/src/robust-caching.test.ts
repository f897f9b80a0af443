import { describe, expect, it } from 'vitest';
import { AttErrorCode, GattUuid } from './constants.js';
import { gattStack, settle } from './stack.test-support.js';

const EXTRA = [
  { uuid: '5555', characteristics: [{ uuid: '6666', properties: ['read' as const], value: 'new' }] },
];

async function robustClient() {
  const stack = gattStack({
    server: {
      services: [
        {
          uuid: '1111',
          characteristics: [{ uuid: '2222', properties: ['read', 'writeWithoutResponse'], value: 'x' }],
        },
      ],
    },
  });
  const [csf] = await stack.client.readByUuid(GattUuid.clientSupportedFeatures);
  await stack.client.write(csf!.handle, Uint8Array.of(0x01)); // Robust Caching
  const c = stack.server.characteristic('2222')!;
  return { ...stack, c };
}

describe('Robust Caching (Core Vol 3 Part G 2.5.2.1)', () => {
  it('after a change the first request gets Database Out Of Sync, the next one is served', async () => {
    const s = await robustClient();
    await s.server.addServices(EXTRA);
    await expect(s.client.read(s.c.valueHandle)).rejects.toMatchObject({
      code: AttErrorCode.databaseOutOfSync,
      handle: 0,
    });
    expect(await s.client.read(s.c.valueHandle)).toEqual(new TextEncoder().encode('x'));
    expect(s.connection.awareness.changeAware).toBe(true);
  });

  it('reading the Database Hash is always served and resynchronises the client', async () => {
    const s = await robustClient();
    await s.server.addServices(EXTRA);
    const [hash] = await s.client.readByUuid(GattUuid.databaseHash);
    expect(hash?.value).toEqual(s.server.databaseHash);
    expect(await s.client.read(s.c.valueHandle)).toEqual(new TextEncoder().encode('x'));
  });

  it('commands from a change-unaware client are ignored', async () => {
    const s = await robustClient();
    await s.server.addServices(EXTRA);
    await s.client.writeWithoutResponse(s.c.valueHandle, Uint8Array.of(7));
    await settle();
    expect(s.server.getValue(s.c)).toEqual(new TextEncoder().encode('x'));
  });

  it('confirming the Service Changed indication keeps the client change-aware', async () => {
    const s = await robustClient();
    await s.client.enableServiceChanged();
    await s.server.addServices(EXTRA);
    expect(s.connection.awareness.changeAware).toBe(true);
    expect(await s.client.read(s.c.valueHandle)).toEqual(new TextEncoder().encode('x'));
  });

  it('clients without Robust Caching are never refused', async () => {
    const s = gattStack({
      server: {
        services: [{ uuid: '1111', characteristics: [{ uuid: '2222', properties: ['read'], value: 'x' }] }],
      },
    });
    await s.server.addServices(EXTRA);
    expect(await s.client.read(s.server.characteristic('2222')!.valueHandle)).toEqual(
      new TextEncoder().encode('x'),
    );
  });
});
