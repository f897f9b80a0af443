/**
 * Hardware Error (Core 6.0 Vol 4 Part E 7.7.16) in each state, and Zephyr's fatal error event. Linux answers a
 * Hardware Error by resetting the controller (hci_reset_dev / hci_error_reset) and bluetoothd re-applies its
 * configuration; tsble resets, starts the controller again and restores address, advertising and scanning,
 * or reports a typed error saying what could not be restored.
 */
import { equalBytes } from '@tsble/base';
import type { HciEvent } from '@tsble/hci-transport';
import { sleep, verify, within } from '../case.js';
import { eventually, type HostileCase, Op, startupFails, startupRecovers } from './forge.js';
import { h4 } from './proxy.js';

const hardwareError = (code = 0x42): HciEvent => ({ kind: 'hardware-error', hardwareCode: code });
const linuxReset =
  'Linux resets the controller on a Hardware Error (hci_error_reset) and the host re-applies its setup';

export const resetCases: HostileCase[] = [
  startupRecovers(
    {
      id: 'HOSTILE/RESET/HARDWARE-ERROR-BEFORE-RESET-COMPLETES',
      purpose: 'a Hardware Error before the Reset answer belongs to the previous session and is ignored',
      why: 'Core 6.0 Vol 4 Part E 7.3.2: Reset returns the controller to its initial state anyway',
    },
    (s) => {
      s.behaviour.onOpen = () => [h4(hardwareError())];
    },
  ),
  startupFails(
    {
      id: 'HOSTILE/RESET/HARDWARE-ERROR-DURING-START-UP',
      purpose: 'a Hardware Error instead of the Read BD_ADDR answer: start-up fails at once, typed',
      why: 'a controller that fails while being set up cannot be trusted with a session (exit 3)',
    },
    (s) => {
      s.behaviour.onCommand = (opcode) => (opcode === Op.readBdAddr ? [h4(hardwareError())] : 'pass');
    },
    'hardware-error',
    /hardware error 0x42 during start-up/,
    1500,
  ),
  {
    id: 'HOSTILE/RESET/HARDWARE-ERROR-WHILE-ADVERTISING',
    purpose: 'a Hardware Error while only advertising: the host resets it and advertises again, same address',
    expected: 'recover',
    why: `${linuxReset} (issue 12: serve silently stopped advertising)`,
    async run(s) {
      const iut = await s.openIut();
      await iut.advertise({ name: 'iut' });
      const address = iut.hci.info.address;
      const reset = within(iut.next('controllerReset'), 3000);
      s.hostile.context?.inject(hardwareError());
      const restored = await reset;
      verify(restored?.ok, 'the IUT did not report the controller reset');
      verify(
        restored.value[0].includes('advertising'),
        `restored ${restored.value[0].join(', ')}, not advertising`,
      );
      verify(equalBytes(iut.hci.info.address, address), 'the controller came back with another address');
      const link = await s.link({ advertise: false });
      verify(await s.attAnswers(link), 'the link made after the reset does not answer ATT');
    },
  },
  {
    id: 'HOSTILE/RESET/HARDWARE-ERROR-WHILE-CONNECTED',
    purpose: 'a Hardware Error on a live link: the link is reported lost (0x03), advertising comes back',
    expected: 'recover',
    why: `${linuxReset}; the controller's links are gone after a reset (Core 6.0 Vol 4 Part E 7.3.2)`,
    async run(s) {
      const first = await s.link();
      s.hostile.context?.inject(hardwareError());
      verify(
        await eventually(() => s.iutEvents.some((e) => e.endsWith('reason 0x3')), 2000),
        `no disconnection with reason Hardware Failure: ${s.iutEvents.join(', ')}`,
      );
      verify(!first.iut.connected, 'the IUT still believes in the old link');
      verify(await eventually(() => s.logged(/configuration restored/).length > 0, 3000), 'not restored');
      await eventually(() => !first.peer.connected, 2000);
      const again = await s.link({ advertise: false });
      verify(await s.attAnswers(again), 'the new link does not answer ATT');
    },
  },
  {
    id: 'HOSTILE/RESET/HARDWARE-ERROR-WITH-COMMAND-IN-FLIGHT',
    purpose: 'a Hardware Error instead of a command answer: that command fails typed, the next one works',
    expected: 'recover',
    why: linuxReset,
    async run(s) {
      const iut = await s.openIut();
      s.behaviour.onCommand = (opcode) =>
        opcode === Op.leSetAdvertisingParameters ? [h4(hardwareError())] : 'pass';
      const failed = await within(iut.advertise({ name: 'iut' }), 3000);
      verify(failed !== undefined && !failed.ok, 'the lost command did not fail');
      verify((failed.error as { code?: string }).code === 'hardware-error', 'not a typed hardware error');
      s.behaviour.onCommand = undefined;
      await eventually(() => s.logged(/configuration restored/).length > 0, 3000);
      const link = await s.link();
      verify(await s.attAnswers(link), 'the host did not work after the reset');
    },
  },
  {
    id: 'HOSTILE/RESET/HARDWARE-ERROR-THEN-SILENCE',
    purpose: 'a Hardware Error, then the controller never answers the Reset: a typed error says so',
    expected: 'fail',
    why: 'a controller that does not come back is a controller failure (exit 3)',
    limitMs: 9000,
    async run(s) {
      await s.openIut();
      s.behaviour.onCommand = () => 'swallow';
      s.hostile.context?.inject(hardwareError());
      verify(
        await eventually(() => s.iutErrors.some((e) => /did not come back/.test(e.message)), 5000),
        `no error saying the controller did not come back: ${s.iutErrors.map((e) => e.message).join('; ')}`,
      );
    },
  },
  {
    id: 'HOSTILE/RESET/REPEATED-HARDWARE-ERRORS',
    purpose: 'four Hardware Errors in a row: the host stops resetting and reports a typed error',
    expected: 'fail',
    why: 'a controller that keeps failing is broken; resetting it for ever hides that (exit 3)',
    async run(s) {
      await s.openIut();
      for (let i = 0; i < 4; i++) {
        s.hostile.context?.inject(hardwareError(0x10 + i));
        await sleep(250);
      }
      verify(
        await eventually(
          () => s.iutErrors.some((e) => /hardware errors within a minute/.test(e.message)),
          2000,
        ),
        `no error for repeated hardware errors: ${s.iutErrors.map((e) => e.message).join('; ')}`,
      );
    },
  },
  {
    id: 'HOSTILE/RESET/ZEPHYR-FATAL-ERROR',
    purpose: "Zephyr's fatal error vendor event: a typed controller-crashed error naming file and line",
    expected: 'fail',
    why: 'Zephyr hci_vs.h: the controller asserted and needs a power cycle (exit 3)',
    async run(s) {
      s.behaviour.controllerOptions = { zephyr: true };
      await s.openIut();
      s.hostile.context?.inject({ kind: 'zephyr-fatal-error', dataType: 0x02, file: 'lll_conn.c', line: 77 });
      verify(
        await eventually(
          () =>
            s.iutErrors.some(
              (e) =>
                (e as { code?: string }).code === 'controller-crashed' && /lll_conn\.c:77/.test(e.message),
            ),
          2000,
        ),
        'no controller-crashed error',
      );
    },
  },
  {
    id: 'HOSTILE/RESET/HARDWARE-ERROR-WHILE-SCANNING',
    purpose: 'a Hardware Error during a scan: scanning is enabled again after the reset',
    expected: 'recover',
    why: linuxReset,
    async run(s) {
      const iut = await s.openIut();
      const scan = iut.scan({ durationMs: 3000 });
      const first = scan.next();
      await sleep(100);
      s.hostile.context?.inject(hardwareError());
      verify(await eventually(() => s.logged(/configuration restored/).length > 0, 3000), 'not restored');
      const log = s.logged(/configuration restored/)[0]?.detail as { restored?: string[] } | undefined;
      verify(log?.restored?.includes('scanning'), `restored ${log?.restored?.join(', ')}, not scanning`);
      verify(s.hostile.controller?.state.scanning === true, 'the controller is not scanning');
      await scan.return(undefined);
      await first.catch(() => undefined);
    },
  },
];
