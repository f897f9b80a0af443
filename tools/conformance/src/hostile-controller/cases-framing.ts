/**
 * H4 framing: a payload is never re-read as packets once in sync (Core 6.0 Vol 4 Part A 2; Linux h4_recv_buf
 * and Bumble's H4 parser frame by the length field), a partial packet is completed however long the gap, and
 * resynchronisation happens only at open or on an octet that cannot start a packet.
 */
import { concatBytes } from '@tsble/base';
import { encodeEvent, encodeH4 } from '@tsble/hci-transport';
import { FixedCid } from '@tsble/l2cap';
import { settle, sleep, verify } from '../case.js';
import { Random } from '../fuzz/random.js';
import {
  answeredOpcode,
  connectionComplete,
  disconnection,
  event,
  type HostileCase,
  l2capCarrying,
  Op,
  onLiveLink,
  startupRecovers,
} from './forge.js';
import { h4, split } from './proxy.js';

const byLength = 'Core 6.0 Vol 4 Part A 2 and Linux h4_recv_buf: once in sync the length field decides';

const forgedPair = (handle: number) =>
  concatBytes(h4(disconnection(handle)), h4(connectionComplete(handle + 1)));

export const framingCases: HostileCase[] = [
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/ACL-CARRIES-DISCONNECTION',
      purpose: 'ACL data whose payload is a Disconnection Complete for the live handle stays ACL data',
      why: byLength,
    },
    (_s, link, ctx) => ctx.inject(l2capCarrying(link.iut.handle, h4(disconnection(link.iut.handle)))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/ACL-CARRIES-CONNECTION',
      purpose: 'ACL data whose payload is an LE Connection Complete makes no connection',
      why: byLength,
    },
    (_s, link, ctx) =>
      ctx.inject(l2capCarrying(link.iut.handle, h4(connectionComplete(link.iut.handle + 1)))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/ACL-CARRIES-EVENTS-SPLIT-SLOWLY',
      purpose: 'the same, split into single octets with a 300 ms gap inside the payload',
      why: `${byLength}; a gap inside a packet is a slow line, not garbage`,
    },
    async (_s, link, ctx) => {
      const bytes = h4(l2capCarrying(link.iut.handle, forgedPair(link.iut.handle)));
      ctx.inject(...split(bytes.subarray(0, 12), 1), { pauseMs: 300 }, ...split(bytes.subarray(12), 1));
      await sleep(400);
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/ACL-CARRIES-HARDWARE-ERROR',
      purpose: 'ACL data carrying a Hardware Error event does not reset the controller',
      why: byLength,
    },
    (_s, link, ctx) =>
      ctx.inject(l2capCarrying(link.iut.handle, h4({ kind: 'hardware-error', hardwareCode: 1 }))),
    (s) =>
      verify(s.logged(/hardware error/i).length === 0, 'the IUT took payload bytes for a Hardware Error'),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/ACL-CARRIES-ENCRYPTION-CHANGE',
      purpose: 'ACL data carrying an Encryption Change for the live handle leaves the link unencrypted',
      why: byLength,
    },
    (_s, link, ctx) =>
      ctx.inject(
        l2capCarrying(
          link.iut.handle,
          h4({
            kind: 'encryption-change',
            version: 1,
            status: 0,
            connectionHandle: link.iut.handle,
            encryptionEnabled: 1,
          }),
        ),
      ),
    (_s, link) => verify(!link.iut.encrypted, 'the IUT believes the link is encrypted'),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/PEER-WRITE-CARRIES-EVENTS',
      purpose: "a peer's ATT Write Command whose value is HCI events travels as data and nothing else",
      why: `${byLength}; the bytes are the remote peer's choice (the attack of issue 12)`,
    },
    async (_s, link) => {
      const value = forgedPair(link.iut.handle);
      await link.peer.l2cap
        .fixedChannel(FixedCid.att)
        .send(concatBytes(Uint8Array.of(0x52, 0x03, 0x00), value));
    },
  ),
  ...[
    ['UNKNOWN-EVENT-CODE', 0x80, 'an event code no version of the spec assigns'],
    ['TEST-EVENT', 0xfe, 'the reserved testing event 0xFE'],
    ['VENDOR-EVENT', 0xff, 'a vendor event (not a Zephyr fatal error)'],
  ].map(([name, code, what]) =>
    onLiveLink(
      {
        id: `HOSTILE/FRAMING/${name}-CARRIES-EVENTS`,
        purpose: `${what} whose parameters hold a Disconnection Complete and an LE Connection Complete is dropped whole`,
        why: `${byLength}; unknown events are ignored (Core 6.0 Vol 4 Part E 5.4.4; Zephyr "Unhandled event")`,
      },
      (_s, link, ctx) =>
        ctx.inject(event(code as number, concatBytes(Uint8Array.of(0x42), forgedPair(link.iut.handle)))),
    ),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/UNKNOWN-LE-SUBEVENT',
      purpose: 'an LE Meta event with an unknown subevent carrying forged events is ignored',
      why: 'Core 6.0 Vol 4 Part E 7.7.65: unknown subevents are ignored; framed by length',
    },
    (_s, link, ctx) => ctx.inject(event(0x3e, concatBytes(Uint8Array.of(0x7f), forgedPair(link.iut.handle)))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/SINGLE-OCTETS-WHILE-SERVING',
      purpose: 'every packet to the host arrives one octet per write; the link keeps working',
      why: 'H4 has no packet boundaries on the line (Core 6.0 Vol 4 Part A 2): any split is legal',
    },
    (s) => {
      s.behaviour.onPacket = (packet) => split(encodeH4(packet), 1);
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/LONG-GAP-INSIDE-PACKETS',
      purpose: 'the next two ACL packets to the host are split with a 1 s gap inside; ATT is still answered',
      why: `${byLength}; Linux keeps a partial packet for as long as it takes`,
    },
    (s) => {
      let left = 2;
      s.behaviour.onPacket = (packet) => {
        if (packet.type !== 'acl' || left === 0) return undefined;
        left--;
        const bytes = encodeH4(packet);
        return [bytes.subarray(0, 3), { pauseMs: 1000 }, bytes.subarray(3)];
      };
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/MERGED-PACKETS',
      purpose: 'packets to the host are batched into one write every 30 ms; the link keeps working',
      why: 'H4 has no packet boundaries on the line: one read may hold many packets',
    },
    (s, _link, ctx) => {
      let held: Uint8Array[] = [];
      s.behaviour.onPacket = (packet) => {
        if (held.length === 0)
          setTimeout(() => {
            ctx.inject(concatBytes(...held));
            held = [];
          }, 30);
        held.push(encodeH4(packet));
        return [];
      };
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/IMPOSSIBLE-TYPE-OCTET',
      purpose: 'an octet that is no packet type between packets loses sync, is logged, and the link recovers',
      why: 'Linux h4_recv_buf fails on an unknown type octet (EILSEQ); tsble resynchronises and logs it',
    },
    (_s, _link, ctx) => ctx.inject(Uint8Array.of(0x07)),
    (s) => verify(s.logged(/framing lost/).length > 0, 'the resynchronisation was not logged'),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/RANDOM-NON-TYPE-OCTETS-WHILE-SERVING',
      purpose: '64 random octets none of which is a packet type, then normal traffic',
      why: 'resynchronisation on an octet that cannot start a packet, logged',
    },
    (_s, _link, ctx) => {
      const random = new Random(12);
      ctx.inject(Uint8Array.from({ length: 64 }, () => 0x06 + random.int(0xfa)));
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FRAMING/OVERLONG-ACL-LENGTH',
      purpose: 'an ACL header announcing 65535 octets is a framing error, logged; the link recovers',
      why: 'Linux h4_recv_buf refuses a length past its buffer (EMSGSIZE) instead of waiting for it',
    },
    (_s, link, ctx) => ctx.inject(Uint8Array.of(0x02, link.iut.handle & 0xff, 0x20, 0xff, 0xff, 0x07)),
    (s) => verify(s.logged(/framing lost/).length > 0, 'the framing error was not logged'),
  ),
  {
    id: 'HOSTILE/FRAMING/EVENT-HEADER-SWALLOWS-AN-ANSWER',
    purpose:
      'a stray event header (04 80 05) swallows the start of the next Command Complete: that command fails ' +
      'typed and named, nothing is invented, and the next command works',
    expected: 'recover',
    why:
      'framed by length as Linux does: the damage stays inside the misframed packets; the octets left over ' +
      'cannot start a packet, so sync is lost (logged) and found again on the next answer',
    limitMs: 10_000,
    async run(s) {
      const link = await s.link();
      s.hostile.context?.inject(Uint8Array.of(0x04, 0x80, 0x05, 0x33, 0x44));
      await sleep(50);
      const lost = await settle(s.iut?.stopAdvertising() ?? Promise.resolve());
      verify(!lost.ok, 'the swallowed answer was not missed');
      const error = lost.error as { code?: string; message?: string };
      verify(
        error.code === 'command-timeout' && /0x200a/.test(error.message ?? ''),
        `failed with ${error.message}`,
      );
      verify(s.iutEvents.length === 1, `invented events: ${s.iutEvents.join(', ')}`);
      await s.iut?.stopAdvertising();
      verify(link.iut.connected, 'the link was dropped');
      verify(await s.attAnswers(link), 'the link no longer answers ATT');
    },
  },
  startupRecovers(
    {
      id: 'HOSTILE/FRAMING/GARBAGE-AT-OPEN',
      purpose: '64 random octets before anything (a dongle left mid-packet); start-up completes',
      why: 'resynchronisation at open, as a host must after another host died mid-packet',
    },
    (s) => {
      s.behaviour.onOpen = () => [new Random(5).bytes(64)];
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/FRAMING/STRAY-HEADER-AT-OPEN',
      purpose: 'a stray vendor event header (04 FF 30) before the Reset answer; start-up completes',
      why: 'resynchronisation at open: the idle timer gives up on a packet that never completes',
    },
    (s) => {
      s.behaviour.onOpen = () => [Uint8Array.of(0x04, 0xff, 0x30)];
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/FRAMING/HALF-ACL-AT-OPEN',
      purpose: 'the second half of an ACL packet left over from a previous session; start-up completes',
      why: 'resynchronisation at open',
    },
    (s) => {
      s.behaviour.onOpen = () => [h4(l2capCarrying(0x40, new Uint8Array(40))).subarray(17)];
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/FRAMING/HALF-EVENT-HEADER-AT-OPEN',
      purpose: 'a plausible ACL header announcing 27 octets and nothing more; start-up completes',
      why: 'resynchronisation at open',
    },
    (s) => {
      s.behaviour.onOpen = () => [Uint8Array.of(0x02, 0x40, 0x00, 0x1b, 0x00)];
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/FRAMING/COMMAND-COMPLETE-SPLIT-300MS',
      purpose: 'the Command Complete of Read Local Version Information arrives in two parts 300 ms apart',
      why: `${byLength} (issue 12: this made tsble info fail)`,
    },
    (s) => {
      s.behaviour.onPacket = (packet) => {
        if (answeredOpcode(packet) !== Op.readLocalVersionInformation) return undefined;
        const bytes = encodeH4(packet);
        return [bytes.subarray(0, 4), { pauseMs: 300 }, bytes.subarray(4)];
      };
    },
    (s) => verify(s.iut?.hci.info.hciVersion !== undefined, 'no version information'),
  ),
  startupRecovers(
    {
      id: 'HOSTILE/FRAMING/START-UP-IN-SINGLE-OCTETS',
      purpose: 'every packet of the start-up arrives one octet per write',
      why: 'H4 has no packet boundaries on the line',
    },
    (s) => {
      s.behaviour.onPacket = (packet) => split(encodeH4(packet), 1);
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/FRAMING/IMPOSSIBLE-TYPE-OCTET-AT-START-UP',
      purpose: 'an octet that is no packet type right after the Reset answer',
      why: 'resynchronisation on an octet that cannot start a packet',
    },
    (s) => {
      s.behaviour.onPacket = (packet) =>
        answeredOpcode(packet) === Op.reset ? [encodeH4(packet), Uint8Array.of(0x00, 0x09)] : undefined;
    },
  ),
  {
    id: 'HOSTILE/FRAMING/SOCKET-CLOSES-MID-PACKET-AT-START-UP',
    purpose: 'the controller sends half a Command Complete and closes the socket during start-up',
    expected: 'fail',
    why: 'a transport that closes is a transport failure: typed HciError, the CLI exits 3',
    async run(s) {
      s.behaviour.onPacket = (packet) =>
        answeredOpcode(packet) === Op.readLocalVersionInformation
          ? [encodeH4(packet).subarray(0, 5), 'close']
          : undefined;
      const started = performance.now();
      const opened = await Promise.allSettled([s.openIut()]);
      const result = opened[0] as PromiseSettledResult<unknown>;
      verify(result.status === 'rejected', 'start-up succeeded on a closed socket');
      const code = (result.reason as { code?: string }).code;
      verify(code === 'closed' || code === 'transport-closed', `failed with ${code}, not a closed transport`);
      verify(performance.now() - started < 2000, 'the closed socket was noticed late');
    },
  },
  {
    id: 'HOSTILE/FRAMING/SOCKET-CLOSES-MID-PACKET-WHILE-SERVING',
    purpose: 'half an ACL packet, then the socket closes: the IUT reports the link lost and closes HCI',
    expected: 'fail',
    why: 'a transport that closes is a transport failure: typed HciError, the CLI exits 3',
    async run(s) {
      const link = await s.link();
      s.hostile.context?.inject(
        h4(l2capCarrying(link.iut.handle, new Uint8Array(20))).subarray(0, 10),
        'close',
      );
      const lost = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 2000);
        s.iut?.hci.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      verify(lost, 'the IUT did not notice the controller went away');
      verify(
        s.iutErrors.some((e) => (e as { code?: string }).code === 'transport-closed'),
        'no typed transport-closed error',
      );
      await sleep(50);
      verify(!link.iut.connected, 'the IUT still believes in the link');
      verify(s.iut?.controllerFailure?.code === 'transport-closed', 'Host.controllerFailure does not say so');
    },
  },
  startupRecovers(
    {
      id: 'HOSTILE/FRAMING/ZEPHYR-STYLE-EVENT-BURST',
      purpose: 'vendor and unknown events interleaved with every start-up answer',
      why: 'unknown events are ignored whole (Core 6.0 Vol 4 Part E 5.4.4)',
    },
    (s) => {
      s.behaviour.onPacket = (packet) => [
        encodeH4(encodeEvent({ kind: 'other', code: 0xff, params: Uint8Array.of(0x55, 1, 2, 3) })),
        encodeH4(packet),
        encodeH4(encodeEvent({ kind: 'other', code: 0x91, params: new Uint8Array(30) })),
      ];
    },
  ),
];
