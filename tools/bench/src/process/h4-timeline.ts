/**
 * The HCI traffic of one process as a timeline of whole H4 packets with microsecond stamps, read from a
 * btsnoop capture (tsble's --btsnoop) or recorded by the ble-host runner, and the pairing read off it: from
 * our SMP Pairing Request to the HCI Encryption Change, step by step (Core 6.0 Vol 3 Part H 3.3 opcodes).
 */

export interface H4Packet {
  /** Microseconds since the timeline's first packet (or any origin shared by the whole timeline). */
  us: number;
  /** 'out': host to controller. */
  direction: 'out' | 'in';
  /** The H4 packet: type octet first. */
  bytes: Uint8Array;
}

export interface Timeline {
  packets: H4Packet[];
  /** True when every stamp is a whole millisecond: the capture cannot resolve a pairing's steps. */
  millisecondStamps: boolean;
  /** The first packet's time, microseconds since the Unix epoch: places the timeline in a process's life. */
  firstUnixUs: number;
}

const BTSNOOP_MAGIC = 'btsnoop\0';
const DATALINK_H4 = 1002;
const HEADER = 16;
const RECORD_HEADER = 24;
/** btsnoop stamps count microseconds from midnight, 1 January of year 0; this is 1970-01-01 on that scale. */
const BTSNOOP_UNIX_EPOCH = 0x00dcddb30f2f8000n;

/** A btsnoop file (version 1, H4 datalink) as a timeline; throws on anything else. */
export function readBtsnoop(file: Uint8Array): Timeline {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = new TextDecoder('latin1').decode(file.subarray(0, 8));
  if (magic !== BTSNOOP_MAGIC) throw new Error('not a btsnoop capture');
  if (view.getUint32(12) !== DATALINK_H4) throw new Error(`btsnoop datalink ${view.getUint32(12)}, not H4`);
  const packets: H4Packet[] = [];
  let origin: bigint | undefined;
  let wholeMilliseconds = true;
  let offset = HEADER;
  while (offset + RECORD_HEADER <= file.length) {
    const included = view.getUint32(offset + 4);
    const flags = view.getUint32(offset + 8);
    // Microseconds since year 0 (about 6.4e16 today) are past 2^53: subtract in bigint, then convert.
    const stamp = view.getBigUint64(offset + 16);
    origin ??= stamp;
    if (stamp % 1000n !== 0n) wholeMilliseconds = false;
    const bytes = file.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + included);
    packets.push({ us: Number(stamp - origin), direction: (flags & 1) === 0 ? 'out' : 'in', bytes });
    offset += RECORD_HEADER + included;
  }
  return {
    packets,
    millisecondStamps: packets.length > 1 && wholeMilliseconds,
    firstUnixUs: origin === undefined ? Number.NaN : Number(origin - BTSNOOP_UNIX_EPOCH),
  };
}

// Core 6.0 Vol 3 Part H 3.3, Table 3.1.
const SMP_CODES: Record<number, string> = {
  1: 'Pairing Request',
  2: 'Pairing Response',
  3: 'Pairing Confirm',
  4: 'Pairing Random',
  5: 'Pairing Failed',
  6: 'Encryption Information',
  7: 'Central Identification',
  8: 'Identity Information',
  9: 'Identity Address Information',
  10: 'Signing Information',
  11: 'Security Request',
  12: 'Pairing Public Key',
  13: 'Pairing DHKey Check',
};
const SMP_CID = 0x0006;
const H4_COMMAND = 0x01;
const H4_ACL = 0x02;
const H4_EVENT = 0x04;
const LE_ENABLE_ENCRYPTION = 0x2019;
const ENCRYPTION_CHANGE = 0x08;
const ENCRYPTION_CHANGE_V2 = 0x59;

/** One step of a pairing: what crossed the HCI and when, relative to the Pairing Request. */
export interface PairingStep {
  label: string;
  direction: 'out' | 'in';
  atMs: number;
  /** Since the previous step. */
  deltaMs: number;
}

export interface PairingTiming {
  /** Our Pairing Request (first fragment sent) to the Encryption Change event. */
  totalMs: number;
  steps: PairingStep[];
}

/**
 * SMP PDUs (whole, after reassembly: an incoming one counts when its last fragment arrives, an outgoing one
 * when its first leaves), LE Enable Encryption and Encryption Change, with their stamps.
 */
