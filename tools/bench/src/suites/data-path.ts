/**
 * The data path through the whole stack: two @tsble/host Hosts on the in-process virtual controller, the
 * peripheral's GATT server notifying a 20-octet value (one 27-octet ACL fragment each, default ATT_MTU) to
 * the central's GATT client, and an LE credit-based channel between them. Figures: notifications per second,
 * CPU per notification (process.cpuUsage over the run: both hosts and both controllers, as they share the
 * process), CoC MB/s, and the heap after 1,000,000 notifications against the heap before them, each taken
 * after a full garbage collection: flat memory means the difference stays near zero. Goal: at least 50,000
 * notifications per second with flat memory.
 */

import { DEFAULT_CREDIT_CHANNEL } from '@tsble/l2cap';
import { heapUsedAfterGc } from '../gc.js';
import type { BenchCase, BenchSuite, MeasureContext, Measurement } from '../harness.js';
import { notificationPump, pumpSdus } from '../stack/throughput.js';
import { openCreditChannelHosts, openNotifyingHosts } from '../stack/tsble-peers.js';

/** Notifications per run of the rate and CPU figures (after a warm-up on the same connection). */
const NOTIFICATIONS = 20_000;
const WARMUP_NOTIFICATIONS = 2_000;
const LONG_RUN = 1_000_000;
/** Heap snapshots taken during the long run, to show whether it grows steadily. */
const HEAP_SNAPSHOTS = 4;

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** One run: a fresh connected pair, a warm-up, then `count` notifications timed. */
async function notificationRun(count: number) {
  const { hosts, ends } = await openNotifyingHosts();
  try {
    const pump = notificationPump(ends);
    await pump(WARMUP_NOTIFICATIONS);
    return await pump(count);
  } finally {
    await hosts.close();
  }
}

async function notificationsPerSecond(context: MeasureContext): Promise<Measurement> {
  const run = await notificationRun(context.quick ? 2_000 : NOTIFICATIONS);
  return {
    value: Math.round(run.count / run.seconds),
    unit: 'notifications/s',
    extra: { count: run.count, cpuUsPerNotification: round(run.cpuMicros / run.count) },
  };
}

async function cpuPerNotification(context: MeasureContext): Promise<Measurement> {
  const run = await notificationRun(context.quick ? 2_000 : NOTIFICATIONS);
  return {
    value: run.cpuMicros / run.count,
    unit: 'us CPU/notification',
    extra: { count: run.count, notificationsPerSecond: Math.round(run.count / run.seconds) },
  };
}

/** The heap after `LONG_RUN` notifications on one connection, minus the heap before them (both after GC). */
async function heapGrowth(context: MeasureContext): Promise<Measurement> {
  const total = context.quick ? 20_000 : LONG_RUN;
  const { hosts, ends } = await openNotifyingHosts();
  try {
    const pump = notificationPump(ends);
    await pump(WARMUP_NOTIFICATIONS * 10);
    const before = heapUsedAfterGc();
    const snapshots: number[] = [];
    let seconds = 0;
    for (let i = 0; i < HEAP_SNAPSHOTS; i++) {
      seconds += (await pump(total / HEAP_SNAPSHOTS)).seconds;
      snapshots.push(heapUsedAfterGc());
    }
    const after = snapshots[snapshots.length - 1] ?? before;
    return {
      value: after - before,
      unit: 'MB heap growth',
      note: `heap ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after (after GC); ${Math.round(total / seconds).toLocaleString('en-US')} notifications/s`,
      extra: {
        notifications: total,
        heapMbBefore: round(before),
        heapMbDuring: snapshots.map((mb) => round(mb)),
        notificationsPerSecond: Math.round(total / seconds),
      },
    };
  } finally {
    await hosts.close();
  }
}

/** Sends `megabytes` MB of 2048-octet SDUs over an LE credit-based channel, peripheral to central. */
async function creditChannelMegabytesPerSecond(context: MeasureContext): Promise<Measurement> {
  const megabytes = context.quick ? 0.25 : 2;
  const { hosts, ends } = await openCreditChannelHosts(DEFAULT_CREDIT_CHANNEL);
  try {
    const seconds = await pumpSdus(ends, megabytes);
    return { value: megabytes / seconds, unit: 'MB/s', extra: { megabytes } };
  } finally {
    await hosts.close();
  }
}

export const suite: BenchSuite = {
  name: 'data path',
  cases: async (): Promise<BenchCase[]> => [
    { name: 'notifications/s, Host to Host', measure: notificationsPerSecond, better: 'higher' },
    { name: 'CPU per notification, Host to Host', measure: cpuPerNotification, better: 'lower' },
    {
      name: 'CoC MB/s, Host to Host (2048-octet SDUs)',
      measure: creditChannelMegabytesPerSecond,
      better: 'higher',
    },
    {
      name: 'heap growth over 1,000,000 notifications (after GC)',
      measure: heapGrowth,
      runs: 1,
      warmup: false,
      better: 'lower',
    },
  ],
};
