import { HciStatus } from '@tsble/hci-transport';
import { complete, failed, type Handler, handler } from './reply.js';

/** Legacy advertising and scanning. Core 6.0 Vol 4 Part E 7.8.5-7.8.11. */
export const advertisingHandlers: [number, Handler][] = [
  handler('leSetAdvertisingParameters', (c, p) => {
    if (c.state.advertising) return failed(HciStatus.commandDisallowed);
    if (
      p.advertisingType > 4 ||
      p.ownAddressType > 3 ||
      p.advertisingFilterPolicy > 3 ||
      p.advertisingIntervalMin > p.advertisingIntervalMax
    ) {
      return failed(HciStatus.invalidParameters);
    }
    c.state.advertisingParameters = {
      advertisingType: p.advertisingType,
      ownAddressType: p.ownAddressType,
      peerAddressType: p.peerAddressType,
      peerAddress: p.peerAddress,
      advertisingFilterPolicy: p.advertisingFilterPolicy,
    };
    return complete('leSetAdvertisingParameters');
  }),
  handler('leSetAdvertisingData', (c, p) => {
    c.state.advertisingData = p.advertisingData;
    return complete('leSetAdvertisingData');
  }),
  handler('leSetScanResponseData', (c, p) => {
    c.state.scanResponseData = p.scanResponseData;
    return complete('leSetScanResponseData');
  }),
  handler('leSetAdvertisingEnable', (c, p) => {
    if (p.advertisingEnable > 1) return failed(HciStatus.invalidParameters);
    const enable = p.advertisingEnable === 1;
    // Advertising with a random address that was never set is rejected. Core 6.0 Vol 4 Part E 7.8.9.
    if (enable && c.state.advertisingAddress === undefined) {
      return failed(HciStatus.invalidParameters);
    }
    c.state.advertising = enable;
    return complete('leSetAdvertisingEnable', undefined, () => c.air.update());
  }),
  handler('leSetScanParameters', (c, p) => {
    if (c.state.scanning) return failed(HciStatus.commandDisallowed);
    if (p.leScanType > 1 || p.leScanWindow > p.leScanInterval || p.scanningFilterPolicy > 3)
      return failed(HciStatus.invalidParameters);
    c.state.activeScan = p.leScanType === 1;
    c.state.scanningFilterPolicy = p.scanningFilterPolicy;
    return complete('leSetScanParameters');
  }),
  handler('leSetScanEnable', (c, p) => {
    if (p.leScanEnable > 1) return failed(HciStatus.invalidParameters);
    const enable = p.leScanEnable === 1;
    if (enable && !c.state.scanning) c.state.reported.clear();
    c.state.scanning = enable;
    c.state.filterDuplicates = p.filterDuplicates === 1;
    return complete('leSetScanEnable', undefined, () => c.air.update());
  }),
];
