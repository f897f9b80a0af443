/**
 * The lower tester's scripted SMP peer: a complete, independent pairing procedure (legacy and LE Secure
 * Connections, every association model, key distribution) built from smp-core's crypto toolbox only, with
 * hooks at every PDU so a case can change, drop or replace what the LT sends, use invalid public keys or
 * DHKeys, and stop at any phase. Core 6.0 Vol 3 Part H 2.3 to 2.4, 3.5, 3.6.
 */
import { hexNumber } from '@tsble/base';
import {
  type P256KeyPair,
  type P256PublicKey,
  p256DhKey,
  p256GenerateKeyPair,
  randomBytes,
  SMP_CID,
  SmpOpcode,
} from '@tsble/smp-core';
import { type Association, associate } from './association.js';
import type { LowerTester } from './link.js';
import {
  AUTH,
  featuresOf,
  featuresPdu,
  KEYS,
  type LtFeatures,
  opName,
  passkeyValue,
  smp,
} from './smp-frames.js';
import { legacyPhase2 } from './smp-legacy.js';
import { scPhase2 } from './smp-sc.js';

/** What a case may change in the LT's behaviour. */
export interface PairScript {
  features: LtFeatures;
  /** The passkey when the IUT displays it (read from the IUT's display) or the LT's own otherwise. */
  passkey?: (display: 'iut' | 'lt' | 'both') => Promise<number> | number;
  /** Legacy OOB TK (both sides hold it). */
  tk?: Uint8Array;
  /** LE SC OOB: the LT's own OOB random (the IUT received r and C), and what the LT received from the IUT. */
  scOob?: {
    local?: { keyPair: P256KeyPair; random: Uint8Array };
    peer?: { random: Uint8Array; confirm: Uint8Array };
  };
  keyPair?: P256KeyPair;
  /** The public key the LT sends instead of its own (invalid-curve, fixed-coordinate, reflected-X cases). */
  sendPublicKey?: (own: P256PublicKey, iut: P256PublicKey | undefined) => P256PublicKey;
  /** The DHKey the LT uses instead of computing it (e.g. 0 after a y = 0 key). */
  dhKey?: Uint8Array;
  /** Called before each PDU the LT sends: return replacement octets, or null to send nothing. */
  beforeSend?: (name: string, pdu: Uint8Array, state: PairState) => Uint8Array | null;
  /** The IUT's Pairing Request, when the case already read it (the LT then starts from its response). */
  preqReceived?: Uint8Array;
  /** Stop (successfully) once this step has been sent; the case then scripts the rest itself. */
  stopAfter?: string;
  /** Start encryption (central) or answer the LTK request (peripheral). Default true. */
  encrypt?: boolean;
  /** LE SC: leave out the DHKey check exchange entirely and go straight to encryption (initiator). */
  skipDhKeyCheck?: boolean;
  /** Do not verify the IUT's confirm values (a peer that carries on regardless, to see what the IUT does). */
  skipChecks?: boolean;
  /** How long to wait for each IUT PDU (ms). Default 2000. */
  wait?: number;
  /** Keys the LT distributes (defaults: fresh random values). */
  ltKeys?: {
    ltk?: Uint8Array;
    ediv?: number;
    rand?: Uint8Array;
    irk?: Uint8Array;
    csrk?: Uint8Array;
    identity?: { type: number; address: Uint8Array };
  };
}

/** Everything exchanged so far, for hooks and verdicts. */
export interface PairState {
  role: 'central' | 'peripheral';
  preq?: Uint8Array;
  pres?: Uint8Array;
  association?: Association & { sc: boolean };
  keySize?: number;
  passkey?: number;
  /** IUT values, by step name (e.g. 'confirm', 'random', 'public-key', 'dhkey-check'). */
  iut: Map<string, Uint8Array>;
  /** LT values as sent. */
  lt: Map<string, Uint8Array>;
  /** LE SC passkey round (0..19) while it runs. */
  round?: number;
  /** The numeric comparison value the LT computed (g2), six digits. */
  numeric?: string;
  /** The key the link was encrypted with (STK or LTK, masked). */
  key?: Uint8Array;
  /** Key distribution PDUs the IUT sent, in order. */
  iutKeys: Uint8Array[];
  /** Every PDU the IUT sent, in order. */
  received: Uint8Array[];
}

