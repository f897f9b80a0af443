/**
 * A lost bond on a link that stays up. When the peripheral's host has no LTK, its link layer rejects the
 * encryption start (LL_REJECT_EXT_IND, PIN or Key Missing; Core 6.0 Vol 6 Part B 5.1.3.1): the central gets
 * Encryption Change 0x06 and the connection remains, unencrypted. What happens next is the hosts' decision, so
 * these tests check tsble's on that kept link, in both roles: the lost bond is reported, no protected value
 * crosses the link in plaintext, nobody re-pairs unasked, and the application can still decide to pair.
 */

import { FixedCid } from '@tsble/l2cap';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTECTED_UUIDS, protectedService } from '../../att-gatt/src/protected-service.test-support.js';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import type { Connection } from './connection.js';
import { BondLostError } from './errors.js';
import { Host } from './host.js';

const opened: Host[] = [];
afterEach(async () => {
  for (const host of opened.splice(0)) await host.close();
});

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** ATT Error Response codes a server answers a read of an encrypted value with on a plaintext link. */
const insufficientSecurity = [0x05, 0x0f];

/** Bonds a client (central) and a demo server (peripheral), then reconnects them: `forget` chooses who lost it. */
async function bondThenReconnect(forget: 'server' | 'client-peer') {
  const air = new VirtualAir();
  const serverStore = new MemoryBondStore();
  const clientStore = new MemoryBondStore();
  const server = await Host.open(air.createController(), {
    bondStore: serverStore,
    gatt: { services: [protectedService()] },
  });
  const client = await Host.open(air.createController(), { bondStore: clientStore });
  opened.push(server, client);
  await server.advertise({ name: 'demo' });
  let accepted = server.accept();
  const first = await client.connect(server.identityAddress);
  const serverBonded = (await accepted).next('bonded');
  await first.pair();
  await serverBonded;
  await first.disconnect();
  if (forget === 'server') await serverStore.forgetAll();
  else await clientStore.forgetAll();
  await server.advertise({ name: 'demo' });
  accepted = server.accept();
  const central = await client.connect(server.identityAddress);
  const peripheral = await accepted;
  return { server, client, serverStore, clientStore, central, peripheral };
}

/** Records every PDU that arrives on `connection`'s fixed channel `cid` (what the peer sent). */
function received(connection: Connection, cid: number): number[] {
  const opcodes: number[] = [];
  connection.l2cap.fixedChannel(cid).on('pdu', (pdu) => opcodes.push(pdu[0] ?? -1));
  return opcodes;
}

describe('a lost bond on a kept link: the central (tsble) still has the bond, the peripheral lost it', () => {
  it('reports BondLostError once, keeps the link, and keeps the bond for the application to decide', async () => {
    const { central, peripheral, clientStore } = await bondThenReconnect('server');
    const lost: BondLostError[] = [];
    central.on('bondLost', (error) => lost.push(error));
    let disconnected = false;
    central.on('disconnected', () => {
      disconnected = true;
    });
    const error = await central.encrypt().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BondLostError);
    expect((error as BondLostError).status).toBe(0x06);
    expect(lost).toHaveLength(1);
    await settle(50);
    expect(disconnected).toBe(false);
    expect(central.connected).toBe(true);
    expect(peripheral.connected).toBe(true);
    expect(central.encrypted).toBe(false);
    expect(peripheral.encrypted).toBe(false);
    expect(clientStore.list()).toHaveLength(1);
  });

  it('sends no GATT request in plaintext and starts no pairing of its own afterwards', async () => {
    const { central, peripheral } = await bondThenReconnect('server');
    const att = received(peripheral, FixedCid.att);
    const smp = received(peripheral, FixedCid.smp);
    await expect(central.encrypt()).rejects.toBeInstanceOf(BondLostError);
    // Reads after the failure (the open value too: the peer is bonded, so nothing goes out unencrypted).
    await expect(
      central.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.encrypted),
    ).rejects.toBeInstanceOf(BondLostError);
    await expect(central.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.open)).rejects.toBeInstanceOf(
      BondLostError,
    );
    await settle(100);
    expect(att.filter((opcode) => opcode !== 0x02)).toEqual([]); // an MTU exchange carries no data
    expect(smp).toEqual([]);
    expect(central.connected).toBe(true);
  });

  it('pairs again on the kept link when the application asks', async () => {
    const { central, peripheral, clientStore } = await bondThenReconnect('server');
    await expect(central.encrypt()).rejects.toBeInstanceOf(BondLostError);
    const result = await central.pair({ bondReplacement: 'proven' });
    expect(result.sc).toBe(true);
    expect(central.encrypted).toBe(true);
    expect(peripheral.encrypted).toBe(true);
    expect(clientStore.list()).toHaveLength(1);
    expect(
      new TextDecoder().decode(await central.gatt.read(PROTECTED_UUIDS.service, PROTECTED_UUIDS.encrypted)),
    ).toBe('encrypted');
  });
});

describe('a lost bond on a kept link: tsble is the peripheral that lost the key', () => {
  it('answers the LTK request negatively, stays connected, and serves no protected value in plaintext', async () => {
    const { central, peripheral, server } = await bondThenReconnect('server');
    const smpFromPeripheral = received(central, FixedCid.smp);
    await expect(central.encrypt()).rejects.toBeInstanceOf(BondLostError);
    await settle(50);
    expect(peripheral.connected).toBe(true);
    expect(peripheral.encrypted).toBe(false);
    // A raw ATT Read Request for the encrypted value, as a central that ignores security would send it.
    const characteristic = server.gattServer.characteristic(PROTECTED_UUIDS.encrypted);
    if (!characteristic) throw new Error('demo encrypted characteristic missing');
    const handle = characteristic.valueHandle;
    const answer = new Promise<Uint8Array>((resolve) =>
      central.l2cap.fixedChannel(FixedCid.att).on('pdu', (pdu) => resolve(pdu)),
    );
    await central.l2cap.fixedChannel(FixedCid.att).send(Uint8Array.of(0x0a, handle & 0xff, handle >> 8));
    const pdu = await answer;
    expect(pdu[0]).toBe(0x01); // Error Response, not the value
    expect(insufficientSecurity).toContain(pdu[4]);
    await settle(50);
    // The peripheral did not invite a pairing by itself (no Security Request).
    expect(smpFromPeripheral).toEqual([]);
  });
});
