/**
 * Pairing through the whole stack: two @tsble/host Hosts on the in-process virtual controller (HCI over H4,
 * controller flow control, L2CAP, SMP, encryption, key distribution, in-memory bond stores), from
 * `connection.pair()` until both sides report the pairing done with their keys stored. One fresh pair of
 * hosts and one fresh connection per run, made before the clock starts. LE Secure Connections generate a
 * new P-256 key pair on each side for every pairing. Medians over 25 runs; the spread column is the
 * interquartile range (JSON lines carry min and max). Goal: LE SC Just Works under 5 ms.
 */
import { setCryptoProvider } from '@tsble/smp-core';
import { nodeCryptoProvider } from '@tsble/smp-core/node';
import type { BenchCase, BenchSuite } from '../harness.js';
import { type PairingScenarioName, pairingScenarios, timeHostPairing } from '../stack/tsble-peers.js';

const RUNS = 25;
const JUST_WORKS: PairingScenarioName = 'LE SC Just Works';

function pairingCase(name: PairingScenarioName): BenchCase {
  return {
    name,
    measure: async () => ({ value: await timeHostPairing(pairingScenarios[name]), unit: 'ms' }),
    runs: RUNS,
    better: 'lower',
  };
}

/** The same Just Works pairing with smp-core's node:crypto provider (native P-256) instead of WebCrypto. */
const nodeProviderCase: BenchCase = {
  name: `${JUST_WORKS}, node:crypto provider`,
  measure: async () => {
    setCryptoProvider(nodeCryptoProvider);
    try {
      return { value: await timeHostPairing(pairingScenarios[JUST_WORKS]), unit: 'ms' };
    } finally {
      setCryptoProvider(undefined);
    }
  },
  runs: RUNS,
  better: 'lower',
  baseline: JUST_WORKS,
};

export const suite: BenchSuite = {
  name: 'stack pairing',
  cases: async () => [
    ...(Object.keys(pairingScenarios) as PairingScenarioName[]).map(pairingCase),
    nodeProviderCase,
  ],
};