export type PairOutcome =
  | { kind: 'complete'; state: PairState }
  | { kind: 'stopped'; state: PairState }
  | { kind: 'iut-failed'; reason: number; at: string; state: PairState }
  | { kind: 'silent'; at: string; state: PairState }
  | { kind: 'unexpected'; at: string; pdu: Uint8Array; state: PairState }
  | { kind: 'lt-check-failed'; at: string; state: PairState }
  | { kind: 'encryption-failed'; status: number | undefined; state: PairState };

type Ending<O> = O extends unknown ? Omit<O, 'state'> : never;

/** Ends the script early with an outcome. */
export class Stop extends Error {
  constructor(readonly outcome: Ending<PairOutcome>) {
    super('stop');
  }
}

export function describeOutcome(outcome: PairOutcome): string {
  switch (outcome.kind) {
    case 'iut-failed':
      return `the IUT sent Pairing Failed ${hexNumber(outcome.reason)} at ${outcome.at}`;
    case 'silent':
      return `the IUT sent nothing at ${outcome.at}`;
    case 'unexpected':
      return `the IUT sent ${opName(outcome.pdu[0])} at ${outcome.at}`;
    case 'lt-check-failed':
      return `the IUT's ${outcome.at} did not verify`;
    case 'encryption-failed':
      return `encryption failed (status 0x${(outcome.status ?? 0xff).toString(16)})`;
    default:
      return `pairing ${outcome.kind}`;
  }
}

/** One pairing run by the LT in its current role on the current link. */
export class SmpPeer {
  readonly state: PairState;

  constructor(
    readonly lt: LowerTester,
    readonly script: PairScript,
  ) {
    this.state = { role: lt.role ?? 'central', iut: new Map(), lt: new Map(), iutKeys: [], received: [] };
  }

  get wait(): number {
    return this.script.wait ?? 2000;
  }

  async run(): Promise<PairOutcome> {
    try {
      await (this.state.role === 'central' ? this.asInitiator() : this.asResponder());
      return { kind: 'complete', state: this.state };
    } catch (error) {
      if (error instanceof Stop) return { ...error.outcome, state: this.state } as PairOutcome;
      throw error;
    }
  }

  /** Sends a step's PDU through the case's hook; stops after `stopAfter`. */
  async send(name: string, pdu: Uint8Array): Promise<void> {
    const replaced = this.script.beforeSend ? this.script.beforeSend(name, pdu, this.state) : pdu;
    if (replaced) {
      this.state.lt.set(name, replaced);
      await this.lt.sendFrame(SMP_CID, replaced);
    }
    if (this.script.stopAfter === name) throw new Stop({ kind: 'stopped' });
  }

  /** The IUT's next SMP PDU, which must be `opcode`. */
  async expect(opcode: number, at: string): Promise<Uint8Array> {
    const pdu = await this.lt.receive(SMP_CID, this.wait);
    if (!pdu) throw new Stop({ kind: 'silent', at });
    this.state.received.push(pdu);
    if (pdu[0] === SmpOpcode.pairingFailed && opcode !== SmpOpcode.pairingFailed)
      throw new Stop({ kind: 'iut-failed', reason: pdu[1] ?? 0, at });
    if (pdu[0] !== opcode) throw new Stop({ kind: 'unexpected', at, pdu });
    return pdu;
  }

