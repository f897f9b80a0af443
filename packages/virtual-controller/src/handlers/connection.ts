import { HciStatus } from '@tsble/hci-transport';
import type { VirtualController } from '../controller.js';
import type { Link } from '../link.js';
import { leFeatures } from './basic.js';
import { complete, failed, type Handler, handler, pending, type Reply } from './reply.js';

/** Runs `body` with the link for `handle`, or answers Unknown Connection Identifier. */
function withLink(
  c: VirtualController,
  handle: number,
  body: (link: Link) => Reply,
  asStatus = false,
): Reply {
  const link = c.air.linkFor(c, handle);
  if (link === undefined) {
    return asStatus
      ? pending(HciStatus.unknownConnectionIdentifier)
      : failed(HciStatus.unknownConnectionIdentifier);
  }
  return body(link);
}

/** Connections, their parameters, and encryption. Core 6.0 Vol 4 Part E 7.1.6 and 7.8.12-7.8.26, 7.8.33. */
export const connectionHandlers: [number, Handler][] = [
  handler('leCreateConnection', (c, p) => {
    if (c.air.isConnecting(c)) return pending(HciStatus.commandDisallowed);
    if (p.ownAddressType > 3 || p.peerAddressType > 3 || p.initiatorFilterPolicy > 1)
      return pending(HciStatus.invalidParameters);
    const peer = { type: p.peerAddressType, address: p.peerAddress };
    if (c.state.ownAddress(p.ownAddressType, peer) === undefined) return pending(HciStatus.invalidParameters);
    return pending(0, () =>
      c.air.requestConnection(c, {
        peerAddressType: p.peerAddressType,
        peerAddress: p.peerAddress,
        ownAddressType: p.ownAddressType,
        initiatorFilterPolicy: p.initiatorFilterPolicy,
        connectionInterval: p.connectionIntervalMax,
        peripheralLatency: p.maxLatency,
        supervisionTimeout: p.supervisionTimeout,
      }),
    );
  }),
  handler('leCreateConnectionCancel', (c) => {
    if (!c.air.isConnecting(c)) return failed(HciStatus.commandDisallowed);
    return complete('leCreateConnectionCancel', undefined, () => c.air.cancelConnection(c));
  }),
  // LL_TERMINATE_IND goes out at the next connection event. Core 6.0 Vol 6 Part B 5.1.6.
  handler('disconnect', (c, p) =>
    withLink(
      c,
      p.connectionHandle,
      (link) => pending(0, () => link.events.after(1, () => c.air.disconnect(link, c, p.reason))),
      true,
    ),
  ),
  handler('leConnectionUpdate', (c, p) =>
    withLink(
      c,
      p.connectionHandle,
      (link) =>
        // The new parameters apply at an instant at least 6 connection events ahead. Vol 6 Part B 5.1.1.
        pending(0, () =>
          link.events.after(6, () => {
            link.connectionInterval = p.connectionIntervalMax;
            link.peripheralLatency = p.maxLatency;
            link.supervisionTimeout = p.supervisionTimeout;
            link.events.intervalChanged();
            for (const end of [link.central, link.peripheral]) {
              end.controller.sendEvent({
                kind: 'le-connection-update-complete',
                status: 0,
                connectionHandle: end.handle,
                connectionInterval: link.connectionInterval,
                peripheralLatency: link.peripheralLatency,
                supervisionTimeout: link.supervisionTimeout,
              });
            }
          }),
        ),
      true,
    ),
  ),
  handler('leReadRemoteFeatures', (c, p) =>
    withLink(
      c,
      p.connectionHandle,
      (link) =>
        // LL_FEATURE_REQ out, LL_FEATURE_RSP back: two connection events.
        pending(0, () =>
          link.events.after(2, () =>
            c.sendEvent({
              kind: 'le-read-remote-features-complete',
              status: 0,
              connectionHandle: p.connectionHandle,
              leFeatures,
            }),
          ),
        ),
      true,
    ),
  ),
  handler('readRemoteVersionInformation', (c, p) =>
    withLink(
      c,
      p.connectionHandle,
      (link) =>
        pending(0, () =>
          link.events.after(2, () =>
            c.sendEvent({
              kind: 'read-remote-version-information-complete',
              status: 0,
              connectionHandle: p.connectionHandle,
              version: 0x0d,
              companyIdentifier: 0xffff,
              subversion: 1,
            }),
          ),
        ),
      true,
    ),
  ),
  handler('leSetDataLength', (c, p) =>
    withLink(c, p.connectionHandle, (link) => {
      if (p.txOctets < 27 || p.txOctets > 251) return failed(HciStatus.invalidParameters);
      const me = link.endOf(c);
      const peer = link.peerOf(c);
      // LL_LENGTH_REQ/RSP: two connection events.
      return complete('leSetDataLength', { connectionHandle: p.connectionHandle }, () =>
        link.events.after(2, () => {
          if (me.maxTxOctets === p.txOctets) return;
          me.maxTxOctets = p.txOctets;
          // Both sides learn the new lengths: this side's Tx is the peer's Rx. Core 6.0 Vol 4 Part E 7.7.65.7.
          for (const [end, tx, rx] of [
            [me, me.maxTxOctets, peer.maxTxOctets],
            [peer, peer.maxTxOctets, me.maxTxOctets],
          ] as const) {
            end.controller.sendEvent({
              kind: 'le-data-length-change',
              connectionHandle: end.handle,
              maxTxOctets: tx,
              maxTxTime: 328 + 8 * (tx - 27),
              maxRxOctets: rx,
              maxRxTime: 328 + 8 * (rx - 27),
            });
          }
        }),
      );
    }),
  ),
  handler('readEncryptionKeySize', (c, p) =>
    withLink(c, p.connectionHandle, (link) =>
      link.encrypted
        ? complete('readEncryptionKeySize', { connectionHandle: p.connectionHandle, keySize: 16 })
        : failed(HciStatus.commandDisallowed),
    ),
  ),
  handler('leEnableEncryption', (c, p) =>
    withLink(
      c,
      p.connectionHandle,
      (link) => {
        // Only the central starts encryption. Core 6.0 Vol 4 Part E 7.8.24.
        if (link.central.controller !== c || link.pendingEncryption)
          return pending(HciStatus.commandDisallowed);
        return pending(0, () => {
          link.pendingEncryption = {
            randomNumber: p.randomNumber,
            encryptedDiversifier: p.encryptedDiversifier,
            longTermKey: p.longTermKey,
          };
          // LL_ENC_REQ reaches the peripheral at the next connection event. Vol 6 Part B 5.1.3.1.
          link.events.after(1, () =>
            link.peripheral.controller.sendEvent({
              kind: 'le-long-term-key-request',
              connectionHandle: link.peripheral.handle,
              randomNumber: p.randomNumber,
              encryptedDiversifier: p.encryptedDiversifier,
            }),
          );
        });
      },
      true,
    ),
  ),
  handler('leLongTermKeyRequestReply', (c, p) =>
    withLink(c, p.connectionHandle, (link) => {
      if (link.peripheral.controller !== c || !link.pendingEncryption)
        return failed(HciStatus.commandDisallowed);
      return complete('leLongTermKeyRequestReply', { connectionHandle: p.connectionHandle }, () =>
        setImmediate(() => link.events.after(2, () => link.answerLtk(p.longTermKey))),
      );
    }),
  ),
  handler('leLongTermKeyRequestNegativeReply', (c, p) =>
    withLink(c, p.connectionHandle, (link) => {
      if (link.peripheral.controller !== c || !link.pendingEncryption)
        return failed(HciStatus.commandDisallowed);
      return complete('leLongTermKeyRequestNegativeReply', { connectionHandle: p.connectionHandle }, () =>
        setImmediate(() => link.events.after(1, () => link.answerLtk(undefined))),
      );
    }),
  ),
];
