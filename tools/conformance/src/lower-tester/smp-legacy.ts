/**
 * LE legacy pairing phase 2 for the lower tester (Core 6.0 Vol 3 Part H 2.3.5.5): the confirm values c1 and
 * the STK s1, for Just Works (TK 0), Passkey Entry (TK = passkey) and OOB (TK from the script).
 */
import { c1, randomBytes, SMP_CID, SmpOpcode, s1 } from '@tsble/smp-core';
import { maskKey, sameBytes, smp } from './smp-frames.js';
import { type SmpPeer, Stop } from './smp-peer.js';

/** Legacy phase 2 (2.3.5.5): Mconfirm/Sconfirm, Mrand/Srand, STK = s1(TK, Srand, Mrand). */
export async function legacyPhase2(peer: SmpPeer, tk: Uint8Array): Promise<Uint8Array> {
  const own = randomBytes(16);
  const initiator = peer.state.role === 'central';
  const { ia, iat, ra, rat } = peer.addresses();
  const preq = peer.state.lt.get('pairing-request') ?? peer.state.preq!;
  const pres =
    peer.state.role === 'peripheral'
      ? (peer.state.lt.get('pairing-response') ?? peer.state.pres!)
      : peer.state.pres!;
  const confirmOf = (r: Uint8Array) => c1(tk, r, preq, pres, iat, ia, rat, ra);
  if (initiator) {
    await peer.send('confirm', smp.confirm(confirmOf(own)));
    peer.state.iut.set('confirm', (await peer.expect(SmpOpcode.pairingConfirm, 'confirm')).slice(1));
    await peer.send('random', smp.random(own));
    const iutRandom = (await peer.expect(SmpOpcode.pairingRandom, 'random')).slice(1);
    peer.state.iut.set('random', iutRandom);
    if (!peer.script.skipChecks && !sameBytes(confirmOf(iutRandom), peer.state.iut.get('confirm'))) {
      await peer.lt.sendFrame(SMP_CID, smp.failed(0x04));
      throw new Stop({ kind: 'lt-check-failed', at: 'confirm' });
    }
    return maskKey(s1(tk, iutRandom, own), peer.state.keySize ?? 16);
  }
  peer.state.iut.set('confirm', (await peer.expect(SmpOpcode.pairingConfirm, 'confirm')).slice(1));
  await peer.send('confirm', smp.confirm(confirmOf(own)));
  const iutRandom = (await peer.expect(SmpOpcode.pairingRandom, 'random')).slice(1);
  peer.state.iut.set('random', iutRandom);
  if (!peer.script.skipChecks && !sameBytes(confirmOf(iutRandom), peer.state.iut.get('confirm'))) {
    await peer.lt.sendFrame(SMP_CID, smp.failed(0x04));
    throw new Stop({ kind: 'lt-check-failed', at: 'confirm' });
  }
  await peer.send('random', smp.random(own));
  return maskKey(s1(tk, own, iutRandom), peer.state.keySize ?? 16);
}
