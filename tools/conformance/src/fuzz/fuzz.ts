/**
 * The seeded randomized run (hardening): random and mutated PDUs at the SMP, L2CAP and ATT layers against a
 * tsble Host over the virtual controller, in both roles, with scripted pairings whose steps are mutated at
 * random so the state machines are driven deep. The verdict: no crash, no unhandled rejection or exception,
 * the host still serves ATT, and memory stays flat. The same seed replays the same inputs.
 */
import { PacketBoundary } from '@tsble/base';
import { SMP_CID } from '@tsble/smp-core';
import { VirtualAir } from '@tsble/virtual-controller';
import { settle, within } from '../case.js';
import { Iut } from '../iut.js';
import { LowerTester } from '../lower-tester/link.js';
import { AUTH, featuresPdu, smp } from '../lower-tester/smp-frames.js';
import { features, SmpPeer } from '../lower-tester/smp-peer.js';
import { mutate, Random } from './random.js';

export interface FuzzOptions {
  seed: number;
  seconds: number;
  /** Called now and then with progress. */
  onProgress?: (stats: FuzzStats) => void;
}

export interface FuzzStats {
  seed: number;
  seconds: number;
  iterations: number;
  pduSent: number;
  pairings: { completed: number; failed: number };
  reconnects: number;
  unhandled: string[];
  unresponsive: number;
  heapStartMb: number;
  heapEndMb: number;
  ok: boolean;
}

const ATT_CID = 0x0004;
const READ_HANDLE_1 = Uint8Array.of(0x0a, 0x01, 0x00);
/** Heap growth above this between the warm start and the end counts as a leak. */
const HEAP_LIMIT_MB = 64;

/** Valid SMP PDUs to send alone or mutate. */
function smpDictionary(random: Random): Uint8Array[] {
  return [
    featuresPdu(
      0x01,
      features({ io: random.int(5), authReq: random.int(256), maxKeySize: 7 + random.int(10) }),
    ),
    featuresPdu(0x02, features()),
    smp.confirm(random.bytes(16)),
    smp.random(random.bytes(16)),
    smp.failed(random.int(0x12)),
    smp.publicKey(random.bytes(32), random.bytes(32)),
    smp.dhKeyCheck(random.bytes(16)),
    smp.securityRequest(random.int(256)),
    smp.encryptionInformation(random.bytes(16)),
    smp.centralIdentification(random.int(0x10000), random.bytes(8)),
    smp.identityInformation(random.bytes(16)),
    smp.identityAddress(random.int(3), random.bytes(6)),
    smp.signingInformation(random.bytes(16)),
    Uint8Array.of(0x0e, random.int(6)),
  ];
}

/** ATT PDUs: requests, commands, and the responses a server should never receive. */
function attDictionary(random: Random): Uint8Array[] {
  const handle = () => [random.int(0x30), 0];
  return [
    Uint8Array.of(0x02, random.int(256), random.int(3)),
    Uint8Array.of(0x04, ...handle(), 0xff, 0xff),
    Uint8Array.of(0x08, ...handle(), 0xff, 0xff, 0x03, 0x28),
    Uint8Array.of(0x10, 0x01, 0x00, 0xff, 0xff, 0x00, 0x28),
    Uint8Array.of(0x0a, ...handle()),
    Uint8Array.of(0x0c, ...handle(), random.int(600) & 0xff, 0),
    Uint8Array.of(0x12, ...handle(), ...random.bytes(random.int(30))),
    Uint8Array.of(0x52, ...handle(), ...random.bytes(random.int(30))),
    Uint8Array.of(0x16, ...handle(), 0, 0, ...random.bytes(random.int(30))),
    Uint8Array.of(0x18, random.int(2)),
    Uint8Array.of(0x1e),
    Uint8Array.of(0xd2, ...handle(), ...random.bytes(random.int(30))),
    Uint8Array.of(0x0e, ...handle(), ...handle()),
  ];
}

class Session {
  stats: FuzzStats;
  private lt!: LowerTester;
  private iut!: Iut;
  private readonly air = new VirtualAir();

  constructor(
    private readonly random: Random,
    seconds: number,
  ) {
    this.stats = {
      seed: random.seed,
      seconds,
      iterations: 0,
      pduSent: 0,
      pairings: { completed: 0, failed: 0 },
      reconnects: 0,
      unhandled: [],
      unresponsive: 0,
      heapStartMb: 0,
      heapEndMb: 0,
      ok: false,
    };
  }

  async open(): Promise<void> {
    this.lt = await LowerTester.open(this.air);
    this.iut = await Iut.open(this.air, {
      pairing: { io: this.random.pick(['none', 'display', 'keyboard-display'] as const) },
    });
    this.iut.host.on('error', () => undefined); // reported errors are fine; throws and rejections are not
  }

  async close(): Promise<void> {
    await this.iut.close().catch(() => undefined);
    await this.lt.close().catch(() => undefined);
    this.air.close();
  }

  /** A link in a random role; a new one whenever the last was dropped. */
  async ensureLink(): Promise<void> {
    if (this.lt.connected) return;
    this.stats.reconnects++;
    if (this.random.chance(0.5)) await this.iut.acceptFrom(this.lt);
    else await this.iut.connectTo(this.lt);
  }

