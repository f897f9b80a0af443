/** Test-only wiring: two tsble stacks (HCI, L2CAP, ATT/GATT) connected through the virtual controller. */
import { FixedCid, L2cap, type LinkSecurity } from '@tsble/l2cap';
import { openLinkedPair } from '@tsble/virtual-controller';
import { AttBearer } from './att-bearer.js';
import { GattClient } from './gatt-client.js';
import { GattServer, type GattServerOptions } from './gatt-server.js';

export async function virtualStack(options: { server?: GattServerOptions; localMtu?: number } = {}) {
  const pair = await openLinkedPair();
  const central = new L2cap(pair.central.aclLink(pair.centralHandle), { role: 'central' });
  const peripheral = new L2cap(pair.peripheral.aclLink(pair.peripheralHandle), { role: 'peripheral' });
  pair.central.on('acl', (handle, pb, data) => handle === pair.centralHandle && central.receiveAcl(pb, data));
  pair.peripheral.on(
    'acl',
    (handle, pb, data) => handle === pair.peripheralHandle && peripheral.receiveAcl(pb, data),
  );
  pair.central.on('disconnection', () => central.close());
  pair.peripheral.on('disconnection', () => peripheral.close());
  // The peripheral's link security, as the host would track it from Encryption Change events.
  const security: LinkSecurity = { encrypted: false, authenticated: false, sc: false, keySize: 0 };
  pair.peripheral.on('encryptionChange', (e) => {
    security.encrypted = e.status === 0 && e.encryptionEnabled === 1;
    security.keySize = security.encrypted ? 16 : 0;
  });
  const bearerOptions = { localMtu: options.localMtu ?? 517 };
  const clientBearer = new AttBearer(central.fixedChannel(FixedCid.att), bearerOptions);
  const serverBearer = new AttBearer(peripheral.fixedChannel(FixedCid.att), bearerOptions);
  const server = new GattServer(options.server);
  const connection = server.attach(serverBearer, { security: () => security });
  const client = new GattClient(clientBearer);

  /** Encrypts the link with a shared LTK through real HCI commands on both controllers. */
  async function encrypt(): Promise<void> {
    const ltk = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
    pair.peripheral.on('ltkRequest', (e) => {
      void pair.peripheral.execute('leLongTermKeyRequestReply', {
        connectionHandle: e.connectionHandle,
        longTermKey: ltk,
      });
    });
    const changed = pair.peripheral.next('encryptionChange');
    await pair.central.execute('leEnableEncryption', {
      connectionHandle: pair.centralHandle,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
      longTermKey: ltk,
    });
    await changed;
  }

  return {
    pair,
    central,
    peripheral,
    clientBearer,
    serverBearer,
    server,
    connection,
    client,
    security,
    encrypt,
    close: () => pair.close(),
  };
}
