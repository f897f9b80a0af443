/**
 * Test-only helpers: read the spec sample data (test-vectors/core-spec-sample-data.json) and convert its
 * printed values into the toolbox's on-air order. This is the one place tests reverse octets.
 * Not exported from the package.
 */
import { readFileSync } from 'node:fs';

/** The sample data file's shape: hex strings as the spec prints them (most significant octet first). */
export interface SpecSampleData {
  p256: Record<'privateA' | 'publicAx' | 'publicAy' | 'privateB' | 'publicBx' | 'publicBy' | 'dhKey', string>;
  cmac: { key: string; cases: { msg: string; tag: string }[] };
  f4: Record<'U' | 'V' | 'X' | 'Z' | 'out', string>;
  f5: Record<'W' | 'N1' | 'N2' | 'A1' | 'A2' | 'macKey' | 'ltk', string>;
  f6: Record<'W' | 'N1' | 'N2' | 'R' | 'IOcap' | 'A1' | 'A2' | 'out', string>;
  g2: Record<'U' | 'V' | 'X' | 'Y' | 'out', string>;
  h6: Record<'W' | 'keyID' | 'out', string>;
  h7: Record<'W' | 'SALT' | 'out', string>;
  ah: Record<'IRK' | 'prand' | 'out', string>;
  c1: Record<'k' | 'r' | 'pres' | 'preq' | 'iat' | 'ia' | 'rat' | 'ra' | 'out', string>;
  s1: Record<'k' | 'r1' | 'r2' | 'out', string>;
  ctkd: {
    ltkToLinkKey: Record<'ltk' | 'ct2_0' | 'ct2_1', string>;
    linkKeyToLtk: Record<'linkKey' | 'ct2_0' | 'ct2_1', string>;
  };
  gattHash: Record<'msg' | 'out', string>;
}

export const specData: SpecSampleData = JSON.parse(
  readFileSync(new URL('../../../../test-vectors/core-spec-sample-data.json', import.meta.url), 'utf8'),
);

/** Plain hex -> octets in the order written (for byte strings such as the RFC 4493 cases). */
export function hexBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) throw new Error(`not hex: ${hex}`);
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) =>
    Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16),
  );
}

/** A number as the spec prints it (most significant octet first) -> on-air order (least significant first). */
export function onAir(specHex: string): Uint8Array {
  return hexBytes(specHex).reverse();
}

/** Octets -> plain hex, in the order given. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** On-air octets -> hex as the spec prints the number (most significant octet first). */
export function specHex(onAirBytes: Uint8Array): string {
  return toHex(onAirBytes.slice().reverse());
}
