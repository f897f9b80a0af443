/**
 * Side by side with ble-host (npm `ble-host` 1.0.3, a JavaScript host stack with its own SMP and GATT), in
 * the same process run and on the same controller code: each stack gets fresh virtual controllers on its own
 * air (ble-host through a small adapter, stack/ble-host-transport.ts), and each tsble figure is measured
 * alternately, run by run, with ble-host's, so the ratio is load-resistant. Pairing is tsble Host to tsble
 * Host against ble-host to ble-host; likewise notifications and credit-based channels (CoC).
 *
 * Not quite like for like, both in ble-host's favour: ble-host keeps one P-256 key pair per process for
 * every pairing (both of its peers here share it), where tsble makes a fresh key pair per pairing. Both use
 * node:crypto's native P-256 (Host.open installs smp-core's node:crypto provider by default); the WebCrypto
 * row shows tsble with `crypto: 'default'`. ble-host writes its bonds to JSON files, tsble to the in-memory
 * store.
 */
import type { BenchCase, BenchSuite, MeasureContext, Measurement } from '../harness.js';
import {
  inBleHostStorage,
  openCreditChannelBleHosts,
  openNotifyingBleHosts,
  timeBleHostPairing,
  timeBleManagerCreate,
} from '../stack/ble-host-peers.js';
import { type NotificationEnds, notificationPump, type PumpResult, pumpSdus } from '../stack/throughput.js';
import {
  openCreditChannelHosts,
  openNotifyingHosts,
  pairingScenarios,
  timeHostOpen,
  timeHostPairing,
  timeHostPairingOnWebCrypto,
} from '../stack/tsble-peers.js';

const PAIRING_RUNS = 25;
const NOTIFICATIONS = 20_000;
const WARMUP_NOTIFICATIONS = 2_000;

const ms = async (time: () => Promise<number>): Promise<Measurement> => ({ value: await time(), unit: 'ms' });

async function tsblePairing(): Promise<number> {
  return timeHostPairing(pairingScenarios['LE SC Just Works']);
}

async function tsblePairingWebCrypto(): Promise<number> {
  return timeHostPairingOnWebCrypto(pairingScenarios['LE SC Just Works']);
}

/** One notification run on a fresh connection of either stack: warm-up, then the timed pump. */
async function pumped(
  open: () => Promise<{ ends: NotificationEnds; close: () => Promise<void> | void }>,
  count: number,
): Promise<PumpResult> {
  const { ends, close } = await open();
  try {
    const pump = notificationPump(ends);
    await pump(WARMUP_NOTIFICATIONS);
    return await pump(count);
  } finally {
    await close();
  }
}

const openTsble = async () => {
  const { hosts, ends } = await openNotifyingHosts();
  return { ends, close: () => hosts.close() };
};
const openBleHost = async () => {
  const { hosts, ends } = await openNotifyingBleHosts();
  return { ends, close: async () => hosts.close() };
};

/** Notifications per second, and CPU per notification, over one run of `open`'s stack. */
function notificationFigures(label: string, open: typeof openTsble, inStorage: boolean): BenchCase[] {
  const run = (context: MeasureContext) => {
    const count = context.quick ? 2_000 : NOTIFICATIONS;
    return inStorage ? inBleHostStorage(() => pumped(open, count)) : pumped(open, count);
  };
  const isBaseline = label === 'ble-host';
  return [
    {
      name: `${label}: notifications/s`,
      measure: async (context) => {
        const result = await run(context);
        return { value: Math.round(result.count / result.seconds), unit: 'notifications/s' };
      },
      better: 'higher',
      ...(isBaseline ? {} : { baseline: 'ble-host: notifications/s' }),
    },
    {
      name: `${label}: CPU per notification`,
      measure: async (context) => {
        const result = await run(context);
        return { value: result.cpuMicros / result.count, unit: 'us CPU/notification' };
      },
      better: 'lower',
      ...(isBaseline ? {} : { baseline: 'ble-host: CPU per notification' }),
    },
  ];
}

const COC_MEGABYTES = 2;
const SDU = 2048;
/** tsble's channel set up as ble-host sets up its own receiving side (MPS min(MTU, 1004), 500 credits). */
const BLE_HOST_LIKE_CHANNEL = { mtu: SDU, mps: 1004, initialCredits: 500 };

/** CoC MB/s of both stacks: 2 MB of 2048-octet SDUs, 16 in flight, same channel parameters. */
function creditChannelFigures(): BenchCase[] {
  const megabytes = (context: MeasureContext) => (context.quick ? 0.25 : COC_MEGABYTES);
  return [
    {
      name: 'ble-host: CoC MB/s',
      measure: async (context) =>
        inBleHostStorage(async () => {
          const { hosts, ends } = await openCreditChannelBleHosts(SDU);
          try {
            return { value: megabytes(context) / (await pumpSdus(ends, megabytes(context))), unit: 'MB/s' };
          } finally {
            hosts.close();
          }
        }),
      better: 'higher',
    },
    {
      name: 'tsble: CoC MB/s',
      measure: async (context) => {
        const { hosts, ends } = await openCreditChannelHosts(BLE_HOST_LIKE_CHANNEL);
        try {
          return { value: megabytes(context) / (await pumpSdus(ends, megabytes(context))), unit: 'MB/s' };
        } finally {
          await hosts.close();
        }
      },
      better: 'higher',
      baseline: 'ble-host: CoC MB/s',
    },
  ];
}

export const suite: BenchSuite = {
  name: 'vs ble-host',
  cases: async (): Promise<BenchCase[]> => [
    {
      name: 'ble-host: LE SC Just Works pairing',
      measure: () => ms(timeBleHostPairing),
      runs: PAIRING_RUNS,
      better: 'lower',
    },
    {
      name: 'tsble: LE SC Just Works pairing',
      measure: () => ms(tsblePairing),
      runs: PAIRING_RUNS,
      better: 'lower',
      baseline: 'ble-host: LE SC Just Works pairing',
      goal: { ratio: 0.8 },
    },
    {
      name: "tsble, WebCrypto provider (crypto: 'default'): LE SC Just Works pairing",
      measure: () => ms(tsblePairingWebCrypto),
      runs: PAIRING_RUNS,
      better: 'lower',
      baseline: 'ble-host: LE SC Just Works pairing',
    },
    ...notificationFigures('ble-host', openBleHost, true),
    ...notificationFigures('tsble', openTsble, false),
    ...creditChannelFigures(),
    {
      name: 'ble-host: BleManager.create to ready',
      measure: () => ms(() => inBleHostStorage(timeBleManagerCreate)),
      runs: 21,
      better: 'lower',
    },
    {
      name: 'tsble: Host.open to ready',
      measure: () => ms(timeHostOpen),
      runs: 21,
      better: 'lower',
      baseline: 'ble-host: BleManager.create to ready',
      goal: { ratio: 0.8 },
    },
  ],
};