  private async asInitiator(): Promise<void> {
    const preq = featuresPdu(SmpOpcode.pairingRequest, this.script.features);
    this.state.preq = preq;
    await this.send('pairing-request', preq);
    const pres = await this.expect(SmpOpcode.pairingResponse, 'pairing-response');
    this.state.pres = pres;
    this.negotiate(featuresOf(this.state.lt.get('pairing-request') ?? preq), featuresOf(pres));
    await this.phase2();
    await this.encryptAndDistribute();
  }

  private async asResponder(): Promise<void> {
    const preq = this.script.preqReceived ?? (await this.expect(SmpOpcode.pairingRequest, 'pairing-request'));
    this.state.preq = preq;
    const theirs = featuresOf(preq);
    const mine = this.script.features;
    // The responder answers with the intersection of what was asked and what it offers (3.6.1).
    const pres = featuresPdu(SmpOpcode.pairingResponse, {
      ...mine,
      initKeys: mine.initKeys & theirs.initKeys,
      respKeys: mine.respKeys & theirs.respKeys,
    });
    this.state.pres = pres;
    await this.send('pairing-response', pres);
    this.negotiate(theirs, featuresOf(this.state.lt.get('pairing-response') ?? pres));
    await this.phase2();
    await this.encryptAndDistribute();
  }

  private negotiate(initiator: LtFeatures, responder: LtFeatures): void {
    this.state.association = associate(initiator, responder);
    this.state.keySize = Math.min(initiator.maxKeySize, responder.maxKeySize);
  }

  private async phase2(): Promise<void> {
    const association = this.state.association;
    if (!association) return;
    if (association.sc) {
      this.state.key = await scPhase2(this);
      return;
    }
    this.state.key = await legacyPhase2(this, await this.legacyTk());
  }

  /** The passkey for this pairing, from whoever displays it. */
  async passkey(): Promise<number> {
    const display = this.state.association?.display;
    const ltIsInitiator = this.state.role === 'central';
    const who =
      display === 'both-input' ? 'both' : (display === 'initiator') === ltIsInitiator ? 'lt' : 'iut';
    const passkey = this.script.passkey ? await this.script.passkey(who) : 123456;
    this.state.passkey = passkey;
    return passkey;
  }

  private async legacyTk(): Promise<Uint8Array> {
    switch (this.state.association?.method) {
      case 'passkey-entry':
        return passkeyValue(await this.passkey());
      case 'oob':
        return this.script.tk ?? new Uint8Array(16);
      default:
        return new Uint8Array(16);
    }
  }

  /** Initiator and responder addresses and types as the link uses them (c1, f5, f6 inputs). */
  addresses(): { ia: Uint8Array; iat: number; ra: Uint8Array; rat: number } {
    const own = this.lt.address;
    const peer = this.lt.peer ?? own;
    return this.state.role === 'central'
      ? { ia: own.bytes, iat: own.type, ra: peer.bytes, rat: peer.type }
      : { ia: peer.bytes, iat: peer.type, ra: own.bytes, rat: own.type };
  }

  private async encryptAndDistribute(): Promise<void> {
    const key = this.state.key;
    if (!key || this.script.encrypt === false) throw new Stop({ kind: 'stopped' });
    if (this.state.role === 'central') {
      const result = await this.lt.startEncryption(key, 0, new Uint8Array(8));
      if (result?.status !== 0 || !result.enabled) {
        const failed = this.lt.pending(SMP_CID).find((pdu) => pdu[0] === SmpOpcode.pairingFailed);
        if (failed) throw new Stop({ kind: 'iut-failed', reason: failed[1] ?? 0, at: 'start-encryption' });
        throw new Stop({ kind: 'encryption-failed', status: result?.status });
      }
      await this.receiveIutKeys(this.responderKeys());
      await this.sendLtKeys(this.initiatorKeys());
    } else {
      const request = await this.lt.ltkRequestOrSmp(this.wait);
      if (!request) throw new Stop({ kind: 'silent', at: 'start-encryption' });
      if ('smp' in request) {
        this.state.received.push(request.smp);
        if (request.smp[0] === SmpOpcode.pairingFailed)
          throw new Stop({ kind: 'iut-failed', reason: request.smp[1] ?? 0, at: 'start-encryption' });
        throw new Stop({ kind: 'unexpected', at: 'start-encryption', pdu: request.smp });
      }
      await this.lt.replyLtk(key);
      const result = await this.lt.waitEncryption(this.wait);
      if (result?.status !== 0 || !result.enabled)
        throw new Stop({ kind: 'encryption-failed', status: result?.status });
      await this.sendLtKeys(this.responderKeys());
      await this.receiveIutKeys(this.initiatorKeys());
    }
  }

