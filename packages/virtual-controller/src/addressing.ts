import { equalBytes } from '@tsble/base';
import type { VirtualController } from './controller.js';
import { isRpa, isZeroIrk } from './rpa.js';
import type { OwnAddress } from './state.js';

/** An address as sent on the air: 0 public or 1 random, and its octets (HCI order). */
export interface AirAddress {
  type: number;
  bytes: Uint8Array;
}

/**
 * An address a controller received, after its resolving list: what it reports to its host (type 0-3, with
 * 2/3 the public/random identity of a resolved RPA), the RPA it resolved (zeros if none), and the identity
 * that LE Create Connection and the list are matched against. Core 6.0 Vol 6 Part B 6.2; Vol 4 Part E
 * 7.7.65.2 and 7.7.65.10.
 */
export interface HeardAddress {
  reportedType: number;
  reportedAddress: Uint8Array;
  resolvedRpa: Uint8Array;
  identity: AirAddress;
}

const none = new Uint8Array(6);

/**
 * How `receiver` hears `sender`: an RPA its list resolves (with address resolution on) becomes the peer's
 * identity; an identity address of a peer listed with an IRK is dropped in network privacy mode (the peer
 * must use an RPA; Vol 6 Part B 4.7), so the packet is ignored (undefined).
 */
export function hear(receiver: VirtualController, sender: AirAddress): HeardAddress | undefined {
  const state = receiver.state;
  if (state.addressResolution) {
    if (sender.type === 1 && isRpa(sender.bytes)) {
      const entry = state.resolving.resolvePeer(sender.bytes);
      if (entry) {
        const identity = { type: entry.peerIdentityAddressType, bytes: entry.peerIdentityAddress };
        return {
          reportedType: identity.type + 2,
          reportedAddress: identity.bytes,
          resolvedRpa: sender.bytes,
          identity,
        };
      }
    } else {
      const entry = state.resolving.find(sender.type, sender.bytes);
      if (entry && !isZeroIrk(entry.peerIrk) && entry.privacyMode === 0) return undefined;
    }
  }
  return { reportedType: sender.type, reportedAddress: sender.bytes, resolvedRpa: none, identity: sender };
}

/**
 * The target address of `advertiser`'s directed advertising: the peer's RPA from the resolving list when it
 * advertises with an RPA-capable own address type and the list holds the peer's IRK, else the peer's identity.
 */
export function directedTarget(advertiser: VirtualController): AirAddress {
  const p = advertiser.state.advertisingParameters;
  if (p.ownAddressType >= 2) {
    const entry = advertiser.state.resolving.find(p.peerAddressType, p.peerAddress);
    const rpa = entry && advertiser.state.resolving.peerRpa(entry);
    if (rpa) return { type: 1, bytes: rpa };
  }
  return { type: p.peerAddressType & 1, bytes: p.peerAddress };
}

/** Whether `target` names `receiver`: one of its own addresses, or an RPA from one of its local IRKs. */
export function isAddressedTo(receiver: VirtualController, target: AirAddress): boolean {
  const state = receiver.state;
  if (target.type === 0) return equalBytes(state.publicAddress, target.bytes);
  if (state.randomAddress && equalBytes(state.randomAddress, target.bytes)) return true;
  return (
    state.addressResolution && isRpa(target.bytes) && state.resolving.resolveLocal(target.bytes) !== undefined
  );
}

/**
 * Whether an advertiser heard as `heard` is the peer LE Create Connection names: by identity (types 2/3 need a
 * resolved or identity address), or, for types 0/1, also by the exact address on the air.
 */
export function isRequestedPeer(
  request: { peerAddressType: number; peerAddress: Uint8Array },
  heard: HeardAddress,
  onAir: AirAddress,
): boolean {
  const wanted = { type: request.peerAddressType & 1, bytes: request.peerAddress };
  const same = (a: AirAddress) => a.type === wanted.type && equalBytes(a.bytes, wanted.bytes);
  return same(heard.identity) || (request.peerAddressType < 2 && same(onAir));
}

/** The local RPA field of Enhanced Connection Complete: the RPA we used, or zeros. */
export function localRpaField(own: OwnAddress): Uint8Array {
  return own.rpa ? own.bytes : none;
}
