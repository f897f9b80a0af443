/**
 * Flow control and silence: command credits that never come (Linux HCI_NCMD_TIMEOUT, 4 s), LE buffer sizes of
 * zero (Core 6.0 Vol 4 Part E 7.8.2), slow answers, no answer at all, and Ctrl-C during a start-up that hangs.
 */
import { encodeH4, type HciPacket } from '@tsble/hci-transport';
import { settle, sleep, verify, within } from '../case.js';
import { answeredOpcode, type HostileCase, Op, startupFails, startupRecovers } from './forge.js';
import type { Out } from './proxy.js';
import { commandComplete, h4 } from './proxy.js';
import type { Scenario } from './scenario.js';

const ncmd = 'Linux HCI_NCMD_TIMEOUT: no command credit for 4 s is a controller failure (typed, exit 3)';
const silent = 'a command with no Command Complete/Status within its deadline is a controller failure, named';

/** The packet with Num_HCI_Command_Packets replaced, when it is a Command Complete or Status. */
function withCredits(packet: HciPacket, credits: number): Out[] | undefined {
  if (packet.type !== 'event' || answeredOpcode(packet) === undefined) return undefined;
  const params = packet.params.slice();
  params[packet.code === 0x0e ? 0 : 1] = credits;
  return [h4({ ...packet, params })];
}

/** Rewrites the return parameters of one command's Command Complete. */
function answerWith(opcode: number, returns: Uint8Array) {
  return (packet: HciPacket): Out[] | undefined =>
    answeredOpcode(packet) === opcode ? [commandComplete(opcode, returns)] : undefined;
}

/** Opens the IUT with an AbortSignal that fires after `ms`; checks it ends at once, typed, transport closed. */
async function abortedAfter(s: Scenario, ms: number): Promise<void> {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  const started = performance.now();
  const opened = await within(s.openIut({ signal: controller.signal }), ms + 2000);
  const took = Math.round(performance.now() - started - ms);
  verify(opened !== undefined, 'start-up ignored the abort');
  verify(!opened.ok, 'start-up succeeded although aborted');
  const error = opened.error as { name?: string; code?: string };
  verify(
    error.name === 'AbortError' && error.code === 'aborted',
    `rejected with ${error.name} ${error.code}`,
  );
  verify(took < 1000, `start-up ended ${took} ms after the abort`);
  await sleep(50);
  verify(s.hostile.hostClosed, 'the transport was left open');
}

