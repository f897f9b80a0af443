import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e } from './aes.js';
import { aesCmac } from './cmac.js';
import { c1, s1 } from './legacy.js';
import { h6, h7, linkKeyToLtk, ltkToLinkKey } from './link-key-conversion.js';
import { setCryptoProvider } from './provider.js';
import { allProviders } from './providers.test-support.js';
import { ah } from './rpa.js';
import { f4, f5, f6, g2 } from './secure-connections.js';
import { specData as d, hexBytes, onAir, specHex, toHex } from './vectors.test-support.js';

describe.each(allProviders)('toolbox vectors, provider $name', ({ provider }) => {
  beforeAll(() => setCryptoProvider(provider));
  afterAll(() => setCryptoProvider(undefined));

  it('e is AES-128 with on-air (reversed) key, block and result: FIPS-197 C.1', () => {
    const key = onAir('000102030405060708090a0b0c0d0e0f');
    const plaintext = onAir('00112233445566778899aabbccddeeff');
    expect(specHex(e(key, plaintext))).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
  });

  it.each(d.cmac.cases.map((c, i) => ({ ...c, i })))('AES-CMAC RFC 4493 case $i', ({ msg, tag }) => {
    expect(toHex(aesCmac(hexBytes(d.cmac.key), hexBytes(msg)))).toBe(tag);
  });

  it('AES-CMAC over the GATT database hash sample (Vol 3 Part G 7.3)', () => {
    expect(toHex(aesCmac(new Uint8Array(16), hexBytes(d.gattHash.msg)))).toBe(d.gattHash.out);
  });

  it('f4', () => {
    const out = f4(onAir(d.f4.U), onAir(d.f4.V), onAir(d.f4.X), onAir(d.f4.Z));
    expect(specHex(out)).toBe(d.f4.out);
    expect(f4(onAir(d.f4.U), onAir(d.f4.V), onAir(d.f4.X), 0)).toEqual(out);
  });

  it('f5 MacKey and LTK', () => {
    const { macKey, ltk } = f5(onAir(d.f5.W), onAir(d.f5.N1), onAir(d.f5.N2), onAir(d.f5.A1), onAir(d.f5.A2));
    expect(specHex(macKey)).toBe(d.f5.macKey);
    expect(specHex(ltk)).toBe(d.f5.ltk);
  });

  it('f6', () => {
    const v = d.f6;
    const out = f6(
      onAir(v.W),
      onAir(v.N1),
      onAir(v.N2),
      onAir(v.R),
      onAir(v.IOcap),
      onAir(v.A1),
      onAir(v.A2),
    );
    expect(specHex(out)).toBe(v.out);
  });

  it('f6 takes ioCap in on-air order: IO capability, OOB flag, AuthReq', () => {
    // The spec prints IOcap as AuthReq || OOB || IO capability; on air the IO capability comes first.
    expect(Array.from(onAir(d.f6.IOcap))).toEqual([0x02, 0x01, 0x01]);
  });

  it('g2, and the six digits 938554', () => {
    const value = g2(onAir(d.g2.U), onAir(d.g2.V), onAir(d.g2.X), onAir(d.g2.Y));
    expect(value).toBe(Number.parseInt(d.g2.out, 16));
    expect(String(value % 1_000_000).padStart(6, '0')).toBe('938554');
  });

  it('h6 with keyID lebr', () => {
    expect(Buffer.from('lebr', 'ascii').toString('hex')).toBe(d.h6.keyID);
    expect(specHex(h6(onAir(d.h6.W), 'lebr'))).toBe(d.h6.out);
  });

  it('h7', () => {
    expect(specHex(h7(onAir(d.h7.SALT), onAir(d.h7.W)))).toBe(d.h7.out);
  });

  it('CTKD: LTK -> link key, ct2 = 0 and 1', () => {
    const ltk = onAir(d.ctkd.ltkToLinkKey.ltk);
    expect(specHex(ltkToLinkKey(ltk, false))).toBe(d.ctkd.ltkToLinkKey.ct2_0);
    expect(specHex(ltkToLinkKey(ltk, true))).toBe(d.ctkd.ltkToLinkKey.ct2_1);
  });

  it('CTKD: link key -> LTK, ct2 = 0 and 1', () => {
    const linkKey = onAir(d.ctkd.linkKeyToLtk.linkKey);
    expect(specHex(linkKeyToLtk(linkKey, false))).toBe(d.ctkd.linkKeyToLtk.ct2_0);
    expect(specHex(linkKeyToLtk(linkKey, true))).toBe(d.ctkd.linkKeyToLtk.ct2_1);
  });

  it('ah', () => {
    expect(specHex(ah(onAir(d.ah.IRK), onAir(d.ah.prand)))).toBe(d.ah.out);
  });

  it('c1, with the PDUs as sent (opcode first)', () => {
    const v = d.c1;
    const preq = onAir(v.preq);
    expect(preq[0]).toBe(0x01); // Pairing Request opcode
    const out = c1(
      onAir(v.k),
      onAir(v.r),
      preq,
      onAir(v.pres),
      Number(v.iat),
      onAir(v.ia),
      Number(v.rat),
      onAir(v.ra),
    );
    expect(specHex(out)).toBe(v.out);
  });

  it('s1', () => {
    expect(specHex(s1(onAir(d.s1.k), onAir(d.s1.r1), onAir(d.s1.r2)))).toBe(d.s1.out);
  });
});
