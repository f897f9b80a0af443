/** Test-only wiring: a GATT client and server over two real L2CAP instances joined in memory. */
import { createLoopbackAclLinks, FixedCid, L2cap, type LinkSecurity, type Timers } from '@tsble/l2cap';
import { AttBearer } from './att-bearer.js';
import { GattClient } from './gatt-client.js';
import { GattServer, type GattServerOptions } from './gatt-server.js';
import type { GattServerConnectionOptions } from './server-connection.js';

export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function secureLink(over: Partial<LinkSecurity> = {}): LinkSecurity {
  return { encrypted: false, authenticated: false, sc: false, keySize: 0, ...over };
}

export interface StackOptions {
  server?: GattServerOptions;
  connection?: GattServerConnectionOptions;
  fragment?: number;
  localMtu?: number;
  timers?: Timers;
}

export function gattStack(options: StackOptions = {}) {
  const [a, b] = createLoopbackAclLinks(0x40, options.fragment ?? 27);
  const central = new L2cap(a, { role: 'central' });
  const peripheral = new L2cap(b, { role: 'peripheral' });
  a.attach((pb, d) => central.receiveAcl(pb, d));
  b.attach((pb, d) => peripheral.receiveAcl(pb, d));
  const link = { security: secureLink() };
  const bearerOptions = {
    localMtu: options.localMtu ?? 517,
    ...(options.timers ? { timers: options.timers } : {}),
  };
  const clientBearer = new AttBearer(central.fixedChannel(FixedCid.att), bearerOptions);
  const serverBearer = new AttBearer(peripheral.fixedChannel(FixedCid.att), bearerOptions);
  const server = new GattServer(options.server);
  const connection = server.attach(serverBearer, { security: () => link.security, ...options.connection });
  const client = new GattClient(clientBearer);
  return { server, connection, client, clientBearer, serverBearer, link, central, peripheral };
}
