import { HciStatus } from '@tsble/hci-transport';
import type { VirtualController } from '../controller.js';
import { complete, failed, type Handler, handler } from './reply.js';

/** Entries the emulator's Filter Accept List holds. */
export const filterAcceptListCapacity = 8;

/**
 * The list may not change while an advertiser, scanner or initiator filters with it. Core 6.0 Vol 4 Part E
 * 7.8.15-7.8.17.
 */
function listInUse(c: VirtualController): boolean {
  const s = c.state;
  return (
    (s.advertising && s.advertisingParameters.advertisingFilterPolicy !== 0) ||
    (s.scanning && (s.scanningFilterPolicy & 1) === 1) ||
    c.air.isFilteringInitiator(c)
  );
}

/** The Filter Accept List. Core 6.0 Vol 4 Part E 7.8.14-7.8.17; used by the policies in Vol 6 Part B 4.3. */
export const acceptListHandlers: [number, Handler][] = [
  handler('leReadFilterAcceptListSize', () =>
    complete('leReadFilterAcceptListSize', { filterAcceptListSize: filterAcceptListCapacity }),
  ),
  handler('leClearFilterAcceptList', (c) => {
    if (listInUse(c)) return failed(HciStatus.commandDisallowed);
    c.state.filterAcceptList = [];
    return complete('leClearFilterAcceptList');
  }),
  handler('leAddDeviceToFilterAcceptList', (c, p) => {
    // 0 public, 1 random, 0xFF anonymous advertisements (accepted and never matched: no extended advertising).
    if (p.addressType > 1 && p.addressType !== 0xff) return failed(HciStatus.invalidParameters);
    if (listInUse(c)) return failed(HciStatus.commandDisallowed);
    if (c.state.inAcceptList(p.addressType, p.address)) return complete('leAddDeviceToFilterAcceptList');
    if (c.state.filterAcceptList.length >= filterAcceptListCapacity)
      return failed(HciStatus.memoryCapacityExceeded);
    c.state.filterAcceptList.push({ addressType: p.addressType, address: p.address });
    return complete('leAddDeviceToFilterAcceptList');
  }),
  handler('leRemoveDeviceFromFilterAcceptList', (c, p) => {
    if (listInUse(c)) return failed(HciStatus.commandDisallowed);
    if (!c.state.inAcceptList(p.addressType, p.address)) return failed(HciStatus.unknownConnectionIdentifier);
    c.state.filterAcceptList = c.state.filterAcceptList.filter(
      (e) => !(e.addressType === p.addressType && e.address.every((b, i) => b === p.address[i])),
    );
    return complete('leRemoveDeviceFromFilterAcceptList');
  }),
];
