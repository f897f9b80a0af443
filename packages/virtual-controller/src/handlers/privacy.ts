import { HciStatus } from '@tsble/hci-transport';
import type { VirtualController } from '../controller.js';
import { resolvingListCapacity } from '../resolving-list.js';
import { complete, completeWith, failed, type Handler, handler, rawHandler } from './reply.js';

/**
 * While address resolution is on, the list may not change under an advertiser, a scanner or an initiator
 * that is using it; Set Address Resolution Enable itself may not change while any of them runs.
 * Core 6.0 Vol 4 Part E 7.8.38-7.8.40 and 7.8.44.
 */
function busy(c: VirtualController): boolean {
  return c.state.advertising || c.state.scanning || c.air.isConnecting(c);
}

const listLocked = (c: VirtualController) => c.state.addressResolution && busy(c);

/** Peer identity type (0 public, 1 random) and address, as LE Read Peer/Local Resolvable Address carry them. */
function identityOf(p: Uint8Array): { type: number; address: Uint8Array } {
  return { type: p[0] ?? 0, address: p.slice(1, 7) };
}

/** The resolving list and the RPAs made from it. Core 6.0 Vol 4 Part E 7.8.38-7.8.45 and 7.8.77. */
export const privacyHandlers: [number, Handler][] = [
  handler('leAddDeviceToResolvingList', (c, p) => {
    if (p.peerIdentityAddressType > 1) return failed(HciStatus.invalidParameters);
    if (listLocked(c)) return failed(HciStatus.commandDisallowed);
    switch (c.state.resolving.add(p)) {
      case 'exists':
        return failed(HciStatus.invalidParameters);
      case 'full':
        return failed(HciStatus.memoryCapacityExceeded);
      default:
        return complete('leAddDeviceToResolvingList');
    }
  }),
  handler('leRemoveDeviceFromResolvingList', (c, p) => {
    if (listLocked(c)) return failed(HciStatus.commandDisallowed);
    return c.state.resolving.remove(p.peerIdentityAddressType, p.peerIdentityAddress)
      ? complete('leRemoveDeviceFromResolvingList')
      : failed(HciStatus.unknownConnectionIdentifier);
  }),
  handler('leClearResolvingList', (c) => {
    if (listLocked(c)) return failed(HciStatus.commandDisallowed);
    c.state.resolving.clear();
    return complete('leClearResolvingList');
  }),
  handler('leReadResolvingListSize', () =>
    complete('leReadResolvingListSize', { resolvingListSize: resolvingListCapacity }),
  ),
  handler('leSetAddressResolutionEnable', (c, p) => {
    if (p.addressResolutionEnable > 1) return failed(HciStatus.invalidParameters);
    if (busy(c)) return failed(HciStatus.commandDisallowed);
    c.state.addressResolution = p.addressResolutionEnable === 1;
    return complete('leSetAddressResolutionEnable');
  }),
  // 1 s to 11.5 h (0x0001-0xA1B8). Core 6.0 Vol 4 Part E 7.8.45.
  handler('leSetResolvablePrivateAddressTimeout', (c, p) => {
    if (p.rpaTimeout < 1 || p.rpaTimeout > 0xa1b8) return failed(HciStatus.invalidParameters);
    c.state.resolving.setTimeout(p.rpaTimeout);
    return complete('leSetResolvablePrivateAddressTimeout');
  }),
  handler('leSetPrivacyMode', (c, p) => {
    if (p.privacyMode > 1 || p.peerIdentityAddressType > 1) return failed(HciStatus.invalidParameters);
    if (listLocked(c)) return failed(HciStatus.commandDisallowed);
    const entry = c.state.resolving.find(p.peerIdentityAddressType, p.peerIdentityAddress);
    if (entry === undefined) return failed(HciStatus.unknownConnectionIdentifier);
    entry.privacyMode = p.privacyMode;
    return complete('leSetPrivacyMode');
  }),
  // LE Read Peer Resolvable Address: the RPA we would address that peer with now (zeros when its IRK is zero).
  rawHandler(0x202b, 7, (c, p) => {
    const { type, address } = identityOf(p);
    const entry = c.state.resolving.find(type, address);
    if (entry === undefined) return failed(HciStatus.unknownConnectionIdentifier);
    return completeWith(c.state.resolving.peerRpa(entry) ?? new Uint8Array(6));
  }),
  // LE Read Local Resolvable Address: the RPA we use towards that peer now (zeros when our IRK for it is zero).
  rawHandler(0x202c, 7, (c, p) => {
    const { type, address } = identityOf(p);
    const entry = c.state.resolving.find(type, address);
    if (entry === undefined) return failed(HciStatus.unknownConnectionIdentifier);
    return completeWith(c.state.resolving.localRpa(entry) ?? new Uint8Array(6));
  }),
];
