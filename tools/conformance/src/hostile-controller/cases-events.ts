/**
 * Events that cannot be true: malformed parameters, and connection events for handles that do not exist, are
 * above 0x0EFF, or are already live. Linux (hci_event.c looks each handle up and drops unknown ones), Zephyr
 * (hci_core.c: "No connection for handle", "Unable to find conn for handle") and NimBLE
 * (ble_hs_conn_find, BLE_HS_ENOTCONN) all refuse them.
 */

import { concatBytes } from '@tsble/base';
import type { HciEvent, HciPacket } from '@tsble/hci-transport';
import { settle, sleep, verify, within } from '../case.js';
import { IUT_UUIDS } from '../iut-service.js';
import {
  answeredOpcode,
  connectionComplete,
  disconnection,
  event,
  type HostileCase,
  isEvent,
  l2capCarrying,
  Op,
  onLiveLink,
  startupFails,
  startupRecovers,
} from './forge.js';
import { commandComplete, h4 } from './proxy.js';
import type { LinkUnderTest } from './scenario.js';

const lookup = 'Linux, Zephyr and NimBLE look every handle up and drop events for unknown ones';
const handleRange = 'Core 6.0 Vol 4 Part E 5.4.2: Connection_Handle is 0x0000-0x0EFF';
const malformed = 'Core 6.0 Vol 4 Part E 7.7: a shorter event than its layout is malformed and ignored';

/** Events naming a connection, for a handle that is not live. */
const forUnknownHandle: [string, (handle: number) => HciEvent | HciPacket][] = [
  ['DISCONNECTION', (h) => disconnection(h)],
  [
    'ENCRYPTION-CHANGE',
    (h) => ({ kind: 'encryption-change', version: 1, status: 0, connectionHandle: h, encryptionEnabled: 1 }),
  ],
  [
    'ENCRYPTION-CHANGE-V2',
    (h) => ({
      kind: 'encryption-change',
      version: 2,
      status: 0,
      connectionHandle: h,
      encryptionEnabled: 1,
      encryptionKeySize: 16,
    }),
  ],
  ['KEY-REFRESH', (h) => ({ kind: 'encryption-key-refresh-complete', status: 0, connectionHandle: h })],
  [
    'LTK-REQUEST',
    (h) => ({
      kind: 'le-long-term-key-request',
      connectionHandle: h,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
    }),
  ],
  [
    'DATA-LENGTH-CHANGE',
    (h) => ({
      kind: 'le-data-length-change',
      connectionHandle: h,
      maxTxOctets: 251,
      maxTxTime: 2120,
      maxRxOctets: 251,
      maxRxTime: 2120,
    }),
  ],
  [
    'PHY-UPDATE',
    (h) => ({ kind: 'le-phy-update-complete', status: 0, connectionHandle: h, txPhy: 2, rxPhy: 2 }),
  ],
  [
    'CONNECTION-UPDATE',
    (h) => ({
      kind: 'le-connection-update-complete',
      status: 0,
      connectionHandle: h,
      connectionInterval: 6,
      peripheralLatency: 0,
      supervisionTimeout: 10,
    }),
  ],
  [
    'REMOTE-FEATURES',
    (h) => ({
      kind: 'le-read-remote-features-complete',
      status: 0,
      connectionHandle: h,
      leFeatures: new Uint8Array(8),
    }),
  ],
  [
    'REMOTE-VERSION',
    (h) => ({
      kind: 'read-remote-version-information-complete',
      status: 0,
      connectionHandle: h,
      version: 13,
      companyIdentifier: 0x05f1,
      subversion: 1,
    }),
  ],
  [
    'NUMBER-OF-COMPLETED-PACKETS',
    (h) => ({
      kind: 'number-of-completed-packets',
      completed: [{ connectionHandle: h, numCompletedPackets: 50 }],
    }),
  ],
  ['ACL-DATA', (h) => l2capCarrying(h, Uint8Array.of(0x0a, 0x03, 0x00))],
];

/** Hci's typed events that carry a connection handle. */
const handleEvents = [
  'disconnection',
  'encryptionChange',
  'keyRefresh',
  'ltkRequest',
  'dataLengthChange',
  'phyUpdate',
  'connectionUpdate',
  'remoteFeatures',
  'remoteVersion',
] as const;

