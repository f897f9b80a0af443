/**
 * The lower tester's link: its own HCI layer on a virtual controller sharing the IUT's air, with a minimal
 * L2CAP of its own (basic frames in, basic frames out, or raw ACL fragments when a case abuses fragmentation).
 * It never uses tsble's L2CAP, so what it sends is exactly the bytes a case scripts, malformed or not.
 */
import { PacketBoundary, type PacketBoundaryFlag } from '@tsble/base';
import { Hci, type LeConnectionComplete } from '@tsble/hci-transport';
import { createConnectionTo, type VirtualAir } from '@tsble/virtual-controller';
import { type Deadline, Inbox } from './inbox.js';

const SMP_CID = 0x0006;

/** An address as HCI carries it: 6 octets least significant first, 0 public / 1 random. */
export interface LinkAddress {
  bytes: Uint8Array;
  type: number;
}

export interface EncryptionOutcome {
  status: number;
  enabled: boolean;
}

const CONNECTABLE_UNDIRECTED = 0x00;

export class LowerTester {
  handle: number | undefined;
  /** The IUT's address on the current link. */
  peer: LinkAddress | undefined;
  /** The LT's role on the current link. */
  role: 'central' | 'peripheral' | undefined;
  disconnectReason: number | undefined;
  private readonly frames = new Map<number, Inbox<Uint8Array>>();
  private readonly encryption = new Inbox<EncryptionOutcome>();
  private readonly ltkRequests = new Inbox<{ rand: Uint8Array; ediv: number }>();
  private readonly disconnections = new Inbox<number>();
  private partial: Uint8Array | undefined;
  private ownRandom: Uint8Array | undefined;

  private constructor(readonly hci: Hci) {
    hci.on('acl', (handle, pb, data) => {
      if (handle === this.handle) this.receiveAcl(pb, data);
    });
    hci.on('encryptionChange', (e) =>
      this.encryption.push({ status: e.status, enabled: e.encryptionEnabled !== 0 }),
    );
    hci.on('keyRefresh', (e) => this.encryption.push({ status: e.status, enabled: true }));
    hci.on('ltkRequest', (e) =>
      this.ltkRequests.push({ rand: e.randomNumber, ediv: e.encryptedDiversifier }),
    );
    hci.on('disconnection', (e) => {
      if (e.connectionHandle !== this.handle) return;
      this.disconnectReason = e.reason;
      this.handle = undefined;
      this.disconnections.push(e.reason);
    });
  }

  static async open(air: VirtualAir, name = 'lower-tester'): Promise<LowerTester> {
    return new LowerTester(await Hci.open(air.createController({ name })));
  }

  /** The LT's own identity on air. */
  get address(): LinkAddress {
    if (this.ownRandom) return { bytes: this.ownRandom, type: 1 };
    return { bytes: this.hci.info.address, type: this.hci.info.addressType === 'public' ? 0 : 1 };
  }

  /** The identity address (what the controller came up with), whatever the LT uses on air now. */
  get identity(): LinkAddress {
    return { bytes: this.hci.info.address, type: this.hci.info.addressType === 'public' ? 0 : 1 };
  }

  /** Use this random address (e.g. an RPA) on air from now on; undefined goes back to the identity. */
  async useRandomAddress(address: Uint8Array | undefined): Promise<void> {
    if (address) await this.hci.execute('leSetRandomAddress', { randomAddress: address });
    this.ownRandom = address;
  }

  get connected(): boolean {
    return this.handle !== undefined;
  }

  /** Advertise connectably; `waitForConnection` then yields the link the IUT makes. */
  async advertise(): Promise<void> {
    await this.hci.execute('leSetAdvertisingParameters', {
      advertisingIntervalMin: 0x20,
      advertisingIntervalMax: 0x20,
      advertisingType: CONNECTABLE_UNDIRECTED,
      ownAddressType: this.address.type,
      peerAddressType: 0,
      peerAddress: new Uint8Array(6),
      advertisingChannelMap: 7,
      advertisingFilterPolicy: 0,
    });
    await this.hci.execute('leSetAdvertisingEnable', { advertisingEnable: 1 });
  }

  /** Resolves with the next successful connection complete (either role). */
  async waitForConnection(timeoutMs = 5000): Promise<void> {
    const event = await withTimeout(this.nextConnection(), timeoutMs, 'no connection from the IUT');
    this.adopt(event);
  }

  /** Connects as central to `peer` (the IUT must be advertising). */
  async connect(peer: LinkAddress, timeoutMs = 5000): Promise<void> {
    const done = this.nextConnection();
    await createConnectionTo(this.hci, peer.bytes, peer.type, this.address.type);
    this.adopt(await withTimeout(done, timeoutMs, 'the IUT was not connectable'));
  }

  /** One whole basic frame on `cid`, fragmented to the controller's ACL size (Vol 3 Part A 3.1). */
  async sendFrame(cid: number, payload: Uint8Array): Promise<void> {
    const frame = new Uint8Array(4 + payload.length);
    const view = new DataView(frame.buffer);
    view.setUint16(0, payload.length, true);
    view.setUint16(2, cid, true);
    frame.set(payload, 4);
    const size = this.hci.leAclDataPacketLength;
    for (let at = 0; at < frame.length; at += size) {
      await this.sendAcl(
        at === 0 ? PacketBoundary.firstNonFlushable : PacketBoundary.continuation,
        frame.subarray(at, at + size),
      );
    }
  }

