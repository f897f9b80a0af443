import { describe, expect, it } from 'vitest';
import { refusedConnectionEvent } from './connection-guard.js';
import type { HciEvent } from './events.js';

const live = new Set([0x0040]);
const connection = (handle: number, status = 0): HciEvent => ({
  kind: 'le-connection-complete',
  source: 'legacy',
  status,
  connectionHandle: handle,
  role: 1,
  peerAddressType: 0,
  peerAddress: new Uint8Array(6),
  localResolvablePrivateAddress: new Uint8Array(6),
  peerResolvablePrivateAddress: new Uint8Array(6),
  connectionInterval: 24,
  peripheralLatency: 0,
  supervisionTimeout: 72,
  centralClockAccuracy: 0,
});

describe('refusedConnectionEvent', () => {
  it('accepts a new connection with a handle in 0x0000-0x0EFF (Core 6.0 Vol 4 Part E 5.4.2)', () => {
    expect(refusedConnectionEvent(connection(0x0000), live)).toBeUndefined();
    expect(refusedConnectionEvent(connection(0x0eff), live)).toBeUndefined();
  });

  it('refuses a handle above 0x0EFF and a second completion for a live handle', () => {
    expect(refusedConnectionEvent(connection(0x0f00), live)).toMatch(/above 0x0EFF/);
    expect(refusedConnectionEvent(connection(0xffff), live)).toMatch(/above 0x0EFF/);
    expect(refusedConnectionEvent(connection(0x0040), live)).toMatch(/second LE Connection Complete/);
  });

  it('lets a failed attempt through whatever its handle: it names no connection', () => {
    expect(refusedConnectionEvent(connection(0x0040, 0x3e), live)).toBeUndefined();
    expect(refusedConnectionEvent(connection(0xffff, 0x02), live)).toBeUndefined();
  });

  it('refuses every event naming a connection when the handle is not live', () => {
    const events: HciEvent[] = [
      { kind: 'disconnection-complete', status: 0, connectionHandle: 0x41, reason: 0x13 },
      { kind: 'encryption-change', version: 1, status: 0, connectionHandle: 0x41, encryptionEnabled: 1 },
      { kind: 'encryption-key-refresh-complete', status: 0, connectionHandle: 0x41 },
      {
        kind: 'le-long-term-key-request',
        connectionHandle: 0x41,
        randomNumber: new Uint8Array(8),
        encryptedDiversifier: 0,
      },
      {
        kind: 'le-data-length-change',
        connectionHandle: 0x41,
        maxTxOctets: 27,
        maxTxTime: 328,
        maxRxOctets: 27,
        maxRxTime: 328,
      },
      { kind: 'le-phy-update-complete', status: 0, connectionHandle: 0x41, txPhy: 1, rxPhy: 1 },
      {
        kind: 'le-connection-update-complete',
        status: 0,
        connectionHandle: 0x41,
        connectionInterval: 6,
        peripheralLatency: 0,
        supervisionTimeout: 10,
      },
      {
        kind: 'le-read-remote-features-complete',
        status: 0,
        connectionHandle: 0x41,
        leFeatures: new Uint8Array(8),
      },
      {
        kind: 'read-remote-version-information-complete',
        status: 0,
        connectionHandle: 0x41,
        version: 13,
        companyIdentifier: 0x05f1,
        subversion: 1,
      },
    ];
    for (const event of events) {
      expect(refusedConnectionEvent(event, live), event.kind).toMatch(/unknown handle 0x41/);
      expect(refusedConnectionEvent({ ...event, connectionHandle: 0x40 } as HciEvent, live)).toBeUndefined();
    }
  });

  it('refuses a Disconnection Complete with a non-zero status: the link stays up (7.7.5)', () => {
    const failed: HciEvent = {
      kind: 'disconnection-complete',
      status: 0x0c,
      connectionHandle: 0x40,
      reason: 0,
    };
    expect(refusedConnectionEvent(failed, live)).toMatch(/stays up/);
  });

  it('has no opinion on events that name no connection', () => {
    expect(refusedConnectionEvent({ kind: 'hardware-error', hardwareCode: 1 }, live)).toBeUndefined();
    expect(
      refusedConnectionEvent({ kind: 'other', code: 0x80, params: new Uint8Array(0) }, live),
    ).toBeUndefined();
  });
});
