/**
 * Helpers for the pairing tests (kept out of src/ so they never ship): address fixtures, session
 * factories, and a `Probe` that plays a scripted (possibly hostile) peer against one real session.
 */
import type { Address } from '@tsble/base';
import {
  decodeSmpPdu,
  encodeSmpPdu,
  type PairingAction,
  PairingSession,
  type PairingSessionOptions,
  type SmpPdu,
} from '../src/index.js';
import type { PairingConfig } from '../src/pairing/types.js';

export const CENTRAL_ADDRESS: Address = {
  bytes: Uint8Array.of(0x10, 0x20, 0x30, 0x40, 0x50, 0xc0),
  type: 'random',
};
export const PERIPHERAL_ADDRESS: Address = {
  bytes: Uint8Array.of(0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0),
  type: 'public',
};

export function makeCentral(
  config: Partial<PairingConfig> = {},
  extra: Partial<PairingSessionOptions> = {},
): PairingSession {
  return new PairingSession({
    role: 'central',
    localAddress: CENTRAL_ADDRESS,
    peerAddress: PERIPHERAL_ADDRESS,
    config,
    ...extra,
  });
}

export function makePeripheral(
  config: Partial<PairingConfig> = {},
  extra: Partial<PairingSessionOptions> = {},
): PairingSession {
  return new PairingSession({
    role: 'peripheral',
    localAddress: PERIPHERAL_ADDRESS,
    peerAddress: CENTRAL_ADDRESS,
    config,
    ...extra,
  });
}

/** The PDUs among `actions`, decoded. */
export function sentPdus(actions: PairingAction[]): SmpPdu[] {
  const out: SmpPdu[] = [];
  for (const a of actions) {
    if (a.type !== 'send') continue;
    const d = decodeSmpPdu(a.pdu);
    if (d.ok) out.push(d.value);
  }
  return out;
}

export function failedOf(actions: PairingAction[]): Extract<PairingAction, { type: 'failed' }> | undefined {
  return actions.find((a): a is Extract<PairingAction, { type: 'failed' }> => a.type === 'failed');
}

/** Drives one session with hand-made PDUs and remembers everything it said. */
export class Probe {
  readonly log: PairingAction[] = [];
  now = 0;
  constructor(readonly session: PairingSession) {}

  private record(actions: PairingAction[]): PairingAction[] {
    this.log.push(...actions);
    return actions;
  }
  async start(): Promise<PairingAction[]> {
    return this.record(await this.session.start(this.now));
  }
  async send(pdu: SmpPdu | Uint8Array): Promise<PairingAction[]> {
    const bytes = pdu instanceof Uint8Array ? pdu : encodeSmpPdu(pdu);
    return this.record(await this.session.receive(bytes, this.now));
  }
  async do(input: (s: PairingSession, now: number) => Promise<PairingAction[]>): Promise<PairingAction[]> {
    return this.record(await input(this.session, this.now));
  }
  /** Every PDU the session sent so far. */
  get sent(): SmpPdu[] {
    return sentPdus(this.log);
  }
  last<K extends SmpPdu['op']>(op: K): Extract<SmpPdu, { op: K }> | undefined {
    return this.sent.filter((p): p is Extract<SmpPdu, { op: K }> => p.op === op).at(-1);
  }
  has(type: PairingAction['type']): boolean {
    return this.log.some((a) => a.type === type);
  }
}

export const NO_DIST = { encKey: false, idKey: false, signKey: false, linkKey: false };
export const ALL_DIST = { encKey: true, idKey: true, signKey: true, linkKey: false };

/** A Pairing Request/Response body with sensible defaults. */
export function features(overrides: Partial<Extract<SmpPdu, { op: 'pairing-request' }>> = {}) {
  return {
    ioCapability: 3 as const,
    oobDataFlag: false,
    authReq: { bonding: true, mitm: false, sc: false, keypress: false, ct2: false },
    maxKeySize: 16,
    initiatorKeyDistribution: NO_DIST,
    responderKeyDistribution: NO_DIST,
    ...overrides,
  };
}