  /** One raw ACL packet: whatever header and octets a case wants, well-formed or not. */
  sendAcl(pb: PacketBoundaryFlag, data: Uint8Array): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) return Promise.reject(new Error('the lower tester is not connected'));
    return this.hci.sendAcl(handle, pb, data);
  }

  /** The next frame the IUT sent on `cid`, or undefined when none came in time. */
  receive(cid: number, deadline: Deadline): Promise<Uint8Array | undefined> {
    return this.inbox(cid).next(deadline);
  }

  /** Frames already received on `cid` and not consumed. */
  pending(cid: number): Uint8Array[] {
    return this.inbox(cid).drain();
  }

  async startEncryption(
    ltk: Uint8Array,
    ediv: number,
    rand: Uint8Array,
    deadline: Deadline = 3000,
  ): Promise<EncryptionOutcome | undefined> {
    if (this.handle === undefined) return undefined;
    await this.hci.execute('leEnableEncryption', {
      connectionHandle: this.handle,
      randomNumber: rand,
      encryptedDiversifier: ediv,
      longTermKey: ltk,
    });
    return this.encryption.next(deadline);
  }

  /**
   * Peripheral LT after phase 2: the controller's LTK request, or an SMP PDU the IUT sent instead (e.g.
   * Pairing Failed); whichever comes first, the other stays queued.
   */
  async ltkRequestOrSmp(
    deadline: Deadline,
  ): Promise<{ ltk: { rand: Uint8Array; ediv: number } } | { smp: Uint8Array } | undefined> {
    const stop = new AbortController();
    const ltk = this.ltkRequests
      .next(deadline, stop.signal)
      .then((value) => (value ? { ltk: value } : undefined));
    const smp = this.inbox(SMP_CID)
      .next(deadline, stop.signal)
      .then((value) => (value ? { smp: value } : undefined));
    const first = await Promise.race([ltk, smp]);
    stop.abort();
    const [a, b] = await Promise.all([ltk, smp]);
    // Both may have arrived in the same turn: put back the one not returned.
    if (first && 'ltk' in first && b) this.inbox(SMP_CID).unshift(b.smp);
    if (first && 'smp' in first && a) this.ltkRequests.unshift(a.ltk);
    return first ?? a ?? b;
  }

  waitLtkRequest(deadline: Deadline = 3000): Promise<{ rand: Uint8Array; ediv: number } | undefined> {
    return this.ltkRequests.next(deadline);
  }

  /** Answers the controller's LTK request: with a key, or negatively (no key) when `ltk` is undefined. */
  async replyLtk(ltk: Uint8Array | undefined): Promise<void> {
    if (this.handle === undefined) return;
    if (ltk)
      await this.hci.execute('leLongTermKeyRequestReply', {
        connectionHandle: this.handle,
        longTermKey: ltk,
      });
    else await this.hci.execute('leLongTermKeyRequestNegativeReply', { connectionHandle: this.handle });
  }

  waitEncryption(deadline: Deadline = 3000): Promise<EncryptionOutcome | undefined> {
    return this.encryption.next(deadline);
  }

  waitDisconnection(deadline: Deadline): Promise<number | undefined> {
    if (this.handle === undefined) return Promise.resolve(this.disconnectReason);
    return this.disconnections.next(deadline);
  }

  async disconnect(): Promise<void> {
    if (this.handle === undefined) return;
    const gone = this.disconnections.next(3000);
    await this.hci
      .execute('disconnect', { connectionHandle: this.handle, reason: 0x13 })
      .catch(() => undefined);
    await gone;
  }

  async close(): Promise<void> {
    await this.hci.close();
  }

  private inbox(cid: number): Inbox<Uint8Array> {
    let inbox = this.frames.get(cid);
    if (!inbox) {
      inbox = new Inbox();
      this.frames.set(cid, inbox);
    }
    return inbox;
  }

  private nextConnection(): Promise<LeConnectionComplete> {
    return new Promise((resolve) => {
      const listener = (event: LeConnectionComplete) => {
        if (event.status !== 0) return;
        this.hci.off('connectionComplete', listener);
        resolve(event);
      };
      this.hci.on('connectionComplete', listener);
    });
  }

  private adopt(event: LeConnectionComplete): void {
    this.handle = event.connectionHandle;
    this.role = event.role === 0 ? 'central' : 'peripheral';
    this.peer = { bytes: event.peerAddress, type: event.peerAddressType & 1 };
    this.disconnectReason = undefined;
    this.partial = undefined;
    for (const inbox of this.frames.values()) inbox.drain();
    this.encryption.drain();
    this.ltkRequests.drain();
    this.disconnections.drain();
  }

  /** Minimal reassembly: a start fragment opens a frame, continuations extend it (Vol 3 Part A 7.2.1). */
  private receiveAcl(pb: number, data: Uint8Array): void {
    const joined =
      pb === PacketBoundary.continuation && this.partial ? concat(this.partial, data) : data.slice();
    if (joined.length < 4) {
      this.partial = joined;
      return;
    }
    const view = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
    const length = view.getUint16(0, true);
    if (joined.length < 4 + length) {
      this.partial = joined;
      return;
    }
    this.partial = undefined;
    this.inbox(view.getUint16(2, true)).push(joined.slice(4, 4 + length));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
