/**
 * LE Secure Connections phase 2 for the lower tester (Core 6.0 Vol 3 Part H 2.3.5.6): public key exchange,
 * authentication stage 1 (Just Works / Numeric Comparison, Passkey Entry's 20 rounds, OOB) and stage 2
 * (f5, the DHKey checks Ea/Eb). Every f4/f5/f6 input is the public key the LT actually sent, so a case that
 * sends a forged key sees exactly what a real attacker would.
 */
import { f4, f5, f6, g2, type P256PublicKey, randomBytes, SMP_CID, SmpOpcode } from '@tsble/smp-core';
import { maskKey, passkeyValue, sameBytes, smp } from './smp-frames.js';
import { type SmpPeer, Stop } from './smp-peer.js';

const PASSKEY_ROUNDS = 20;

function withType(address: Uint8Array, type: number): Uint8Array {
  const out = new Uint8Array(7);
  out.set(address);
  out[6] = type;
  return out;
}

interface Keys {
  initiator: P256PublicKey;
  responder: P256PublicKey;
  dhKey: Uint8Array;
}

/** Runs phase 2 and returns the LTK masked to the negotiated key size. */
export async function scPhase2(peer: SmpPeer): Promise<Uint8Array> {
  const keys = await exchangePublicKeys(peer);
  const initiator = peer.state.role === 'central';
  const method = peer.state.association?.method;
  let nonces: { na: Uint8Array; nb: Uint8Array };
  let r: { ra: Uint8Array; rb: Uint8Array } = { ra: new Uint8Array(16), rb: new Uint8Array(16) };
  if (method === 'passkey-entry') {
    const passkey = await peer.passkey();
    nonces = await passkeyRounds(peer, keys, passkey);
    r = { ra: passkeyValue(passkey), rb: passkeyValue(passkey) };
  } else if (method === 'oob') {
    r = oobRandoms(peer);
    nonces = await exchangeNonces(peer, keys, false);
  } else {
    nonces = await exchangeNonces(peer, keys, true);
    if (method === 'numeric-comparison') {
      peer.state.numeric = String(
        g2(keys.initiator.x, keys.responder.x, nonces.na, nonces.nb) % 1_000_000,
      ).padStart(6, '0');
    }
  }
  const { ia, iat, ra, rat } = peer.addresses();
  const a = withType(ia, iat);
  const b = withType(ra, rat);
  const { macKey, ltk } = f5(keys.dhKey, nonces.na, nonces.nb, a, b);
  const preq = peer.state.lt.get('pairing-request') ?? peer.state.preq!;
  const pres = peer.state.lt.get('pairing-response') ?? peer.state.pres!;
  const ea = f6(macKey, nonces.na, nonces.nb, r.rb, preq.slice(1, 4), a, b);
  const eb = f6(macKey, nonces.nb, nonces.na, r.ra, pres.slice(1, 4), b, a);
  if (peer.script.skipDhKeyCheck) return maskKey(ltk, peer.state.keySize ?? 16);
  if (initiator) {
    await peer.send('dhkey-check', smp.dhKeyCheck(ea));
    const iutEb = (await peer.expect(SmpOpcode.pairingDhKeyCheck, 'dhkey-check')).slice(1);
    peer.state.iut.set('dhkey-check', iutEb);
    if (!peer.script.skipChecks && !sameBytes(iutEb, eb)) await ltCheckFailed(peer, 0x0b, 'dhkey-check');
  } else {
    const iutEa = (await peer.expect(SmpOpcode.pairingDhKeyCheck, 'dhkey-check')).slice(1);
    peer.state.iut.set('dhkey-check', iutEa);
    if (!peer.script.skipChecks && !sameBytes(iutEa, ea)) await ltCheckFailed(peer, 0x0b, 'dhkey-check');
    await peer.send('dhkey-check', smp.dhKeyCheck(eb));
  }
  return maskKey(ltk, peer.state.keySize ?? 16);
}

async function ltCheckFailed(peer: SmpPeer, reason: number, at: string): Promise<never> {
  await peer.lt.sendFrame(SMP_CID, smp.failed(reason));
  throw new Stop({ kind: 'lt-check-failed', at });
}

async function exchangePublicKeys(peer: SmpPeer): Promise<Keys> {
  const own = await peer.keyPair();
  const receive = async () => {
    const pdu = await peer.expect(SmpOpcode.pairingPublicKey, 'public-key');
    peer.state.iut.set('public-key', pdu.slice(1));
    return { x: pdu.slice(1, 33), y: pdu.slice(33, 65) };
  };
  const sendOwn = async (iut: P256PublicKey | undefined) => {
    const sent = peer.script.sendPublicKey ? peer.script.sendPublicKey(own.publicKey, iut) : own.publicKey;
    await peer.send('public-key', smp.publicKey(sent.x, sent.y));
    return sent;
  };
  let sent: P256PublicKey;
  let iut: P256PublicKey;
  if (peer.state.role === 'central') {
    sent = await sendOwn(undefined);
    iut = await receive();
  } else {
    iut = await receive();
    sent = await sendOwn(iut);
  }
  checkIutOobCommitment(peer, iut);
  const dhKey = await peer.dhKey(own.privateKey, iut);
  return peer.state.role === 'central'
    ? { initiator: sent, responder: iut, dhKey }
    : { initiator: iut, responder: sent, dhKey };
}

