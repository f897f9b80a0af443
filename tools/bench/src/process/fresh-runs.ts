/**
 * One fresh process pairing with the shared sim peer (sim-peer.ts): `tsble pair` with a btsnoop capture, or
 * ble-host through ble-host-pair.ts; each gives its wall time (spawn to exit) and its own HCI timeline.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWallTime, readBtsnoop, type Timeline } from './h4-timeline.js';
import { simPeer } from './sim-peer.js';
import { TSBLE_BIN, timeNode } from './timed-process.js';

// The compiled runner, also when this module runs from src/ under vitest.
const BLE_HOST_PAIR = fileURLToPath(new URL('../../dist/process/ble-host-pair.js', import.meta.url));

export interface FreshRun {
  wallMs: number;
  timeline: Timeline;
  /** Where the wall time went (see describeWallTime). */
  wallTime: string;
}

let runs = 0;

export async function tsblePair(): Promise<FreshRun> {
  const peer = await simPeer();
  const n = ++runs;
  const capture = join(peer.directory, `tsble-${n}.btsnoop`);
  const args = [TSBLE_BIN, 'pair', peer.address, '--transport', `unix:${peer.socket}`, '--json'];
  args.push('--bond-store', join(peer.directory, `tsble-bonds-${n}.json`), '--btsnoop', capture);
  const { wallMs, spawnUnixMs, exitUnixMs } = await timeNode(args);
  const timeline = readBtsnoop(readFileSync(capture));
  return { wallMs, timeline, wallTime: describeWallTime(spawnUnixMs, exitUnixMs, timeline) };
}

export async function bleHostPair(): Promise<FreshRun> {
  const peer = await simPeer();
  const [address = '', type = 'public'] = peer.address.split('/');
  const config = { socket: peer.socket, address, addressType: type };
  // ble-host writes its bonds under the working directory: a new one per run.
  const cwd = mkdtempSync(join(peer.directory, 'ble-host-'));
  const { wallMs, stdout, spawnUnixMs, exitUnixMs } = await timeNode(
    [BLE_HOST_PAIR, JSON.stringify(config)],
    {
      cwd,
    },
  );
  const { packets } = JSON.parse(stdout) as {
    packets: { us: number; direction: 'out' | 'in'; hex: string }[];
  };
  // Its stamps are Unix microseconds; the timeline counts from its first packet, as readBtsnoop's does.
  const firstUnixUs = packets[0]?.us ?? Number.NaN;
  const timeline = {
    packets: packets.map((p) => ({
      us: p.us - firstUnixUs,
      direction: p.direction,
      bytes: Buffer.from(p.hex, 'hex'),
    })),
    millisecondStamps: false,
    firstUnixUs,
  };
  return { wallMs, timeline, wallTime: describeWallTime(spawnUnixMs, exitUnixMs, timeline) };
}
