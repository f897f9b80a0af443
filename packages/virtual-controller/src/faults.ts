/**
 * Fault injection for tests. Packets from the controller to the host are counted from 1 (events and ACL
 * alike); a rule fires when its packet comes up.
 *
 * - `drop`: the packet is lost.
 * - `delay`: the packet is held for `delayMs` (later packets overtake it).
 * - `corrupt`: one octet of the packet's payload is flipped.
 * - `garbage`: stray octets (`bytes`, default 0x00 0xA5) go out before the packet, as line noise would.
 * - `disconnect`: every link of this controller drops (supervision timeout, reason 0x08) instead.
 * - `unplug`: the transport closes, as when a dongle is pulled out.
 * - `hardware-error`: a Hardware Error event replaces the packet.
 * - `crash`: a Zephyr Fatal Error event (0xFF, assert at `file`:`line`) replaces it; the controller goes silent.
 */
export interface FaultRule {
  at: number;
  action: 'drop' | 'delay' | 'corrupt' | 'garbage' | 'disconnect' | 'unplug' | 'hardware-error' | 'crash';
  delayMs?: number;
  bytes?: Uint8Array;
}

export type FaultAction = FaultRule['action'];

/** Finds the rule for packet number `n`, if any. */
export function faultFor(rules: readonly FaultRule[], n: number): FaultRule | undefined {
  return rules.find((rule) => rule.at === n);
}
