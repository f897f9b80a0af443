/**
 * P-256 key pairs computed ahead of need (LE Secure Connections, Core 6.0 Vol 3 Part H 2.3.5.6.1). A fresh
 * process would otherwise generate its key between the peer's Pairing Response and our Public Key, on cold
 * code, with the peer waiting. The pool keeps one pair ready: it is computed when a host opens, handed to
 * the next pairing that needs one, and the next pair is computed right after, once the PDU carrying the
 * handed-out key has gone (setImmediate). Every pairing still gets a pair no other pairing used.
 *
 * One pool per process, like smp-core's crypto provider that computes the pairs. The first `prepare` also runs
 * the toolbox's AES-CMAC functions once (warmUpToolbox), a tick later, so the first pairing does not run them
 * cold between PDUs.
 */
import { type P256KeyPair, p256GenerateKeyPair, warmUpToolbox } from '@tsble/smp-core';

class KeyPairPool {
  #ready: Promise<P256KeyPair> | undefined;
  #warm = false;

  /** Starts computing the next pair if none is ready or under way. */
  prepare(): void {
    if (!this.#warm) {
      this.#warm = true;
      setImmediate(() => warmUpToolbox());
    }
    if (this.#ready) return;
    const pair = p256GenerateKeyPair();
    // A failure is met by the pairing that takes it (and the pool computes afresh for the next one).
    pair.catch(() => undefined);
    this.#ready = pair;
  }

  /** The ready pair, or one computed now; the following one starts once the caller has used this. */
  take(): Promise<P256KeyPair> {
    const pair = this.#ready ?? p256GenerateKeyPair();
    this.#ready = undefined;
    setImmediate(() => this.prepare());
    return pair;
  }
}

export const keyPairPool = new KeyPairPool();