/** Commands a host sends only because it believed an LTK request or a connection. */
const answers = new Set([Op.leLongTermKeyRequestReply, Op.leLongTermKeyRequestNegativeReply, Op.disconnect]);

/** The peer reads the encrypted demo characteristic with a raw ATT Read (no pairing on refusal). */
async function rawEncryptedRead(link: LinkUnderTest): Promise<string> {
  const client = link.peer.gatt.client;
  const characteristic = await client.characteristic(IUT_UUIDS.service, IUT_UUIDS.encrypted);
  const read = await settle(client.read(characteristic.valueHandle));
  return read.ok ? new TextDecoder().decode(read.value) : 'refused';
}

const unsolicited =
  'Core 6.0 Vol 3 Part H 2.4.4 / Vol 6 Part B 5.1.3: a link is encrypted only by an encryption the host started (central) or keyed (peripheral)';

export const eventCases: HostileCase[] = [
  {
    id: 'HOSTILE/ORDER/ENCRYPTION-CHANGE-AND-DATA-IN-ONE-READ',
    purpose:
      'a bonded reconnection: the Encryption Change and the first encrypted request arrive in one read; the request is judged on the encrypted link',
    why: 'Core 6.0 Vol 4 Part E 7.7.8: the controller reports the Encryption Change before the data it protects; the host applies it in that order',
    expected: 'recover',
    async run(s) {
      const first = await s.link();
      await first.peer.pair();
      await first.peer.disconnect();
      // From now on the answer to the IUT's LTK Request Reply and its Encryption Change wait for the next ACL
      // packet and go out with it, in one write: the host reads all three at once.
      let held: Uint8Array[] = [];
      s.behaviour.onPacket = (packet) => {
        if (answeredOpcode(packet) === Op.leLongTermKeyRequestReply || isEvent(packet, 0x08)) {
          held.push(h4(packet));
          return [];
        }
        if (held.length > 0 && packet.type === 'acl') {
          const all = concatBytes(...held, h4(packet));
          held = [];
          return [all];
        }
        return undefined;
      };
      const link = await s.link();
      await link.peer.encrypt();
      const read = await rawEncryptedRead(link);
      verify(
        read === 'encrypted',
        `the IUT refused the request that came with its Encryption Change (${read})`,
      );
      verify(link.iut.encrypted, 'the IUT does not consider the link encrypted');
    },
  },
  onLiveLink(
    {
      id: 'HOSTILE/SECURITY/UNSOLICITED-ENCRYPTION-CHANGE',
      purpose:
        'an Encryption Change (on) for the live link nobody asked for: not encrypted, nothing protected served',
      why: unsolicited,
    },
    (_s, link, ctx) =>
      ctx.inject({
        kind: 'encryption-change',
        version: 1,
        status: 0,
        connectionHandle: link.iut.handle,
        encryptionEnabled: 1,
      }),
    async (_s, link) => {
      verify(!link.iut.encrypted, 'the IUT believes the link is encrypted');
      verify((await rawEncryptedRead(link)) === 'refused', 'the IUT served an encrypted characteristic');
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/SECURITY/UNSOLICITED-KEY-REFRESH',
      purpose: 'an Encryption Key Refresh Complete for an unencrypted live link changes nothing',
      why: unsolicited,
    },
    (_s, link, ctx) =>
      ctx.inject({ kind: 'encryption-key-refresh-complete', status: 0, connectionHandle: link.iut.handle }),
    async (_s, link) => {
      verify(!link.iut.encrypted, 'the IUT believes the link is encrypted');
      verify((await rawEncryptedRead(link)) === 'refused', 'the IUT served an encrypted characteristic');
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/SECURITY/UNSOLICITED-LTK-REQUEST',
      purpose: 'an LTK Request on a live link with no bond and no pairing is answered with a negative reply',
      why: 'Core 6.0 Vol 4 Part E 7.8.26: a host without the key answers LE Long Term Key Request Negative Reply',
    },
    (_s, link, ctx) =>
      ctx.inject({
        kind: 'le-long-term-key-request',
        connectionHandle: link.iut.handle,
        randomNumber: new Uint8Array(8),
        encryptedDiversifier: 0,
      }),
    async (s, link) => {
      const commands = s.hostile.context?.commands ?? [];
      verify(commands.includes(Op.leLongTermKeyRequestNegativeReply), 'no negative reply was sent');
      verify(!commands.includes(Op.leLongTermKeyRequestReply), 'the IUT answered with a key');
      verify(!link.iut.encrypted, 'the IUT believes the link is encrypted');
    },
  ),
  ...forUnknownHandle.map(([name, make]) => {
    let sentBefore = 0;
    const passedOn: number[] = [];
    return onLiveLink(
      {
        id: `HOSTILE/HANDLE/${name}-FOR-UNKNOWN-HANDLE`,
        purpose: `${name.toLowerCase().replaceAll('-', ' ')} naming a handle that is not live is ignored`,
        why: lookup,
      },
      (s, link, ctx) => {
        sentBefore = ctx.commands.length;
        // The HCI layer itself must drop them: the layers above may not all look the handle up.
        const hci = s.iut?.hci;
        const seen = (e: { connectionHandle: number }) => passedOn.push(e.connectionHandle);
        for (const kind of handleEvents) hci?.on(kind, seen as never);
        hci?.on('acl', (handle) => passedOn.push(handle));
        ctx.inject(make(link.iut.handle + 5), make(0x0eff));
      },
      (s, link) => {
        const reacted = (s.hostile.context?.commands ?? []).slice(sentBefore).filter((op) => answers.has(op));
        verify(
          reacted.length === 0,
          `the IUT answered an event for a handle it does not have (0x${reacted[0]?.toString(16)})`,
        );
        const unknown = passedOn.filter((h) => h !== link.iut.handle);
        verify(
          unknown.length === 0,
          `HCI passed on an event for unknown handle 0x${unknown[0]?.toString(16)}`,
        );
        if (name === 'NUMBER-OF-COMPLETED-PACKETS')
          verify(s.logged(/unknown handle/).length > 0, 'the unknown handle was not warned about');
      },
    );
  }),
  onLiveLink(
    {
      id: 'HOSTILE/HANDLE/ACL-FOR-HANDLE-0FFF',
      purpose: 'ACL data for handle 0x0FFF (above 0x0EFF) is dropped whole',
      why: `${handleRange}; framed by length`,
    },
    (_s, _link, ctx) => ctx.inject(l2capCarrying(0x0fff, h4(disconnection(0x0fff)))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/HANDLE/CONNECTION-HANDLE-ABOVE-0EFF',
      purpose: 'an LE Connection Complete for handle 0x0F00 makes no connection and is logged',
      why: handleRange,
    },
    (_s, _link, ctx) => ctx.inject(connectionComplete(0x0f00)),
    (s) => verify(s.logged(/above 0x0EFF/).length > 0, 'the impossible handle was not logged'),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/HANDLE/CONNECTION-HANDLE-FFFF',
      purpose: 'an LE Connection Complete for handle 0xFFFF makes no connection',
      why: handleRange,
    },
    (_s, _link, ctx) => ctx.inject(connectionComplete(0xffff)),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/HANDLE/DUPLICATE-CONNECTION-COMPLETE',
      purpose: 'a second LE Connection Complete for the live handle (another peer) is ignored with a warning',
      why: 'Zephyr and Linux find the handle in use and refuse the event; replacing it would orphan the link',
    },
    (_s, link, ctx) => ctx.inject(connectionComplete(link.iut.handle)),
    (s, link) => {
      verify(s.iut?.connections.get(link.iut.handle) === link.iut, 'the live connection was replaced');
      verify(s.logged(/second LE Connection Complete/).length > 0, 'the duplicate was not logged');
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/HANDLE/DUPLICATE-ENHANCED-CONNECTION-COMPLETE',
      purpose: 'the same with an LE Enhanced Connection Complete',
      why: 'as for the legacy event',
    },
    (_s, link, ctx) => ctx.inject(connectionComplete(link.iut.handle, 'enhanced-v1')),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/HANDLE/DISCONNECT-REPORTED-FAILED',
      purpose:
        "the IUT's Disconnect is accepted, then reported failed (status 0x0C): disconnect() fails, the link stays",
      why: 'Core 6.0 Vol 4 Part E 7.7.5: a non-zero status means the disconnection did not happen',
    },
    async (s, link) => {
      s.behaviour.onCommand = (opcode) =>
        opcode === Op.disconnect
          ? [
              h4({ kind: 'command-status', status: 0, numHciCommandPackets: 1, commandOpcode: opcode }),
              h4(disconnection(link.iut.handle, 0x0c)),
            ]
          : 'pass';
      const result = await within(link.iut.disconnect(), 3000);
      s.behaviour.onCommand = undefined;
      verify(result !== undefined, 'disconnect() hung');
      verify(!result.ok, 'disconnect() succeeded although the controller said it failed');
      verify(
        /0x0c/.test((result.error as Error).message),
        `not the status: ${(result.error as Error).message}`,
      );
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/HANDLE/FAILED-DISCONNECTION-FOR-LIVE-HANDLE',
      purpose: 'a Disconnection Complete with a non-zero status for the live handle leaves the link up',
      why: 'Core 6.0 Vol 4 Part E 7.7.5: a non-zero status means the disconnection did not happen',
    },
    (_s, link, ctx) => ctx.inject(disconnection(link.iut.handle, 0x0c)),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FLOW/COMPLETED-PACKETS-MORE-THAN-SENT',
      purpose:
        'Number Of Completed Packets returning 0xFFFF packets for the live handle is clamped and warned',
      why: 'Zephyr clamps ("packets count mismatch"); believing it would overrun the controller',
    },
    (_s, link, ctx) =>
      ctx.inject({
        kind: 'number-of-completed-packets',
        completed: [{ connectionHandle: link.iut.handle, numCompletedPackets: 0xffff }],
      }),
    (s) => {
      const hci = s.iut?.hci;
      verify(
        hci && hci.aclCredits <= hci.leAclDataPacketCount,
        `ACL credits ${hci?.aclCredits} exceed the buffers`,
      );
      verify(s.logged(/more packets than were sent/).length > 0, 'the bogus count was not warned about');
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FLOW/COMPLETED-PACKETS-FLOOD',
      purpose:
        '500 bogus Number Of Completed Packets events in a burst; credits stay bounded, the link works',
      why: 'flow-control state only moves by what was really sent (Core 6.0 Vol 4 Part E 4.1.1)',
    },
    (_s, link, ctx) => {
      for (let i = 0; i < 500; i++)
        ctx.inject({
          kind: 'number-of-completed-packets',
          completed: [
            { connectionHandle: link.iut.handle, numCompletedPackets: 7 },
            { connectionHandle: 0x0eee, numCompletedPackets: 9 },
          ],
        });
    },
    (s) => {
      const hci = s.iut?.hci;
      verify(hci && hci.aclCredits <= hci.leAclDataPacketCount, 'ACL credits exceed the buffers');
      // A flood of warnings is itself a denial of service: they are rate limited.
      const warned = s.logged(/Number Of Completed Packets/).length;
      verify(warned > 0 && warned <= 4, `${warned} warnings for the flood`);
    },
  ),
  onLiveLink(
    {
      id: 'HOSTILE/FLOW/COMPLETED-PACKETS-NO-HANDLES',
      purpose: 'Number Of Completed Packets with zero handles is harmless',
      why: 'Core 6.0 Vol 4 Part E 7.7.19',
    },
    (_s, _link, ctx) => ctx.inject(event(0x13, Uint8Array.of(0))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/PARAMETERS/TRUNCATED-COMPLETED-PACKETS',
      purpose: 'Number Of Completed Packets announcing 3 handles but carrying 1 is ignored',
      why: malformed,
    },
    (_s, link, ctx) => ctx.inject(event(0x13, Uint8Array.of(3, link.iut.handle, 0, 1, 0))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/PARAMETERS/TRUNCATED-DISCONNECTION',
      purpose: 'a 3-octet Disconnection Complete for the live handle is ignored',
      why: malformed,
    },
    (_s, link, ctx) => ctx.inject(event(0x05, Uint8Array.of(0, link.iut.handle, 0))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/PARAMETERS/TRUNCATED-CONNECTION-COMPLETE',
      purpose: 'an LE Connection Complete cut short makes no connection',
      why: malformed,
    },
    (_s, _link, ctx) => ctx.inject(event(0x3e, h4(connectionComplete(0x30)).subarray(3, 12))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/PARAMETERS/EMPTY-LE-META',
      purpose: 'an LE Meta event with no parameters is ignored',
      why: malformed,
    },
    (_s, _link, ctx) => ctx.inject(event(0x3e, new Uint8Array(0))),
  ),
  onLiveLink(
    {
      id: 'HOSTILE/PARAMETERS/UNSOLICITED-COMMAND-COMPLETE',
      purpose: 'a Command Complete for a command never sent is ignored; commands still work',
      why: 'Core 6.0 Vol 4 Part E 4.4: completions are matched to commands sent; Linux ignores unexpected opcodes',
    },
    async (s, _link, ctx) => {
      ctx.inject(commandComplete(Op.readBdAddr, Uint8Array.of(0, 1, 2, 3, 4, 5, 6)));
      await sleep(20);
      await s.iut?.stopAdvertising();
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/PARAMETERS/OVERLONG-RETURN-PARAMETERS',
      purpose: 'Read Local Version Information returns 12 octets more than its layout; start-up completes',
      why: 'Core 6.0 Vol 4 Part E 5.4.4: parameters past the defined ones are ignored (later versions add fields)',
    },
    (s) => {
      s.behaviour.onPacket = (packet) =>
        answeredOpcode(packet) === Op.readLocalVersionInformation && packet.type === 'event'
          ? [h4({ ...packet, params: concatBytes(packet.params, new Uint8Array(12)) })]
          : undefined;
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/PARAMETERS/OVERLONG-CONNECTION-COMPLETE',
      purpose: 'the real LE Connection Complete with 6 extra octets still makes a working connection',
      why: 'extra parameters are ignored (Core 6.0 Vol 4 Part E 5.4.4)',
    },
    (s) => {
      s.behaviour.onPacket = (packet) =>
        isEvent(packet, 0x3e) &&
        packet.type === 'event' &&
        (packet.params[0] === 0x01 || packet.params[0] === 0x0a)
          ? [h4({ ...packet, params: concatBytes(packet.params, new Uint8Array(6)) })]
          : undefined;
    },
  ),
  startupFails(
    {
      id: 'HOSTILE/PARAMETERS/TRUNCATED-RETURN-PARAMETERS',
      purpose: 'Read BD_ADDR answered with a status and no address: start-up fails naming the command',
      why: 'a controller answer that cannot be read is a controller failure (typed HciError, exit 3)',
    },
    (s) => {
      s.behaviour.onCommand = (opcode) =>
        opcode === Op.readBdAddr ? [commandComplete(opcode, Uint8Array.of(0, 1, 2))] : 'pass';
    },
    'command-failed',
    /readBdAddr \(0x1009\)/,
    2000,
  ),
  startupFails(
    {
      id: 'HOSTILE/PARAMETERS/TRUNCATED-COMMAND-COMPLETE',
      purpose: 'Read BD_ADDR answered with a 2-octet Command Complete (malformed): start-up fails naming it',
      why: 'a malformed answer is no answer: the command deadline ends the wait, typed and named',
    },
    (s) => {
      s.behaviour.onCommand = (opcode) =>
        opcode === Op.readBdAddr ? [h4(event(0x0e, Uint8Array.of(1, 0x09)))] : 'pass';
    },
    'command-timeout',
    /readBdAddr \(0x1009\)/,
    6500,
  ),
  startupRecovers(
    {
      id: 'HOSTILE/HANDLE/CONNECTION-BEFORE-RESET-COMPLETES',
      purpose: 'an LE Connection Complete before the Reset answer (the previous session) makes no connection',
      why: 'Core 6.0 Vol 4 Part E 7.3.2: everything before Reset completes belongs to the old session',
    },
    (s) => {
      s.behaviour.onOpen = () => [h4(connectionComplete(0x0001))];
    },
  ),
  {
    id: 'HOSTILE/HANDLE/DISCONNECTION-TWICE',
    purpose: 'a second Disconnection Complete after the real one is ignored: one disconnection reported',
    expected: 'recover',
    why: lookup,
    async run(s) {
      const link = await s.link();
      const handle = link.iut.handle;
      s.behaviour.onPacket = (packet) =>
        isEvent(packet, 0x05) ? [h4(packet), h4(packet), h4(disconnection(handle))] : undefined;
      await link.peer.disconnect();
      await sleep(200);
      const gone = s.iutEvents.filter((e) => e.startsWith('disconnection'));
      verify(gone.length === 1, `disconnections reported: ${gone.join(', ')}`);
    },
  },
];
