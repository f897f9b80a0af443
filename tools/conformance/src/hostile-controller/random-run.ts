/**
 * The seeded randomized hostile-controller run: random octets before the first Reset completes, then, on a
 * live link, a stream of correctly framed packets with random payloads (ACL data of the live link, vendor
 * events, unknown events, LE Meta with unknown subevents, completed-packet counts, events for handles that are
 * not live) mixed into the controller's real traffic. The host must not crash or hang, must report no
 * connection or disconnection the controller did not frame as one, must keep answering ATT, and its heap must
 * stay flat.
 */
import { concatBytes } from '@tsble/base';
import type { HciEvent, HciPacket } from '@tsble/hci-transport';
import { sleep } from '../case.js';
import { Random } from '../fuzz/random.js';
import { connectionComplete, disconnection, event } from './forge.js';
import { h4, type Out } from './proxy.js';
import { Scenario } from './scenario.js';

export interface HostileFuzzOptions {
  seed: number;
  seconds: number;
  onProgress?: (stats: HostileFuzzStats) => void;
}

export interface HostileFuzzStats {
  seed: number;
  seconds: number;
  /** Random octets sent before the first Reset completed. */
  garbageAtOpen: number;
  /** Framed packets with random payloads sent on the live link. */
  injected: number;
  attChecks: number;
  /** ATT reads that got no answer within 3 s. */
  attFailures: number;
  /** Connections or disconnections the IUT reported beyond the one real connection. */
  invented: string[];
  /** Errors (exceptions) the IUT raised. */
  errors: string[];
  heapStartMb: number;
  heapEndMb: number;
  ok: boolean;
}

/**
 * Random octets, half the time with a valid-looking Disconnection Complete for the live handle or an LE
 * Connection Complete spliced in: what a peer would put in an ATT value if payloads were ever re-read as HCI.
 */
function randomPayload(random: Random, live: number): Uint8Array {
  const bytes = random.bytes(random.int(120));
  if (random.chance(0.5)) return bytes;
  const forged = random.chance(0.5) ? h4(disconnection(live)) : h4(connectionComplete(live + 1));
  const at = random.int(bytes.length + 1);
  return concatBytes(bytes.subarray(0, at), forged, bytes.subarray(at));
}

/** One framed packet with a random payload, of a kind the case list draws from. */
function randomPacket(random: Random, live: number): HciPacket | HciEvent {
  const payload = () => randomPayload(random, live);
  switch (random.int(7)) {
    case 0: {
      // ACL of the live link: a random L2CAP frame (random CID), or a continuation fragment.
      const data = payload();
      return { type: 'acl', handle: live, packetBoundary: random.pick([1, 2] as const), broadcast: 0, data };
    }
    case 1:
      return event(0xff, payload());
    case 2:
      return event(0x60 + random.int(0x9e), payload());
    case 3:
      return event(0x3e, concatBytes(Uint8Array.of(0x30 + random.int(0x40)), payload()));
    case 4:
      return {
        kind: 'number-of-completed-packets',
        completed: [
          {
            connectionHandle: random.pick([live, random.int(0x1000)]),
            numCompletedPackets: random.int(0x10000),
          },
        ],
      };
    case 5:
      return disconnection(notLive(random, live));
    default:
      return { type: 'acl', handle: notLive(random, live), packetBoundary: 2, broadcast: 0, data: payload() };
  }
}

/** Mostly whole; sometimes split at a random point, now and then with a pause longer than 250 ms inside. */
function delivered(random: Random, bytes: Uint8Array): Out[] {
  if (random.chance(0.8)) return [bytes];
  const at = 1 + random.int(bytes.length - 1);
  const pause: Out[] = random.chance(0.05) ? [{ pauseMs: 300 }] : [];
  return [bytes.subarray(0, at), ...pause, bytes.subarray(at)];
}

function notLive(random: Random, live: number): number {
  const handle = random.int(0x1000);
  return handle === live ? handle + 1 : handle;
}

const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;

export async function runHostileFuzz(options: HostileFuzzOptions): Promise<HostileFuzzStats> {
  const random = new Random(options.seed);
  const s = new Scenario();
  const garbage = random.bytes(16 + random.int(112));
  const stats: HostileFuzzStats = {
    seed: options.seed,
    seconds: options.seconds,
    garbageAtOpen: garbage.length,
    injected: 0,
    attChecks: 0,
    attFailures: 0,
    invented: [],
    errors: [],
    heapStartMb: 0,
    heapEndMb: 0,
    ok: false,
  };
  const onUncaught = (error: unknown) => stats.errors.push(String(error));
  process.on('uncaughtException', onUncaught);
  try {
    await s.start();
    s.behaviour.onOpen = () => [garbage];
    const link = await s.link();
    const ctx = s.hostile.context;
    if (!ctx) throw new Error('the hostile controller has no host');
    stats.heapStartMb = heapMb();
    const end = performance.now() + options.seconds * 1000;
    let round = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 25; i++)
        ctx.inject(...delivered(random, h4(randomPacket(random, link.iut.handle))));
      stats.injected += 25;
      await sleep(5);
      if (++round % 20 === 0) {
        stats.attChecks++;
        if (!(await s.attAnswers(link))) stats.attFailures++;
        options.onProgress?.(stats);
      }
    }
    await sleep(200);
    stats.attChecks++;
    if (!(await s.attAnswers(link))) stats.attFailures++;
    stats.invented = s.iutEvents.slice(1);
    stats.errors.push(...s.iutErrors.map((e) => e.message));
    (globalThis as { gc?: () => void }).gc?.();
    stats.heapEndMb = heapMb();
    // ATT may miss an answer when a random continuation fragment lands inside a real PDU; it must recover.
    stats.ok =
      stats.invented.length === 0 &&
      stats.errors.length === 0 &&
      link.iut.connected &&
      stats.attFailures <= Math.max(1, stats.attChecks / 10) &&
      stats.heapEndMb - stats.heapStartMb < 64;
  } finally {
    process.off('uncaughtException', onUncaught);
    await s.close();
  }
  return stats;
}
