/**
 * Pairing through the whole stack: two @tsble/host Hosts on the in-process virtual controller (HCI over H4,
 * controller flow control, L2CAP, SMP, encryption, key distribution, in-memory bond stores), from
 * `connection.pair()` until both sides report the pairing done with their keys stored. One fresh pair of
 * hosts and one fresh connection per run, made before the clock starts. LE Secure Connections generate a
 * new P-256 key pair on each side for every pairing, with the provider Host.open installs by default
 * (node:crypto); one more row runs Just Works on smp-core's platform default (WebCrypto, `crypto: 'default'`).
 * Medians over 25 runs; the spread column is the interquartile range (JSON lines carry min and max). Goal: LE
 * SC Just Works under 5 ms.
 */
import type { BenchCase, BenchSuite } from '../harness.js';
import {
  type PairingScenarioName,
  pairingScenarios,
  timeHostPairing,
  timeHostPairingOnWebCrypto,
} from '../stack/tsble-peers.js';

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

/** The same Just Works pairing on WebCrypto (hosts opened with `crypto: 'default'`). */
const webCryptoCase: BenchCase = {
  name: `${JUST_WORKS}, WebCrypto provider (crypto: 'default')`,
  measure: async () => ({
    value: await timeHostPairingOnWebCrypto(pairingScenarios[JUST_WORKS]),
    unit: 'ms',
  }),
  runs: RUNS,
  better: 'lower',
  baseline: JUST_WORKS,
};

export const suite: BenchSuite = {
  name: 'stack pairing',
  cases: async () => [
    ...(Object.keys(pairingScenarios) as PairingScenarioName[]).map(pairingCase),
    webCryptoCase,
  ],
};
