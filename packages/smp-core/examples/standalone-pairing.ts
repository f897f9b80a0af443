/**
 * smp-core on its own, with someone else's transport. A "device" here is whatever your stack already has:
 * a way to send bytes on L2CAP CID 0x0006, a way to start or answer encryption, a UI and a key store. The
 * only smp-core object is the PairingSession; the loop below is all the glue there is.
 *
 * Run by src/pairing/example.test.ts. To try it by hand:
 *   npx esbuild examples/standalone-pairing.ts --bundle --platform=node --format=esm --outfile=/tmp/ex.mjs && node /tmp/ex.mjs
 */
import type { Address } from '@tsble/base';
import { type BondJson, bondToJson, IoCapability, type PairingAction, PairingSession } from '../src/index.js';

/** Your stack's link: here a pair of in-memory queues and a pretend controller. */
class Device {
  readonly inbox: Uint8Array[] = [];
  peer?: Device;
  displayed?: string;
  storedBond?: BondJson;
  encryptionKey?: Uint8Array;
  /** An LE Long Term Key Request the controller has for this device's host. */
  ltkRequest?: { rand: Uint8Array; ediv: number };
  log: string[] = [];

  constructor(
    readonly name: string,
    readonly session: PairingSession,
  ) {}

  /** Carries out what the session asks. */
  async perform(actions: PairingAction[]): Promise<void> {
    for (const action of actions) {
      switch (action.type) {
        case 'send': // your L2CAP send on CID 0x0006
          this.peer?.inbox.push(action.pdu);
          break;
        case 'display-passkey': // your UI
          this.displayed = action.digits;
          this.log.push(`shows ${action.digits}`);
          break;
        case 'request-passkey': {
          // your UI: the user reads the number off the other device
          const typed = Number(this.peer?.displayed ?? 'NaN');
          this.log.push(`types ${this.peer?.displayed}`);
          await this.perform(
            await this.session.passkeyEntered(Number.isNaN(typed) ? null : typed, Date.now()),
          );
          break;
        }
        case 'confirm-numeric':
          await this.perform(await this.session.numericComparisonAnswered(true, Date.now()));
          break;
        case 'accept-pairing':
          await this.perform(await this.session.acceptPairing(true, Date.now()));
          break;
        case 'start-encryption': // central: HCI LE Enable Encryption
          this.encryptionKey = action.key;
          // your controller: the peer's controller now asks its host for the key (LE Long Term Key Request)
          if (this.peer) this.peer.ltkRequest = { rand: action.rand, ediv: action.ediv };
          break;
        case 'ltk-reply': // peripheral: HCI LE Long Term Key Request Reply
          this.encryptionKey = action.key;
          break;
        case 'ltk-negative-reply': // peripheral: HCI LE Long Term Key Request Negative Reply
        case 'negotiated':
        case 'link-encrypted':
        case 'encryption-failed':
          break;
        case 'keys': // your bond store
          this.storedBond = bondToJson(action.bond);
          break;
        case 'complete':
          this.log.push(`paired: ${action.method}, level ${action.securityLevel}, bonded ${action.bonded}`);
          break;
        case 'failed':
          this.log.push(`failed: reason 0x${action.reason.toString(16)}${action.byPeer ? ' (by peer)' : ''}`);
          break;
        case 'peer-keypress':
          break;
      }
    }
  }
}

const phoneAddress: Address = {
  bytes: Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0xc6),
  type: 'random',
};
const sensorAddress: Address = {
  bytes: Uint8Array.of(0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
  type: 'public',
};

/** A phone (central, keyboard) pairs with a sensor (peripheral, display) using LE SC Passkey Entry. */
export async function runStandaloneExample(): Promise<{ phone: Device; sensor: Device }> {
  const phone = new Device(
    'phone',
    new PairingSession({
      role: 'central',
      localAddress: phoneAddress,
      peerAddress: sensorAddress,
      config: { io: IoCapability.keyboardDisplay, mitm: true },
    }),
  );
  const sensor = new Device(
    'sensor',
    new PairingSession({
      role: 'peripheral',
      localAddress: sensorAddress,
      peerAddress: phoneAddress,
      config: { io: IoCapability.displayOnly, mitm: true },
    }),
  );
  phone.peer = sensor;
  sensor.peer = phone;

  await phone.perform(await phone.session.start(Date.now()));
  // The event loop of "your stack": deliver PDUs until both queues are empty.
  while (phone.inbox.length > 0 || sensor.inbox.length > 0) {
    for (const device of [phone, sensor]) {
      const pdu = device.inbox.shift();
      if (pdu) await device.perform(await device.session.receive(pdu, Date.now()));
    }
    // The controller: the LTK request reaches the sensor's host, which answers it from the pairing.
    const request = sensor.ltkRequest;
    if (request) {
      sensor.ltkRequest = undefined;
      await sensor.perform(await sensor.session.ltkRequested(request.rand, request.ediv, Date.now()));
    }
    // Once both sides hold the same key, encryption comes up on both.
    if (phone.encryptionKey && sensor.encryptionKey && phone.session.state === 'wait-encryption') {
      const same = phone.encryptionKey.every((b, i) => b === sensor.encryptionKey?.[i]);
      for (const device of [phone, sensor]) {
        await device.perform(
          same
            ? await device.session.encryptionChanged(Date.now())
            : await device.session.encryptionFailed(Date.now()),
        );
      }
    }
  }
  return { phone, sensor };
}

// When run directly (e.g. bundled with esbuild as above): print what happened.
if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const { phone, sensor } = await runStandaloneExample();
  for (const device of [phone, sensor]) process.stdout.write(`${device.name}: ${device.log.join('; ')}\n`);
}
