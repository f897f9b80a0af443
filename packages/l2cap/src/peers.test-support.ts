import { encodeBasicFrame } from './basic-frame.js';
import { FixedCid } from './constants.js';
import { L2cap, type L2capOptions } from './l2cap.js';
import { createLoopbackAclLinks } from './loopback.js';
import { Reassembler } from './reassembly.js';
import { decodeSignalingCommand, encodeSignalingCommand, type SignalingCommand } from './signaling-pdu.js';

/** Test-only wiring: two L2CAP instances back to back, or one facing a scripted raw peer. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function pair(central: Partial<L2capOptions> = {}, peripheral: Partial<L2capOptions> = {}, mtu = 27) {
  const [a, b] = createLoopbackAclLinks(0x40, mtu);
  const c = new L2cap(a, { role: 'central', ...central });
  const p = new L2cap(b, { role: 'peripheral', ...peripheral });
  a.attach((pb, d) => c.receiveAcl(pb, d));
  b.attach((pb, d) => p.receiveAcl(pb, d));
  return { central: c, peripheral: p, links: [a, b] as const };
}

/** An L2cap under test whose peer is this test: raw frames in, decoded frames out. */
export function rawPeer(options: Partial<L2capOptions> = {}) {
  const [a, b] = createLoopbackAclLinks(0x40, 27);
  const l2cap = new L2cap(a, { role: 'peripheral', ...options });
  a.attach((pb, d) => l2cap.receiveAcl(pb, d));
  const received: { cid: number; payload: Uint8Array }[] = [];
  const reassembler = new Reassembler(0xffff);
  b.attach((pb, d) => {
    const r = reassembler.push(pb, d);
    if (r.kind === 'pdu') received.push({ cid: r.cid, payload: r.payload });
  });
  const sendFrame = (frame: Uint8Array, size = 27): void => {
    for (let i = 0; i < frame.length; i += size) b.send(i === 0 ? 0 : 1, frame.subarray(i, i + size));
  };
  const signals = (): SignalingCommand[] =>
    received
      .filter((f) => f.cid === FixedCid.leSignaling)
      .flatMap((f) => {
        const decoded = decodeSignalingCommand(f.payload);
        return decoded.ok ? [decoded.value] : [];
      });
  return {
    l2cap,
    received,
    signals,
    sendFrame,
    inject: (cid: number, payload: Uint8Array) => sendFrame(encodeBasicFrame(cid, payload)),
    signal: (command: SignalingCommand) =>
      sendFrame(encodeBasicFrame(FixedCid.leSignaling, encodeSignalingCommand(command))),
    sendRaw: (pb: 0 | 1, data: Uint8Array) => b.send(pb, data),
  };
}