export const flowCases: HostileCase[] = [
  startupFails(
    {
      id: 'HOSTILE/CREDITS/ZERO-CREDITS-AT-START-UP',
      purpose: 'every answer grants Num_HCI_Command_Packets 0: start-up fails within 4 s naming the command',
      why: ncmd,
    },
    (s) => {
      s.behaviour.onPacket = (packet) => withCredits(packet, 0);
    },
    'no-command-credit',
    /readLocalVersionInformation \(0x1001\)/,
    5500,
  ),
  {
    id: 'HOSTILE/CREDITS/ZERO-CREDITS-WHILE-SERVING',
    purpose: 'after start-up the controller stops granting credits: the next command fails, typed and named',
    expected: 'fail',
    why: ncmd,
    async run(s) {
      const iut = await s.openIut();
      s.behaviour.onPacket = (packet) => withCredits(packet, 0);
      // The first command goes out on the credit it has; its answer grants none.
      await iut.stopAdvertising();
      const started = performance.now();
      const result = await within(iut.stopAdvertising(), 7000);
      verify(result !== undefined, 'the command hung');
      verify(!result.ok, 'the command succeeded without a credit');
      const error = result.error as { code?: string; message?: string };
      verify(error.code === 'no-command-credit', `failed with ${error.code}`);
      verify(
        /leSetAdvertisingEnable \(0x200a\)/.test(error.message ?? ''),
        `the message names no command: ${error.message}`,
      );
      verify(performance.now() - started < 5500, 'the credit deadline is longer than 5 s');
      verify(
        s.iutErrors.some((e) => (e as { code?: string }).code === 'no-command-credit'),
        'the IUT did not report the stuck controller as an error',
      );
    },
  },
  startupRecovers(
    {
      id: 'HOSTILE/CREDITS/ZERO-CREDITS-THEN-NOP',
      purpose: 'Reset grants 0 credits and a NOP Command Complete grants 1 300 ms later: start-up completes',
      why: 'Core 6.0 Vol 4 Part E 7.7.14: a Command Complete with opcode 0x0000 only updates the credits',
    },
    (s) => {
      s.behaviour.onPacket = (packet) =>
        answeredOpcode(packet) === Op.reset
          ? [...(withCredits(packet, 0) ?? []), { pauseMs: 300 }, commandComplete(0x0000, new Uint8Array(0))]
          : undefined;
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/CREDITS/MANY-CREDITS',
      purpose: 'every answer grants 20 credits: the host may pipeline, and everything still matches up',
      why: 'Core 6.0 Vol 4 Part E 4.4: completions are matched by opcode',
    },
    (s) => {
      s.behaviour.onPacket = (packet) => withCredits(packet, 20);
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/BUFFERS/LE-V2-ZERO-PACKETS',
      purpose: 'LE Read Buffer Size v2 reports 251 octets x 0 packets: the host does not believe it',
      why: 'Core 6.0 Vol 4 Part E 7.8.2/7.8.106: zero means no dedicated LE buffers (issue 12: nothing was ever sent)',
    },
    (s) => {
      s.behaviour.onPacket = answerWith(Op.leReadBufferSizeV2, Uint8Array.of(0, 251, 0, 0, 0, 0, 0));
    },
    (s) => {
      const hci = s.iut?.hci;
      verify(hci && hci.leAclDataPacketCount > 0, 'the IUT took 0 LE buffers');
      verify(hci.info.bufferSizeSource !== 'le-v2', 'the zero v2 answer was used');
    },
  ),
  startupRecovers(
    {
      id: 'HOSTILE/BUFFERS/LE-ZERO-USES-SHARED-BUFFERS',
      purpose: 'both LE Read Buffer Size versions report zeros: the shared ACL buffers (27 x 4) are used',
      why: 'Core 6.0 Vol 4 Part E 7.8.2: LE then shares the buffers Read Buffer Size reports',
    },
    (s) => {
      s.behaviour.onPacket = (packet) => {
        const opcode = answeredOpcode(packet);
        if (opcode === Op.leReadBufferSizeV2) return [commandComplete(opcode, new Uint8Array(7))];
        if (opcode === Op.leReadBufferSizeV1) return [commandComplete(opcode, new Uint8Array(4))];
        if (opcode === Op.readBufferSize)
          return [commandComplete(opcode, Uint8Array.of(0, 27, 0, 0, 4, 0, 0, 0))];
        return undefined;
      };
    },
    (s) => {
      const hci = s.iut?.hci;
      verify(hci?.info.bufferSizeSource === 'br-edr', `buffers from ${hci?.info.bufferSizeSource}`);
      verify(hci.leAclDataPacketLength === 27 && hci.leAclDataPacketCount === 4, 'not the shared 27 x 4');
    },
  ),
  startupFails(
    {
      id: 'HOSTILE/BUFFERS/NO-BUFFERS-AT-ALL',
      purpose: 'every buffer size command reports zeros: start-up fails and says why',
      why: 'a controller that can hold no data can never send any: fail clearly instead of hanging later',
    },
    (s) => {
      s.behaviour.onPacket = (packet) => {
        const opcode = answeredOpcode(packet);
        if (opcode === Op.leReadBufferSizeV2) return [commandComplete(opcode, new Uint8Array(7))];
        if (opcode === Op.leReadBufferSizeV1) return [commandComplete(opcode, new Uint8Array(4))];
        if (opcode === Op.readBufferSize) return [commandComplete(opcode, new Uint8Array(8))];
        return undefined;
      };
    },
    'no-acl-buffers',
    /no buffers/,
    2000,
  ),
  startupRecovers(
    {
      id: 'HOSTILE/SLOW/EVERY-ANSWER-LATE',
      purpose: 'every packet to the host is held 100 ms: start-up and the link still work',
      why: 'well inside the command deadline: slowness is not failure',
    },
    (s) => {
      s.behaviour.onPacket = (packet) => [{ pauseMs: 100 }, encodeH4(packet)];
    },
  ),
  startupFails(
    {
      id: 'HOSTILE/SILENT/NO-ANSWER-AT-ALL',
      purpose: 'the controller answers nothing: start-up fails within 4 s saying nothing answered Reset',
      why: `${silent}; the README promises exit 3 for a silent controller`,
    },
    (s) => {
      s.behaviour.onCommand = () => 'swallow';
    },
    'no-controller',
    /nothing answered HCI Reset/,
    4000,
  ),
  startupFails(
    {
      id: 'HOSTILE/SILENT/NO-ANSWER-TO-READ-BD-ADDR',
      purpose: 'the controller never answers Read BD_ADDR: start-up fails naming it',
      why: silent,
    },
    (s) => {
      s.behaviour.onCommand = (opcode) => (opcode === Op.readBdAddr ? 'swallow' : 'pass');
    },
    'command-timeout',
    /readBdAddr \(0x1009\)/,
    6000,
  ),
  {
    id: 'HOSTILE/SILENT/NO-ANSWER-TO-ADVERTISING-ENABLE',
    purpose: 'LE Set Advertising Enable is never answered: advertise() fails naming it within 6 s',
    expected: 'fail',
    why: silent,
    async run(s) {
      const iut = await s.openIut();
      // Only the enable: advertise() first disables, best effort.
      s.behaviour.onCommand = (opcode, params) =>
        opcode === Op.leSetAdvertisingEnable && params[0] === 1 ? 'swallow' : 'pass';
      const result = await within(iut.advertise({ name: 'iut' }), 7000);
      verify(result !== undefined && !result.ok, 'advertise() did not fail');
      const error = result.error as { code?: string; message?: string };
      verify(error.code === 'command-timeout', `failed with ${error.code}`);
      verify(/leSetAdvertisingEnable \(0x200a\)/.test(error.message ?? ''), `not named: ${error.message}`);
      verify(
        s.iutErrors.some((e) => (e as { code?: string }).code === 'command-timeout'),
        'the IUT did not report the silent controller as an error',
      );
    },
  },
  {
    id: 'HOSTILE/SILENT/NO-ANSWER-TO-DISCONNECT',
    purpose: 'HCI Disconnect is never answered: disconnect() fails naming the command, not a normal end',
    expected: 'fail',
    why: `${silent} (issue 12: a dead controller was reported as "disconnected reason 31", exit 0)`,
    async run(s) {
      const link = await s.link();
      s.behaviour.onCommand = (opcode) => (opcode === Op.disconnect ? 'swallow' : 'pass');
      const result = await within(link.iut.disconnect(), 7000);
      verify(result !== undefined && !result.ok, 'disconnect() did not fail');
      const error = result.error as { code?: string; message?: string; cause?: { code?: string } };
      verify(/disconnect \(0x0406\)/.test(error.message ?? ''), `the command is not named: ${error.message}`);
      verify(
        error.code === 'command-timeout' || error.cause?.code === 'command-timeout',
        'not a command timeout',
      );
      verify(
        !s.iutEvents.some((e) => e.startsWith('disconnection')),
        'the IUT reported a disconnection that did not happen',
      );
      verify(s.iut?.controllerFailure?.code === 'command-timeout', 'Host.controllerFailure does not say so');
    },
  },
  {
    id: 'HOSTILE/ABORT/SILENT-START-UP',
    purpose:
      'Ctrl-C while the controller answers nothing: open() ends at once with AbortError, socket closed',
    expected: 'fail',
    why: 'every wait takes an AbortSignal (issue 12: the first SIGINT was ignored)',
    async run(s) {
      s.behaviour.onCommand = () => 'swallow';
      await abortedAfter(s, 300);
    },
  },
  {
    id: 'HOSTILE/ABORT/ZERO-CREDITS',
    purpose: 'Ctrl-C while start-up waits for a command credit: AbortError at once, socket closed',
    expected: 'fail',
    why: 'every wait takes an AbortSignal',
    async run(s) {
      s.behaviour.onPacket = (packet) => withCredits(packet, 0);
      await abortedAfter(s, 300);
    },
  },
  {
    id: 'HOSTILE/ABORT/ALREADY-ABORTED',
    purpose: 'an already aborted signal: open() rejects at once without starting the controller',
    expected: 'fail',
    why: 'AbortSignal semantics (as fetch): an aborted signal ends the operation before it starts',
    async run(s) {
      const opened = await settle(s.openIut({ signal: AbortSignal.abort() }));
      verify(!opened.ok && (opened.error as Error).name === 'AbortError', 'not an AbortError');
      verify((s.hostile.context?.commands.length ?? 0) === 0, 'commands were sent after the abort');
    },
  },
];
