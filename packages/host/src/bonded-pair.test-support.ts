/**
 * Test wiring shared by the host's security tests: a peripheral serving the demo service and a central on
 * one virtual air, a way to connect them again and again, and a first pairing that both sides have stored.
 */

import { VirtualAir, type VirtualControllerTransport } from '@tsble/virtual-controller';
import { protectedService } from '../../att-gatt/src/protected-service.test-support.js';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import type { Connection } from './connection.js';
import { Host, type HostOptions } from './host.js';

export interface BondedPair {
  air: VirtualAir;
  peripheral: Host;
  central: Host;
  /** The controllers under the two hosts (for injecting what a controller might say). */
  peripheralController: VirtualControllerTransport;
  centralController: VirtualControllerTransport;
  /** The peripheral advertises and the central connects: both ends. */
  connect(): Promise<{ ours: Connection; theirs: Connection }>;
  close(): Promise<void>;
}

export async function hostsOnOneAir(options: { peripheral?: HostOptions; central?: HostOptions } = {}) {
  const air = new VirtualAir();
  const peripheralController = air.createController();
  const centralController = air.createController();
  const peripheral = await Host.open(peripheralController, {
    bondStore: new MemoryBondStore(),
    gatt: { services: [protectedService()] },
    ...options.peripheral,
  });
  const central = await Host.open(centralController, {
    bondStore: new MemoryBondStore(),
    ...options.central,
  });
  const pair: BondedPair = {
    air,
    peripheral,
    central,
    peripheralController,
    centralController,
    async connect() {
      await peripheral.advertise({ name: 'peripheral' });
      const accepted = peripheral.accept();
      const ours = await central.connect(peripheral.identityAddress);
      return { ours, theirs: await accepted };
    },
    async close() {
      await central.close();
      await peripheral.close();
    },
  };
  return pair;
}

/** Both hosts, after a first pairing that both have stored and a disconnection. */
export async function bondedPair(options: { peripheral?: HostOptions; central?: HostOptions } = {}) {
  const hosts = await hostsOnOneAir(options);
  const first = await hosts.connect();
  const saved = first.theirs.next('bonded');
  await first.ours.pair();
  await saved;
  await first.ours.disconnect();
  return hosts;
}
