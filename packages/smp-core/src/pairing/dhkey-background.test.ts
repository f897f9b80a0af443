/**
 * The DHKey is computed in the background from the public key exchange on: the responder's Public Key and
 * Confirm leave without waiting for it (the peer waits for them), stage 2 waits for it, and a DHKey the provider
 * refuses still fails the pairing (DHKey Check Failed) with nothing derived from it used.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pairInMemory } from '../../examples/in-memory-link.js';
import { failedOf, makeCentral, makePeripheral, sentPdus } from '../../examples/peers.test-support.js';
import { PairingFailedReason } from '../constants.js';
import { getCryptoProvider, setCryptoProvider } from '../crypto/index.js';
import type { PairingSession } from './session.js';

afterEach(() => setCryptoProvider(undefined));

/** The current provider, with DHKeys held until `release` (or refused when `refuse` is set). */
function gatedProvider() {
  const base = getCryptoProvider();
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state = { refuse: false, computing: 0 };
  setCryptoProvider({
    ...base,
    name: 'gated',
    p256DhKey: async (privateKey, publicKey, handle) => {
      state.computing += 1;
      await gate;
      if (state.refuse) throw new Error('refused');
      return base.p256DhKey(privateKey, publicKey, handle);
    },
  });
  return { release, state };
}

/** Central and peripheral up to the central's Public Key reaching the peripheral. */
async function toPublicKey(central: PairingSession, peripheral: PairingSession) {
  const request = (await central.start(0)).find((a) => a.type === 'send');
  if (request?.type !== 'send') throw new Error('no Pairing Request');
  const response = (await peripheral.receive(request.pdu, 0)).find((a) => a.type === 'send');
  if (response?.type !== 'send') throw new Error('no Pairing Response');
  const publicKey = (await central.receive(response.pdu, 0)).find((a) => a.type === 'send');
  if (publicKey?.type !== 'send') throw new Error('no Public Key');
  return publicKey.pdu;
}

describe('the DHKey in the background', () => {
  it("the responder's Public Key and Confirm leave while its DHKey is still being computed", async () => {
    const gated = gatedProvider();
    const central = makeCentral();
    const peripheral = makePeripheral();
    const answered = await peripheral.receive(await toPublicKey(central, peripheral), 0);
    expect(sentPdus(answered).map((pdu) => pdu.op)).toEqual(['pairing-public-key', 'pairing-confirm']);
    expect(gated.state.computing).toBe(1);
    gated.release();
    // The same two sessions go on to the DHKey checks, which use the DHKeys they computed meanwhile.
    let inFlight = answered;
    let to: PairingSession = central;
    const seen: string[] = [];
    while (inFlight.some((action) => action.type === 'send')) {
      const next = [];
      for (const action of inFlight)
        if (action.type === 'send') next.push(...(await to.receive(action.pdu, 0)));
      seen.push(...sentPdus(next).map((pdu) => pdu.op));
      inFlight = next;
      to = to === central ? peripheral : central;
    }
    expect(seen).toEqual(['pairing-random', 'pairing-random', 'pairing-dhkey-check', 'pairing-dhkey-check']);
    expect(failedOf(inFlight)).toBeUndefined();
  });

  it('a DHKey the provider refuses fails the pairing in stage 2, before anything uses it', async () => {
    const gated = gatedProvider();
    gated.state.refuse = true;
    gated.release();
    const result = await pairInMemory({ central: makeCentral(), peripheral: makePeripheral() });
    const failure = result.central.failed ?? result.peripheral.failed;
    expect(failure?.reason).toBe(PairingFailedReason.dhKeyCheckFailed);
    expect(result.central.complete ?? result.peripheral.complete).toBeUndefined();
    expect(result.central.keys ?? result.peripheral.keys).toBeUndefined();
    expect(failedOf(result.central.actions) ?? failedOf(result.peripheral.actions)).toBeDefined();
  });
});
