/** Packets a lying controller (or a peer hoping to be re-read as HCI) forges, and the case shapes they go in. */
import { concatBytes } from '@tsble/base';
import { Commands, type HciEvent, type HciPacket } from '@tsble/hci-transport';
import { settle, sleep, Verdict, verify, within } from '../case.js';
import type { HostileContext } from './proxy.js';
import type { LinkUnderTest, Scenario } from './scenario.js';

export interface HostileCase {
  /** HOSTILE/<area>/<what>. */
  id: string;
  purpose: string;
  /** What a robust host does: recover and keep serving, or fail with a typed error (the CLI's exit 3). */
  expected: 'recover' | 'fail';
  /** Why: the spec section, or what Linux, Zephyr or NimBLE do. */
  why: string;
  /** The case fails if it takes longer. Default 8000 ms. */
  limitMs?: number;
  run(s: Scenario): Promise<void>;
}

export const Op = Object.fromEntries(Object.entries(Commands).map(([name, spec]) => [name, spec.opcode])) as {
  [K in keyof typeof Commands]: number;
};

const peerAddress = Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0xc6);

/** An LE Connection Complete the controller never made (legacy, or enhanced v1). */
export function connectionComplete(handle: number, source: 'legacy' | 'enhanced-v1' = 'legacy'): HciEvent {
  return {
    kind: 'le-connection-complete',
    source,
    status: 0,
    connectionHandle: handle,
    role: 1,
    peerAddressType: 1,
    peerAddress,
    localResolvablePrivateAddress: new Uint8Array(6),
    peerResolvablePrivateAddress: new Uint8Array(6),
    connectionInterval: 24,
    peripheralLatency: 0,
    supervisionTimeout: 72,
    centralClockAccuracy: 0,
  };
}

export function disconnection(handle: number, status = 0): HciEvent {
  return { kind: 'disconnection-complete', status, connectionHandle: handle, reason: 0x13 };
}

/** ACL data for `handle`: one L2CAP frame to CID 0x003F (unassigned, dropped by L2CAP) carrying `bytes`. */
export function l2capCarrying(handle: number, bytes: Uint8Array): HciPacket {
  const header = Uint8Array.of(bytes.length & 0xff, bytes.length >> 8, 0x3f, 0x00);
  return { type: 'acl', handle, packetBoundary: 2, broadcast: 0, data: concatBytes(header, bytes) };
}

/** What the controller would send for an event the host must not believe, as raw parameters. */
export function event(code: number, params: Uint8Array): HciPacket {
  return { type: 'event', code, params };
}

export function isEvent(packet: HciPacket, code: number): boolean {
  return packet.type === 'event' && packet.code === code;
}

/** The opcode a Command Complete (0x0E) or Command Status (0x0F) answers, else undefined. */
export function answeredOpcode(packet: HciPacket): number | undefined {
  if (packet.type !== 'event') return undefined;
  if (packet.code === 0x0e && packet.params.length >= 3)
    return (packet.params[1] ?? 0) | ((packet.params[2] ?? 0) << 8);
  if (packet.code === 0x0f && packet.params.length >= 4)
    return (packet.params[2] ?? 0) | ((packet.params[3] ?? 0) << 8);
  return undefined;
}

/**
 * The common shape of a live-link case: link up, hostile input, then the IUT must have reported no connection
 * or disconnection the controller did not frame, the link must still be up, and it must still answer ATT.
 */
export function onLiveLink(
  c: Omit<HostileCase, 'run' | 'expected'>,
  act: (s: Scenario, link: LinkUnderTest, ctx: HostileContext) => Promise<void> | void,
  after?: (s: Scenario, link: LinkUnderTest) => Promise<void> | void,
): HostileCase {
  return {
    ...c,
    expected: 'recover',
    async run(s) {
      const link = await s.link();
      const before = [...s.iutEvents];
      const ctx = s.hostile.context as HostileContext;
      await act(s, link, ctx);
      await sleep(150);
      verify(
        s.iutEvents.length === before.length,
        `the IUT reported events the controller never framed: ${s.iutEvents.slice(before.length).join(', ')}`,
      );
      verify(link.iut.connected, 'the IUT lost the live link');
      verify(await s.attAnswers(link), 'the link no longer answers ATT');
      await after?.(s, link);
    },
  };
}

/** A start-up case that must end with a working host: it opens, makes a link and answers ATT. */
export function startupRecovers(
  c: Omit<HostileCase, 'run' | 'expected'>,
  arrange: (s: Scenario) => void,
  after?: (s: Scenario) => Promise<void> | void,
): HostileCase {
  return {
    ...c,
    expected: 'recover',
    async run(s) {
      arrange(s);
      const opened = await settle(s.openIut());
      if (!opened.ok) throw new Verdict(`start-up failed: ${(opened.error as Error).message}`);
      await after?.(s);
      // The start-up's mischief is over: the link must work normally.
      s.behaviour.onPacket = undefined;
      s.behaviour.onCommand = undefined;
      const link = await s.link();
      verify(await s.attAnswers(link), 'the link made after start-up does not answer ATT');
      verify(s.iutEvents.length === 1, `unexpected IUT events: ${s.iutEvents.join(', ')}`);
    },
  };
}

/**
 * A start-up case that must fail with a typed error: `code` (HciError code), a message naming `names`, within
 * `withinMs`; the IUT must not be left open.
 */
export function startupFails(
  c: Omit<HostileCase, 'run' | 'expected'>,
  arrange: (s: Scenario) => void,
  code: string,
  names: RegExp,
  withinMs: number,
): HostileCase {
  return {
    ...c,
    expected: 'fail',
    limitMs: c.limitMs ?? withinMs + 3000,
    async run(s) {
      arrange(s);
      const started = performance.now();
      const opened = await within(s.openIut(), withinMs + 2000);
      const ms = Math.round(performance.now() - started);
      verify(opened !== undefined, `start-up neither completed nor failed within ${withinMs + 2000} ms`);
      verify(!opened.ok, 'start-up succeeded against a controller that should have failed it');
      const error = opened.error as { code?: string; message?: string; name?: string };
      verify(
        error.code === code,
        `start-up failed with ${error.name} ${error.code ?? ''} (${error.message}), not the typed '${code}'`,
      );
      verify(names.test(error.message ?? ''), `the message does not say ${names}: ${error.message}`);
      verify(ms <= withinMs, `start-up took ${ms} ms to fail, more than ${withinMs}`);
    },
  };
}

/** Waits until `check` holds, polling; false when it did not within `ms`. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}