  async step(): Promise<void> {
    const r = this.random;
    // A new peer now and then (a fresh static random identity): the IUT's Repeated Attempts back-off is per
    // peer, so this keeps pairings reaching deep states, and it churns connections in both roles.
    if (r.chance(1 / 40)) await this.newPeer();
    await this.ensureLink();
    switch (r.int(6)) {
      case 0:
        return this.send(
          SMP_CID,
          r.chance(0.5) ? r.pick(smpDictionary(r)) : mutate(r, r.pick(smpDictionary(r))),
        );
      case 1:
        return this.send(
          ATT_CID,
          r.chance(0.5) ? r.pick(attDictionary(r)) : mutate(r, r.pick(attDictionary(r))),
        );
      case 2:
        return this.send(r.pick([0x0005, 0x0001, 0x0003, 0x0040, r.int(0x10000)]), r.bytes(r.int(40)));
      case 3:
        return this.rawAcl();
      default:
        return this.mutatedPairing();
    }
  }

  private async newPeer(): Promise<void> {
    await this.lt.disconnect().catch(() => undefined);
    const address = this.random.bytes(6);
    address[5] = (address[5]! & 0x3f) | 0xc0;
    await this.lt.useRandomAddress(address);
  }

  private async send(cid: number, payload: Uint8Array): Promise<void> {
    this.stats.pduSent++;
    await this.lt.sendFrame(cid, payload).catch(() => undefined);
  }

  private async rawAcl(): Promise<void> {
    const r = this.random;
    const pb = r.pick([PacketBoundary.firstNonFlushable, PacketBoundary.continuation]) as 0 | 1;
    this.stats.pduSent++;
    await this.lt.sendAcl(pb, r.bytes(r.int(28))).catch(() => undefined);
  }

  /** A scripted pairing in the LT's current role with, now and then, one step mutated, dropped or doubled. */
  private async mutatedPairing(): Promise<void> {
    const r = this.random;
    const p = 0.15;
    const connection = [...this.iut.host.connections.values()][0];
    const iutSide =
      this.lt.role === 'peripheral' && connection ? settle<unknown>(connection.pair()) : undefined;
    const peer = new SmpPeer(this.lt, {
      features: features({
        io: r.int(5),
        authReq: AUTH.bonding | (r.chance(0.7) ? AUTH.sc : 0) | (r.chance(0.3) ? AUTH.mitm : 0),
      }),
      wait: 300,
      passkey: async (who) => (who === 'iut' ? await this.iut.nextDisplayed(300).catch(() => 0) : 123456),
      beforeSend: (_name, pdu) => {
        if (!r.chance(p)) return pdu;
        const choice = r.int(3);
        if (choice === 0) return null;
        if (choice === 1) void this.lt.sendFrame(SMP_CID, pdu).catch(() => undefined);
        return choice === 2 ? mutate(r, pdu) : pdu;
      },
    });
    const outcome = await peer.run().catch(() => undefined);
    if (outcome?.kind === 'complete') this.stats.pairings.completed++;
    else this.stats.pairings.failed++;
    if (iutSide) await within(iutSide, 500);
    this.lt.pending(SMP_CID);
  }

  /** The IUT still answers ATT on the current link (or takes a new one). */
  async responsive(): Promise<boolean> {
    await this.ensureLink();
    this.lt.pending(ATT_CID);
    await this.lt.sendFrame(ATT_CID, READ_HANDLE_1).catch(() => undefined);
    for (let i = 0; i < 20; i++) {
      const reply = await this.lt.receive(ATT_CID, 100);
      if (reply && (reply[0] === 0x0b || reply[0] === 0x01)) return true;
      if (!this.lt.connected) return true; // it dropped a misbehaving link: also a legitimate answer
    }
    return false;
  }
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzStats> {
  const random = new Random(options.seed);
  const session = new Session(random, options.seconds);
  const onRejection = (reason: unknown) =>
    session.stats.unhandled.push(`unhandled rejection: ${String(reason)}`);
  const onException = (error: Error) => session.stats.unhandled.push(`uncaught exception: ${error.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const end = performance.now() + options.seconds * 1000;
  try {
    await session.open();
    for (let i = 0; i < 50; i++) await session.step(); // warm up before the first heap sample
    session.stats.heapStartMb = heapMb();
    let lastReport = performance.now();
    while (performance.now() < end) {
      await session.step();
      session.stats.iterations++;
      if (session.stats.iterations % 200 === 0 && !(await session.responsive())) session.stats.unresponsive++;
      if (performance.now() - lastReport > 5000) {
        options.onProgress?.(session.stats);
        lastReport = performance.now();
      }
    }
    if (!(await session.responsive())) session.stats.unresponsive++;
    await new Promise((resolve) => setTimeout(resolve, 200));
    session.stats.heapEndMb = heapMb();
  } finally {
    await session.close();
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  }
  const s = session.stats;
  s.ok = s.unhandled.length === 0 && s.unresponsive === 0 && s.heapEndMb - s.heapStartMb < HEAP_LIMIT_MB;
  return s;
}