function pairingEvents(timeline: Timeline): { us: number; direction: 'out' | 'in'; label: string }[] {
  const events: { us: number; direction: 'out' | 'in'; label: string }[] = [];
  const partial = new Map<string, { needed: number; have: number; code: number; us: number }>();
  for (const { us, direction, bytes } of timeline.packets) {
    const type = bytes[0];
    if (type === H4_COMMAND && bytes.length >= 3) {
      const opcode = (bytes[1] ?? 0) | ((bytes[2] ?? 0) << 8);
      if (opcode === LE_ENABLE_ENCRYPTION) events.push({ us, direction, label: 'LE Enable Encryption' });
    } else if (type === H4_EVENT && bytes.length >= 2) {
      if (bytes[1] === ENCRYPTION_CHANGE || bytes[1] === ENCRYPTION_CHANGE_V2)
        events.push({ us, direction, label: 'Encryption Change' });
    } else if (type === H4_ACL && bytes.length >= 5) {
      const handleAndFlags = (bytes[1] ?? 0) | ((bytes[2] ?? 0) << 8);
      const key = `${direction}:${handleAndFlags & 0x0fff}`;
      const start = ((handleAndFlags >> 12) & 0x3) !== 0x1;
      const payload = bytes.subarray(5);
      if (start) {
        if (payload.length < 5) continue;
        const length = (payload[0] ?? 0) | ((payload[1] ?? 0) << 8);
        const cid = (payload[2] ?? 0) | ((payload[3] ?? 0) << 8);
        if (cid !== SMP_CID) {
          partial.delete(key);
          continue;
        }
        partial.set(key, { needed: length + 4, have: payload.length, code: payload[4] ?? 0, us });
      } else {
        const entry = partial.get(key);
        if (entry === undefined) continue;
        entry.have += payload.length;
      }
      const entry = partial.get(key);
      if (entry !== undefined && entry.have >= entry.needed) {
        partial.delete(key);
        const label = SMP_CODES[entry.code] ?? `SMP 0x${entry.code.toString(16)}`;
        events.push({ us: direction === 'out' ? entry.us : us, direction, label });
      }
    }
  }
  return events.sort((a, b) => a.us - b.us);
}

/** The pairing on a timeline, or an error saying which end is missing. */
export function pairingTiming(timeline: Timeline): PairingTiming {
  const events = pairingEvents(timeline);
  const first = events.findIndex((e) => e.direction === 'out' && e.label === 'Pairing Request');
  if (first < 0) throw new Error('no Pairing Request sent in the capture');
  const last = events.findIndex((e, i) => i > first && e.label === 'Encryption Change');
  if (last < 0) throw new Error('no Encryption Change after the Pairing Request in the capture');
  const origin = events[first]!.us;
  const steps = events.slice(first, last + 1).map((e, i, all) => ({
    label: e.label,
    direction: e.direction,
    atMs: (e.us - origin) / 1000,
    deltaMs: i === 0 ? 0 : (e.us - all[i - 1]!.us) / 1000,
  }));
  return { totalMs: (events[last]!.us - origin) / 1000, steps };
}

/**
 * Where a process's wall time went, from its spawn and exit (Unix milliseconds) and its HCI timeline:
 * start-up to the first HCI packet (node, module loading, opening the transport), the HCI session to the
 * Pairing Request (reset, start-up commands, connecting), the pairing, the rest of the session (key
 * distribution, bond stored, disconnection) and the last packet to exit.
 */
export function describeWallTime(spawnUnixMs: number, exitUnixMs: number, timeline: Timeline): string {
  const first = timeline.firstUnixUs / 1000;
  const last = first + (timeline.packets.at(-1)?.us ?? 0) / 1000;
  const timing = pairingTiming(timeline);
  const request = timeline.packets.length === 0 ? first : first + pairingStartUs(timeline) / 1000;
  const parts = [
    ['start to first HCI packet', first - spawnUnixMs],
    ['HCI to Pairing Request', request - first],
    ['pairing', timing.totalMs],
    ['rest of the HCI session', last - request - timing.totalMs],
    ['last HCI packet to exit', exitUnixMs - last],
  ] as const;
  return parts.map(([label, ms]) => `${label} ${ms.toFixed(1)} ms`).join(', ');
}

function pairingStartUs(timeline: Timeline): number {
  const events = pairingEvents(timeline);
  return events.find((e) => e.direction === 'out' && e.label === 'Pairing Request')?.us ?? 0;
}

/**
 * The pairing's time split by who the HCI was waiting for: ours, the steps that end with a packet we sent
 * (from what came in before it), and the peer's (with its controller and the air), the steps that end with
 * one that came in. Our share is the part a host can shorten.
 */
export function shares(timing: PairingTiming): { oursMs: number; peerMs: number } {
  let oursMs = 0;
  let peerMs = 0;
  for (const step of timing.steps) {
    if (step.direction === 'out') oursMs += step.deltaMs;
    else peerMs += step.deltaMs;
  }
  return { oursMs, peerMs };
}

/** `+1.94 in Pairing Response, +1.37 out Pairing Public Key, ...`: each step with the time it took to come. */
export function describeSteps(timing: PairingTiming): string {
  return timing.steps
    .slice(1)
    .map((s) => `+${s.deltaMs.toFixed(2)} ${s.direction === 'out' ? '>' : '<'} ${s.label}`)
    .join(', ');
}