/** An OOB commitment the IUT gave us must match the key it sent (2.3.5.6.4). */
function checkIutOobCommitment(peer: SmpPeer, iut: P256PublicKey): void {
  const given = peer.script.scOob?.peer;
  if (!given) return;
  if (!peer.script.skipChecks && !sameBytes(f4(iut.x, iut.x, given.random, 0), given.confirm))
    throw new Stop({ kind: 'lt-check-failed', at: 'oob-confirm' });
}

/** ra is the initiator's OOB r if the responder received it (its OOB flag is set), else 0; rb likewise. */
function oobRandoms(peer: SmpPeer): { ra: Uint8Array; rb: Uint8Array } {
  const zero = new Uint8Array(16);
  const preq = peer.state.lt.get('pairing-request') ?? peer.state.preq!;
  const pres = peer.state.lt.get('pairing-response') ?? peer.state.pres!;
  const initiator = peer.state.role === 'central';
  const own = peer.script.scOob?.local?.random ?? zero;
  const theirs = peer.script.scOob?.peer?.random ?? zero;
  // The IUT holds our OOB data when its own OOB flag says it received some.
  const iutHasOurs = (initiator ? pres[2] : preq[2]) === 1;
  const ltHasTheirs = peer.script.scOob?.peer !== undefined;
  const ownR = iutHasOurs ? own : zero;
  const theirR = ltHasTheirs ? theirs : zero;
  return initiator ? { ra: ownR, rb: theirR } : { ra: theirR, rb: ownR };
}

/** Just Works / Numeric Comparison (responder commits with Cb) or OOB (no commitment in this stage). */
async function exchangeNonces(
  peer: SmpPeer,
  keys: Keys,
  commit: boolean,
): Promise<{ na: Uint8Array; nb: Uint8Array }> {
  const own = randomBytes(16);
  if (peer.state.role === 'central') {
    if (commit)
      peer.state.iut.set('confirm', (await peer.expect(SmpOpcode.pairingConfirm, 'confirm')).slice(1));
    await peer.send('random', smp.random(own));
    const nb = (await peer.expect(SmpOpcode.pairingRandom, 'random')).slice(1);
    peer.state.iut.set('random', nb);
    if (
      commit &&
      !peer.script.skipChecks &&
      !sameBytes(f4(keys.responder.x, keys.initiator.x, nb, 0), peer.state.iut.get('confirm'))
    )
      await ltCheckFailed(peer, 0x04, 'confirm');
    return { na: own, nb };
  }
  if (commit) await peer.send('confirm', smp.confirm(f4(keys.responder.x, keys.initiator.x, own, 0)));
  const na = (await peer.expect(SmpOpcode.pairingRandom, 'random')).slice(1);
  peer.state.iut.set('random', na);
  await peer.send('random', smp.random(own));
  return { na, nb: own };
}

/** Passkey Entry, 20 rounds of commit and reveal, one per passkey bit (2.3.5.6.3). */
async function passkeyRounds(
  peer: SmpPeer,
  keys: Keys,
  passkey: number,
): Promise<{ na: Uint8Array; nb: Uint8Array }> {
  let na: Uint8Array = new Uint8Array(16);
  let nb: Uint8Array = new Uint8Array(16);
  const initiator = peer.state.role === 'central';
  for (let i = 0; i < PASSKEY_ROUNDS; i++) {
    peer.state.round = i;
    const bit = 0x80 | ((passkey >> i) & 1);
    const own = randomBytes(16);
    if (initiator) {
      await peer.send('confirm', smp.confirm(f4(keys.initiator.x, keys.responder.x, own, bit)));
      const cbi = (await peer.expect(SmpOpcode.pairingConfirm, 'confirm')).slice(1);
      await peer.send('random', smp.random(own));
      const nbi = (await peer.expect(SmpOpcode.pairingRandom, 'random')).slice(1);
      if (!peer.script.skipChecks && !sameBytes(f4(keys.responder.x, keys.initiator.x, nbi, bit), cbi))
        await ltCheckFailed(peer, 0x04, 'confirm');
      na = own;
      nb = nbi;
    } else {
      const cai = (await peer.expect(SmpOpcode.pairingConfirm, 'confirm')).slice(1);
      await peer.send('confirm', smp.confirm(f4(keys.responder.x, keys.initiator.x, own, bit)));
      const nai = (await peer.expect(SmpOpcode.pairingRandom, 'random')).slice(1);
      if (!peer.script.skipChecks && !sameBytes(f4(keys.initiator.x, keys.responder.x, nai, bit), cai))
        await ltCheckFailed(peer, 0x04, 'confirm');
      await peer.send('random', smp.random(own));
      na = nai;
      nb = own;
    }
  }
  peer.state.round = undefined;
  return { na, nb };
}
