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

  it('gives the one cause that applied, not every possible one', () => {
    // We refused: smp-core's message says which check.
    const mitm = pairingFailedHint(0x03, {
      byPeer: false,
      io: 'none',
      message: 'MITM protection required but only Just Works is possible',
    });
    expect(mitm).toMatch(/^an authenticated \(MITM\) pairing needs .*give --io keyboard-display/);
    expect(mitm).not.toMatch(/legacy|Secure Connections Only/);
    const scOnly = pairingFailedHint(0x03, {
      byPeer: false,
      io: 'none',
      message: 'Secure Connections Only mode refuses legacy pairing',
    });
    expect(scOnly).toBe('the peer offers only legacy pairing, which --sc-only refuses');
    // The peer refused: only a code came, so the hint follows from what we offered.
    expect(pairingFailedHint(0x03, { byPeer: true, io: 'keyboard', legacy: true })).toMatch(/drop --legacy$/);
    const noIo = pairingFailedHint(0x03, { byPeer: true, io: 'none' });
    expect(noIo).toMatch(/wants MITM protection/);
    expect(noIo).not.toMatch(/legacy/);
    expect(pairingFailedHint(0x0c, { byPeer: false, io: 'none' })).toMatch(/--yes/);
    expect(pairingFailedHint(0x0c, { byPeer: true, io: 'none' })).not.toMatch(/--yes/);
    expect(pairingFailedHint(0x08, { byPeer: true, io: 'none' })).toMatch(
      /would replace a bond it holds for this address, stronger or kept until forgotten/,
    );
    expect(pairingFailedHint(0x08, { byPeer: false, io: 'none' })).toBeUndefined();
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
