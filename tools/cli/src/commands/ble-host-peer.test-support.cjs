// An independent peer for the interop tests: the npm package `ble-host` (its own HCI, L2CAP, SMP and GATT),
// driven over an H4 unix socket (btvirt). Run by ble-host-interop.test.ts as a child process, with its cwd in a
// temporary directory (ble-host keeps its bonds in ./NodeBleLib-storage-dir). Prints one JSON event per line;
// reads passkeys it must type from stdin, one per line.
//
//   node ble-host-peer.fixture.cjs '{"role":"peripheral"|"central","socket":"/tmp/bt-server-le",
//        "io":3,"mitm":false,"sc":true,"target":{"type":"public","address":"00:AA:01:00:00:42"},"mode":"pair"|"encrypt"}'
'use strict';
const net = require('node:net');
const readline = require('node:readline');
const { EventEmitter } = require('node:events');
const { BleManager, AdvertisingDataBuilder, AssociationModels } = require('ble-host');

const config = JSON.parse(process.argv[2] || '{}');
const say = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const DEMO = (n) => `b1e5000${n}-3c9b-4e7a-9f1d-5e2a7c4d8b00`;

/** Whole H4 packets out of a byte stream, as ble-host's transport contract asks. */
class H4SocketTransport extends EventEmitter {
  constructor(path) {
    super();
    this.buffer = Buffer.alloc(0);
    this.socket = net.connect(path);
    this.socket.on('data', (chunk) => this.receive(chunk));
    this.socket.on('close', () => this.emit('close'));
    this.socket.on('error', (error) => say('error', { message: String(error) }));
  }
  write(packet) {
    this.socket.write(packet);
  }
  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const type = this.buffer[0];
      let length;
      if (type === 0x04 && this.buffer.length >= 3) length = 3 + this.buffer[2];
      else if (type === 0x02 && this.buffer.length >= 5) length = 5 + this.buffer.readUInt16LE(3);
      else if (type !== undefined && type !== 0x04 && type !== 0x02) {
        this.buffer = this.buffer.subarray(1); // not ours: skip
        continue;
      } else return;
      if (this.buffer.length < length) return;
      const packet = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      this.emit('data', Buffer.from(packet));
    }
  }
}

const lines = readline.createInterface({ input: process.stdin });
const pendingLines = [];
const lineWaiters = [];
lines.on('line', (line) => (lineWaiters.length ? lineWaiters.shift()(line) : pendingLines.push(line)));
const nextLine = () =>
  new Promise((resolve) => (pendingLines.length ? resolve(pendingLines.shift()) : lineWaiters.push(resolve)));

function features() {
  return {
    ioCap: config.io ?? 3,
    mitm: !!config.mitm,
    sc: config.sc !== false,
    bondingFlags: 1,
    maxKeySize: 16,
  };
}

function watchSecurity(conn) {
  conn.smp.on('passkeyExchange', (model, userPasskey, callback) => {
    if (model === AssociationModels.NUMERIC_COMPARISON) {
      say('numeric-comparison', { value: userPasskey });
      callback();
    } else if (userPasskey !== null) {
      say('passkey-display', { passkey: userPasskey });
    } else {
      say('passkey-request');
      nextLine().then((line) => callback(line.trim()));
    }
  });
  conn.smp.on('pairingComplete', (res) => say('paired', { sc: res.sc, mitm: res.mitm, bond: res.bond }));
  conn.smp.on('pairingFailed', (reason, byPeer) => say('pairing-failed', { reason, byPeer }));
  conn.smp.on('encrypt', (status, level) => say('encrypt', { status, ...(level || {}) }));
  conn.on('disconnect', (reason) => say('disconnected', { reason }));
}

function readProtected(conn, uuid, done) {
  conn.gatt.discoverServicesByUuid(DEMO(0), 1, (services) => {
    if (!services.length) return say('error', { message: 'demo service not found' });
    services[0].discoverCharacteristics((characteristics) => {
      const c = characteristics.find((x) => x.uuid.toLowerCase() === uuid);
      if (!c) return say('error', { message: `characteristic ${uuid} not found` });
      c.read((err, value) => {
        say('read', { uuid, err, text: value ? value.toString('utf8') : null });
        done();
      });
    });
  });
}

BleManager.create(new H4SocketTransport(config.socket || '/tmp/bt-server-le'), {}, (err, manager) => {
  if (err) {
    say('error', { message: String(err) });
    process.exit(3);
  }
  if (config.role === 'peripheral') {
    manager.gattDb.setDeviceName('ble-host');
    manager.gattDb.addServices([
      {
        uuid: DEMO(0),
        characteristics: [
          { uuid: DEMO(1), properties: ['read'], value: 'open' },
          { uuid: DEMO(2), properties: ['read'], readPerm: 'encrypted', value: 'encrypted' },
          { uuid: DEMO(3), properties: ['read'], readPerm: 'encrypted-mitm', value: 'authenticated' },
        ],
      },
    ]);
    manager.setAdvertisingData(
      new AdvertisingDataBuilder()
        .addFlags(['leGeneralDiscoverableMode', 'brEdrNotSupported'])
        .addLocalName(true, 'ble-host')
        .build(),
    );
    const advertise = () =>
      manager.startAdvertising({}, (status, conn) => {
        if (status !== 0) return say('error', { message: `advertising failed: ${status}` });
        say('connected', { peer: conn.peerAddress, peerType: conn.peerAddressType });
        conn.smp.on('pairingRequest', (_req, callback) => callback(features()));
        watchSecurity(conn);
        conn.on('disconnect', advertise);
      });
    advertise();
    say('ready', { role: 'peripheral' });
    return;
  }
  // Central: connect to the target, pair (or encrypt from the bond), read the encrypted value, disconnect.
  const target = config.target;
  say('ready', { role: 'central' });
  manager.connect(target.type, target.address, {}, (conn) => {
    say('connected', { peer: conn.peerAddress });
    watchSecurity(conn);
    const finish = () => readProtected(conn, config.read || DEMO(2), () => conn.disconnect());
    conn.smp.once('pairingComplete', finish);
    conn.smp.once('encrypt', (status) => {
      if (config.mode === 'encrypt') status === 0 ? finish() : conn.disconnect();
    });
    conn.on('disconnect', () => setTimeout(() => process.exit(0), 50));
    if (config.mode === 'encrypt') {
      if (!conn.smp.hasLtk) {
        say('error', { message: 'no LTK stored for this peer' });
        return conn.disconnect();
      }
      conn.smp.startEncryption();
    } else {
      conn.smp.sendPairingRequest(features());
    }
  });
});
