import { AttError } from '@tsble/host';
import { describe, expect, it } from 'vitest';
import { attErrorOf, hciReasonName, pairingFailedHint, pairingFailedReasonName } from './explain.js';

describe('explain', () => {
  it('names SMP Pairing Failed reasons as the spec does (Core 6.0 Vol 3 Part H 3.5.5)', () => {
    expect(pairingFailedReasonName(0x03)).toBe('Authentication Requirements');
    expect(pairingFailedReasonName(0x09)).toBe('Repeated Attempts');
    expect(pairingFailedReasonName(0x0b)).toBe('DHKey Check Failed');
    expect(pairingFailedReasonName(0x7f)).toBeUndefined();
  });

  it('tells a user without IO how to get an authenticated pairing', () => {
    expect(pairingFailedHint(0x03, { byPeer: false, io: 'none' })).toMatch(
      /^the security asked for.*give --io keyboard-display/,
    );
    expect(pairingFailedHint(0x03, { byPeer: true, io: 'keyboard' })).toMatch(
      /^the peer refused.*--io keyboard here/,
    );
    expect(pairingFailedHint(0x03, { byPeer: true, io: 'keyboard' })).toMatch(/Secure Connections Only/);
    expect(pairingFailedHint(0x08, { byPeer: true, io: 'none' })).toBeUndefined();
  });

  it('names HCI disconnection reasons (Core 6.0 Vol 1 Part F 1.3)', () => {
    expect(hciReasonName(0x13)).toBe('remote user terminated connection');
    expect(hciReasonName(0x16)).toBe('connection terminated by local host');
    expect(hciReasonName(0x3d)).toBe('connection terminated mic failure');
    expect(hciReasonName(0xee)).toBeUndefined();
  });

  it('recognises an ATT error, and nothing else', () => {
    expect(attErrorOf(new AttError(0x0a, 1, 0x08))).toEqual({ code: 0x0a, handle: 1 });
    expect(attErrorOf(new Error('x'))).toBeUndefined();
    expect(attErrorOf({ name: 'AttError', code: 1, handle: 1 })).toBeUndefined();
  });
});
