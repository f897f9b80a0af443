/**
 * smp-core's pairing engine: complete pairings between two in-memory PairingSessions (every PDU encoded,
 * decoded and checked; fresh P-256 key pairs per pairing). The goal is under 5 ms per LE SC pairing, which
 * is bounded by two key generations and two DHKey computations. Run with the default (WebCrypto) provider
 * and with node:crypto; legacy Just Works (no P-256) shows the engine's own overhead.
 */
import type { Address } from '@tsble/base';
import {
  type CryptoProvider,
  IoCapability,
  type PairingAction,
  type PairingConfig,
  PairingSession,
  setCryptoProvider,
  webCryptoProvider,
} from '@tsble/smp-core';
import { nodeCryptoProvider } from '@tsble/smp-core/node';
import type { BenchCase, BenchSuite } from '../harness.js';

const CENTRAL: Address = { bytes: Uint8Array.of(1, 2, 3, 4, 5, 0xc6), type: 'random' };
const PERIPHERAL: Address = { bytes: Uint8Array.of(6, 5, 4, 3, 2, 1), type: 'public' };

/** One full pairing; resolves when both sides complete, rejects if either fails. */
async function pairOnce(central: Partial<PairingConfig>, peripheral: Partial<PairingConfig>): Promise<void> {
  const sessions = {
    central: new PairingSession({
      role: 'central',
      localAddress: CENTRAL,
      peerAddress: PERIPHERAL,
      config: central,
    }),
    peripheral: new PairingSession({
      role: 'peripheral',
      localAddress: PERIPHERAL,
      peerAddress: CENTRAL,
      config: peripheral,
    }),
  };
  type Side = keyof typeof sessions;
  const queue: [Side, () => Promise<PairingAction[]>][] = [['central', () => sessions.central.start(0)]];
  let displayed: number | undefined;
  let completed = 0;
  while (queue.length > 0) {
    const [side, input] = queue.shift() ?? ['central', async () => []];
    const peer: Side = side === 'central' ? 'peripheral' : 'central';
    for (const action of await input()) {
      if (action.type === 'send') queue.push([peer, () => sessions[peer].receive(action.pdu, 0)]);
      else if (action.type === 'display-passkey') displayed = action.passkey;
      else if (action.type === 'request-passkey')
        queue.push([side, () => sessions[side].passkeyEntered(displayed ?? null, 0)]);
      // The controllers' part of encryption: the central's LE Enable Encryption reaches the peripheral as an
      // LTK request; its answer turns the link encrypted on both sides (a session counts an encryption only
      // when it asked for it).
      else if (action.type === 'start-encryption') {
        const { rand, ediv } = action;
        queue.push(['peripheral', () => sessions.peripheral.ltkRequested(rand, ediv, 0)]);
      } else if (action.type === 'ltk-reply') {
        queue.push(
          ['central', () => sessions.central.encryptionChanged(0)],
          ['peripheral', () => sessions.peripheral.encryptionChanged(0)],
        );
      } else if (action.type === 'complete') completed++;
      else if (action.type === 'failed') throw new Error(`pairing failed: ${action.message}`);
    }
  }
  if (completed !== 2) throw new Error('pairing did not complete on both sides');
}

const justWorks = [{}, {}] as const;
// The peripheral displays (it answers first, so its passkey exists before the central is asked to type it).
const passkey = [
  { io: IoCapability.keyboardOnly, mitm: true },
  { io: IoCapability.displayOnly, mitm: true },
] as const;
const legacy = [{ sc: false }, { sc: false }] as const;

function pairingCase(
  name: string,
  provider: CryptoProvider,
  configs: readonly [Partial<PairingConfig>, Partial<PairingConfig>],
  baseline?: string,
): BenchCase {
  return {
    name,
    fn: () => {
      setCryptoProvider(provider);
      return pairOnce(configs[0], configs[1]);
    },
    ...(baseline ? { baseline } : {}),
  };
}

export const suite: BenchSuite = {
  name: 'pairing',
  cases: async () => {
    // Warm up both providers (and fail early if pairing is broken).
    for (const provider of [webCryptoProvider, nodeCryptoProvider]) {
      setCryptoProvider(provider);
      await pairOnce(...justWorks);
      await pairOnce(...passkey);
    }
    return [
      pairingCase('LE SC Just Works pairing (webcrypto)', webCryptoProvider, justWorks),
      pairingCase(
        'LE SC Passkey Entry pairing (webcrypto)',
        webCryptoProvider,
        passkey,
        'LE SC Just Works pairing (webcrypto)',
      ),
      pairingCase(
        'LE SC Just Works pairing (node)',
        nodeCryptoProvider,
        justWorks,
        'LE SC Just Works pairing (webcrypto)',
      ),
      pairingCase(
        'LE SC Passkey Entry pairing (node)',
        nodeCryptoProvider,
        passkey,
        'LE SC Just Works pairing (node)',
      ),
      pairingCase(
        'legacy Just Works pairing (no P-256)',
        webCryptoProvider,
        legacy,
        'LE SC Just Works pairing (webcrypto)',
      ),
    ];
  },
};
