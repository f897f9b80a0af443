/**
 * The lower tester checked against itself: two LTs pair over the virtual controller in every association
 * model, legacy and LE SC. Both must derive the same key (the virtual controller only encrypts when the
 * central's key equals the peripheral's) and receive each other's keys; a wrong passkey must fail.
 */
import { f4, p256GenerateKeyPair, randomBytes } from '@tsble/smp-core';
import { VirtualAir } from '@tsble/virtual-controller';
import { afterEach, describe, expect, it } from 'vitest';
import { LowerTester } from './link.js';
import { AUTH, KEYS, sameBytes } from './smp-frames.js';
import { features, type PairScript, SmpPeer } from './smp-peer.js';

const airs: VirtualAir[] = [];
afterEach(() => {
  for (const air of airs.splice(0)) air.close();
});

async function linked(): Promise<{ central: LowerTester; peripheral: LowerTester }> {
  const air = new VirtualAir();
  airs.push(air);
  const central = await LowerTester.open(air, 'lt-central');
  const peripheral = await LowerTester.open(air, 'lt-peripheral');
  await peripheral.advertise();
  const arrived = peripheral.waitForConnection();
  await central.connect(peripheral.address);
  await arrived;
  return { central, peripheral };
}

async function pair(central: PairScript, peripheral: PairScript) {
  const link = await linked();
  const [c, p] = await Promise.all([
    new SmpPeer(link.central, central).run(),
    new SmpPeer(link.peripheral, peripheral).run(),
  ]);
  return { c, p };
}

const SC = AUTH.bonding | AUTH.sc;
const MITM = AUTH.mitm;

describe('lower tester against itself', () => {
  const cases: [string, number, number, number, string][] = [
    ['legacy Just Works', AUTH.bonding, 3, 3, 'just-works'],
    ['legacy Passkey Entry', AUTH.bonding | MITM, 2, 0, 'passkey-entry'],
    ['LE SC Just Works', SC, 3, 3, 'just-works'],
    ['LE SC Numeric Comparison', SC | MITM, 1, 4, 'numeric-comparison'],
    ['LE SC Passkey Entry', SC | MITM, 2, 2, 'passkey-entry'],
  ];
  for (const [name, authReq, ioCentral, ioPeripheral, method] of cases) {
    it(`pairs with ${name}, same key on both sides, keys distributed`, async () => {
      const { c, p } = await pair(
        { features: features({ authReq, io: ioCentral }), passkey: () => 424242 },
        { features: features({ authReq, io: ioPeripheral }), passkey: () => 424242 },
      );
      expect(c.kind).toBe('complete');
      expect(p.kind).toBe('complete');
      expect(c.state.association?.method).toBe(method);
      expect(sameBytes(c.state.key, p.state.key)).toBe(true);
      const keyCount = authReq & AUTH.sc ? 3 : 5; // IdKey (2) + SignKey (1), plus EncKey (2) in legacy
      expect(c.state.iutKeys).toHaveLength(keyCount);
      expect(p.state.iutKeys).toHaveLength(keyCount);
      if (method === 'numeric-comparison') expect(c.state.numeric).toBe(p.state.numeric);
    });
  }

  it('pairs with legacy OOB (shared TK) and LE SC OOB (both sides hold the other side data)', async () => {
    const tk = randomBytes(16);
    const legacy = await pair(
      { features: features({ authReq: AUTH.bonding, oob: true }), tk },
      { features: features({ authReq: AUTH.bonding, oob: true }), tk },
    );
    expect([legacy.c.kind, legacy.p.kind, legacy.c.state.association?.method]).toEqual([
      'complete',
      'complete',
      'oob',
    ]);
    const a = { keyPair: await p256GenerateKeyPair(), random: randomBytes(16) };
    const b = { keyPair: await p256GenerateKeyPair(), random: randomBytes(16) };
    const commit = (d: typeof a) => ({
      random: d.random,
      confirm: f4(d.keyPair.publicKey.x, d.keyPair.publicKey.x, d.random, 0),
    });
    const sc = await pair(
      { features: features({ authReq: SC, oob: true }), scOob: { local: a, peer: commit(b) } },
      { features: features({ authReq: SC, oob: true }), scOob: { local: b, peer: commit(a) } },
    );
    expect([sc.c.kind, sc.p.kind, sc.c.state.association?.method]).toEqual(['complete', 'complete', 'oob']);
    expect(sameBytes(sc.c.state.key, sc.p.state.key)).toBe(true);
  });

  it('detects a passkey mismatch (LE SC) and masks a 7-octet key', async () => {
    const { c, p } = await pair(
      { features: features({ authReq: SC | MITM, io: 2 }), passkey: () => 111111 },
      { features: features({ authReq: SC | MITM, io: 2 }), passkey: () => 222222 },
    );
    expect([c.kind, p.kind]).toContain('lt-check-failed');
    const short = await pair(
      { features: features({ maxKeySize: 7, initKeys: KEYS.id, respKeys: 0 }) },
      { features: features({ initKeys: KEYS.id, respKeys: 0 }) },
    );
    expect(short.c.state.keySize).toBe(7);
    expect(short.c.state.key?.subarray(7).every((octet) => octet === 0)).toBe(true);
  });
});