  /** Negotiated key distribution bits; EncKey and LinkKey do not travel in LE SC (3.6.1). */
  initiatorKeys(): number {
    const bits = (this.state.preq?.[5] ?? 0) & (this.state.pres?.[5] ?? 0);
    return this.state.association?.sc ? bits & ~(KEYS.enc | KEYS.link) : bits & ~KEYS.link;
  }

  responderKeys(): number {
    const bits = (this.state.preq?.[6] ?? 0) & (this.state.pres?.[6] ?? 0);
    return this.state.association?.sc ? bits & ~(KEYS.enc | KEYS.link) : bits & ~KEYS.link;
  }

  /** The IUT's keys: as many PDUs as the negotiated bits call for, in whatever order it sends them. */
  private async receiveIutKeys(bits: number): Promise<void> {
    const count = (bits & KEYS.enc ? 2 : 0) + (bits & KEYS.id ? 2 : 0) + (bits & KEYS.sign ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const pdu = await this.lt.receive(SMP_CID, this.wait);
      if (!pdu) throw new Stop({ kind: 'silent', at: 'key-distribution' });
      this.state.received.push(pdu);
      if (pdu[0] === SmpOpcode.pairingFailed)
        throw new Stop({ kind: 'iut-failed', reason: pdu[1] ?? 0, at: 'key-distribution' });
      this.state.iutKeys.push(pdu);
    }
  }

  private async sendLtKeys(bits: number): Promise<void> {
    const keys = this.script.ltKeys ?? {};
    if (bits & KEYS.enc) {
      await this.send('encryption-information', smp.encryptionInformation(keys.ltk ?? randomBytes(16)));
      await this.send(
        'central-identification',
        smp.centralIdentification(keys.ediv ?? 0x1234, keys.rand ?? randomBytes(8)),
      );
    }
    if (bits & KEYS.id) {
      await this.send('identity-information', smp.identityInformation(keys.irk ?? randomBytes(16)));
      const identity = keys.identity ?? { type: this.lt.address.type, address: this.lt.address.bytes };
      await this.send('identity-address-information', smp.identityAddress(identity.type, identity.address));
    }
    if (bits & KEYS.sign)
      await this.send('signing-information', smp.signingInformation(keys.csrk ?? randomBytes(16)));
  }

  async keyPair(): Promise<P256KeyPair> {
    return this.script.keyPair ?? this.script.scOob?.local?.keyPair ?? (await p256GenerateKeyPair());
  }

  async dhKey(privateKey: Uint8Array, iut: P256PublicKey): Promise<Uint8Array> {
    if (this.script.dhKey) return this.script.dhKey;
    return p256DhKey(privateKey, iut);
  }
}

/** Default features: what a plain bonding device asks for. */
export function features(overrides: Partial<LtFeatures> = {}): LtFeatures {
  return {
    io: 0x03,
    oob: false,
    authReq: AUTH.bonding | AUTH.sc,
    maxKeySize: 16,
    initKeys: KEYS.enc | KEYS.id | KEYS.sign,
    respKeys: KEYS.enc | KEYS.id | KEYS.sign,
    ...overrides,
  };
}
