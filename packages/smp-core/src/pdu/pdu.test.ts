import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PairingFailedReason, type SmpOpcode } from '../constants.js';
import { decodeSmpPdu, encodeSmpPdu, PDU_LENGTH, type SmpPdu } from './index.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const authReq = fc.record({
  bonding: fc.boolean(),
  mitm: fc.boolean(),
  sc: fc.boolean(),
  keypress: fc.boolean(),
  ct2: fc.boolean(),
});
const dist = fc.record({
  encKey: fc.boolean(),
  idKey: fc.boolean(),
  signKey: fc.boolean(),
  linkKey: fc.boolean(),
});
const features = fc.record({
  ioCapability: fc.constantFrom(0, 1, 2, 3, 4 as const),
  oobDataFlag: fc.boolean(),
  authReq,
  maxKeySize: fc.integer({ min: 7, max: 16 }),
  initiatorKeyDistribution: dist,
  responderKeyDistribution: dist,
});

const anyPdu: fc.Arbitrary<SmpPdu> = fc.oneof(
  features.map((f) => ({ op: 'pairing-request' as const, ...f }) as SmpPdu),
  features.map((f) => ({ op: 'pairing-response' as const, ...f }) as SmpPdu),
  bytes(16).map((confirm) => ({ op: 'pairing-confirm' as const, confirm })),
  bytes(16).map((random) => ({ op: 'pairing-random' as const, random })),
  fc.integer({ min: 0, max: 255 }).map((reason) => ({ op: 'pairing-failed' as const, reason })),
  bytes(16).map((ltk) => ({ op: 'encryption-information' as const, ltk })),
  fc
    .record({ ediv: fc.integer({ min: 0, max: 0xffff }), rand: bytes(8) })
    .map((v) => ({ op: 'central-identification' as const, ...v })),
  bytes(16).map((irk) => ({ op: 'identity-information' as const, irk })),
  fc
    .record({ addressType: fc.constantFrom('public' as const, 'random' as const), address: bytes(6) })
    .map((v) => ({ op: 'identity-address-information' as const, ...v })),
  bytes(16).map((csrk) => ({ op: 'signing-information' as const, csrk })),
  authReq.map((a) => ({ op: 'security-request' as const, authReq: a })),
  fc.record({ x: bytes(32), y: bytes(32) }).map((v) => ({ op: 'pairing-public-key' as const, ...v })),
  bytes(16).map((check) => ({ op: 'pairing-dhkey-check' as const, check })),
  fc
    .constantFrom(0, 1, 2, 3, 4 as const)
    .map((t) => ({ op: 'keypress-notification' as const, notificationType: t }) as SmpPdu),
);

describe('SMP PDU codec', () => {
  it('decode(encode(pdu)) returns the same PDU for every command', () => {
    fc.assert(
      fc.property(anyPdu, (pdu) => {
        const encoded = encodeSmpPdu(pdu);
        expect(encoded.length).toBe(PDU_LENGTH[encoded[0] as SmpOpcode]);
        expect(decodeSmpPdu(encoded)).toEqual({ ok: true, value: pdu });
      }),
    );
  });

  it('never throws on arbitrary bytes, and what it accepts re-encodes to the same length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (input) => {
        const result = decodeSmpPdu(input);
        if (result.ok) {
          const again = encodeSmpPdu(result.value);
          expect(again.length).toBe(input.length);
          expect(decodeSmpPdu(again)).toEqual(result);
        } else {
          expect(typeof result.error.reason).toBe('number');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('answers unknown opcodes with Command Not Supported', () => {
    for (const opcode of [0x00, 0x0f, 0x10, 0x7f, 0xff]) {
      const result = decodeSmpPdu(Uint8Array.of(opcode, 0, 0));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.reason).toBe(PairingFailedReason.commandNotSupported);
    }
  });

  it('answers a wrong length with Invalid Parameters, for every command', () => {
    for (const [opcode, length] of Object.entries(PDU_LENGTH)) {
      for (const wrong of [1, length - 1, length + 1]) {
        const pdu = new Uint8Array(wrong);
        pdu[0] = Number(opcode);
        const result = decodeSmpPdu(pdu);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.reason).toBe(PairingFailedReason.invalidParameters);
      }
    }
    const empty = decodeSmpPdu(new Uint8Array(0));
    expect(!empty.ok && empty.error.reason).toBe(PairingFailedReason.invalidParameters);
  });

  it('refuses reserved field values', () => {
    const cases: [Uint8Array, number][] = [
      [Uint8Array.of(0x01, 0x05, 0, 0, 16, 0, 0), PairingFailedReason.invalidParameters], // IO capability
      [Uint8Array.of(0x01, 0x03, 0x02, 0, 16, 0, 0), PairingFailedReason.invalidParameters], // OOB flag
      [Uint8Array.of(0x02, 0x03, 0, 0, 6, 0, 0), PairingFailedReason.encryptionKeySize], // key size < 7
      [Uint8Array.of(0x02, 0x03, 0, 0, 17, 0, 0), PairingFailedReason.encryptionKeySize], // key size > 16
      [Uint8Array.of(0x09, 0x02, 1, 2, 3, 4, 5, 6), PairingFailedReason.invalidParameters], // address type
      [Uint8Array.of(0x0e, 0x05), PairingFailedReason.invalidParameters], // keypress type
    ];
    for (const [pdu, reason] of cases) {
      const result = decodeSmpPdu(pdu);
      expect(result.ok ? 'accepted' : result.error.reason).toBe(reason);
    }
  });

  it('ignores RFU bits on receipt and sends them as 0', () => {
    const result = decodeSmpPdu(Uint8Array.of(0x01, 0x03, 0, 0xc1, 16, 0xf7, 0xf7));
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.op !== 'pairing-request') return;
    expect(result.value.authReq).toEqual({
      bonding: true,
      mitm: false,
      sc: false,
      keypress: false,
      ct2: false,
    });
    expect(encodeSmpPdu(result.value)).toEqual(Uint8Array.of(0x01, 0x03, 0, 0x01, 16, 0x07, 0x07));
  });

  it('reads multi-octet fields least significant octet first', () => {
    const result = decodeSmpPdu(Uint8Array.of(0x07, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8));
    expect(result).toEqual({
      ok: true,
      value: { op: 'central-identification', ediv: 0x1234, rand: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
    });
  });
});
