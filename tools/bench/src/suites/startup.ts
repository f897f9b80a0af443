/**
 * Start-up: `Host.open` on a fresh in-process virtual controller until the host is ready (HCI Reset, reading
 * the controller's identity, buffers and features, event masks, bond store loaded, our IRK made), then
 * closed outside the clock. The side-by-side with ble-host's BleManager.create is in the `vs ble-host` suite.
 */
import type { BenchSuite } from '../harness.js';
import { timeHostOpen } from '../stack/tsble-peers.js';

export const suite: BenchSuite = {
  name: 'start-up',
  cases: async () => [
    {
      name: 'Host.open to ready (virtual controller, in-memory bond store)',
      measure: async () => ({ value: await timeHostOpen(), unit: 'ms' }),
      runs: 21,
      better: 'lower',
    },
  ],
};
