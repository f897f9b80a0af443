/**
 * A link's security changes only through an encryption the host asked for (issue: "Encryption Change that
 * nobody asked for"). A lying controller reports Encryption Change or Key Refresh success for a link on which
 * the host never sent LE Enable Encryption (central) nor answered an LTK request with a key (peripheral): the
 * link stays unencrypted and a protected characteristic is not served.
 */

import { AttError } from '@tsble/att-gatt';
import type { VirtualControllerTransport } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTECTED_UUIDS } from '../../att-gatt/src/protected-service.test-support.js';
import { type BondedPair, hostsOnOneAir } from './bonded-pair.test-support.js';
import type { Connection } from './connection.js';
import type { HostOptions } from './host.js';

let hosts: BondedPair | undefined;
afterEach(async () => {
  await hosts?.close();
});

async function linked(options: { peripheral?: HostOptions; central?: HostOptions } = {}) {
  hosts = await hostsOnOneAir(options);
  const { ours, theirs } = await hosts.connect();
  return {
    peripheralController: hosts.peripheralController,
    centralController: hosts.centralController,
    ours,
    theirs,
  };
}

/** The controller says the link is encrypted; nothing on the host side asked. */
function lie(
  controller: VirtualControllerTransport,
  connection: Connection,
  kind: 'change' | 'refresh',
): void {
  controller.controller.sendEvent(
    kind === 'change'
      ? {
          kind: 'encryption-change',
          version: 1,
          status: 0,
          connectionHandle: connection.handle,
          encryptionEnabled: 1,
        }
      : { kind: 'encryption-key-refresh-complete', status: 0, connectionHandle: connection.handle },
  );
}

/** Lets the event reach the host (the virtual controller delivers asynchronously). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('an Encryption Change the host did not ask for', () => {
  for (const kind of ['change', 'refresh'] as const) {
    it(`peripheral: ${kind === 'change' ? 'Encryption Change' : 'Key Refresh'} success leaves the link unencrypted; the protected value is refused`, async () => {
      const { peripheralController, ours, theirs } = await linked();
      lie(peripheralController, theirs, kind);
      await settle();
      expect(theirs.encrypted).toBe(false);
      expect(theirs.securityLevel).toBe(1);
      const characteristic = await ours.gatt.client.characteristic(
        PROTECTED_UUIDS.service,
        PROTECTED_UUIDS.encrypted,
      );
      const read = await ours.gatt.client.read(characteristic.valueHandle).catch((error: unknown) => error);
      expect(read).toBeInstanceOf(AttError);
      expect((read as AttError).code).toBe(0x0f); // Insufficient Encryption
    });

    it(`central: ${kind === 'change' ? 'Encryption Change' : 'Key Refresh'} success without LE Enable Encryption leaves the link unencrypted`, async () => {
      const { centralController, ours } = await linked();
      let told = false;
      ours.on('encrypted', () => {
        told = true;
      });
      lie(centralController, ours, kind);
      await settle();
      expect(ours.encrypted).toBe(false);
      expect(told).toBe(false);
    });
  }

  for (const lied of ['peripheral', 'central'] as const) {
    it(`${lied}: an Encryption Change during a pairing, before the host started or keyed encryption, is not the pairing key`, async () => {
      // Passkey Entry holds the pairing after phase 1 until the central's user types the passkey.
      let shown: string | undefined;
      let type: (passkey: string) => void = () => undefined;
      const typed = new Promise<string>((resolve) => {
        type = resolve;
      });
      const { peripheralController, centralController, ours, theirs } = await linked({
        peripheral: {
          pairing: { io: 'display' },
          delegate: { displayPasskey: (digits) => (shown = digits) },
        },
        central: { delegate: { requestPasskey: () => typed } },
      });
      const asked = ours.next('passkeyRequest');
      const pairing = ours.pair({ io: 'keyboard', mitm: true });
      await asked;
      if (lied === 'peripheral') lie(peripheralController, theirs, 'change');
      else lie(centralController, ours, 'change');
      await settle();
      expect(theirs.encrypted).toBe(false);
      expect(ours.encrypted).toBe(false);
      // The real pairing still completes and encrypts through the encryption the hosts asked for.
      type(shown ?? '');
      const result = await pairing;
      expect(result.authenticated).toBe(true);
      expect(ours.encrypted && ours.authenticated).toBe(true);
      expect(theirs.encrypted && theirs.authenticated).toBe(true);
    });
  }

  it('an encryption the host asked for still counts (bonded reconnection)', async () => {
    const { ours, theirs } = await linked();
    await ours.pair();
    expect(ours.encrypted && theirs.encrypted).toBe(true);
  });
});
