/**
 * Whose keys these are, decided before anything is stored. The identity a peer distributes (Identity
 * Information and Identity Address Information, Core 6.0 Vol 3 Part H 3.6.4 and 3.6.5) is only a claim, and
 * the host stores the bond under it: a peer that could claim any identity could replace another device's
 * bond with its own keys and then pose as that device (a bond takeover). Two rules close that:
 *
 * 1. The claim must fit the link. A peer on a resolvable private address must have made it with the IRK it
 *    distributes (Vol 6 Part B 1.3.2.3); a peer on a public or static address must claim that address,
 *    unless the application allows otherwise (`allowIdentityMismatch`).
 * 2. A bond already held for the claimed identity is replaced only by a pairing at least as strong
 *    (Zephyr's update_keys_check), and only as `bondReplacement` allows.
 *
 * Refusals use Zephyr's reasons for its key-distribution checks: Invalid Parameters for an identity the link
 * contradicts, Unspecified Reason for keys that may not replace a bond.
 */
import { type Address, addressEquals, formatAddress, isResolvablePrivateAddress } from '@tsble/base';
import { PairingFailedReason } from '../constants.js';
import { resolveRpa } from '../crypto/rpa.js';
import { isWeakerThan } from '../keys/key-size.js';
import type { Bond, KeySet } from '../keys/types.js';
import { fail, type PairingContext } from './context.js';
import type { PairingAction } from './types.js';

type Strength = Pick<KeySet, 'authenticated' | 'sc' | 'keySize'>;

/** Rule 1: the identity the peer claims (with the IRK it sent just before, if any) must fit the link. */
export function checkIdentityClaim(
  ctx: PairingContext,
  identity: Address,
  irk: Uint8Array | undefined,
): void {
  const link = ctx.peerAddress;
  if (isResolvablePrivateAddress(link)) {
    if (irk === undefined || !resolveRpa(link.bytes, irk))
      fail(
        PairingFailedReason.invalidParameters,
        `the peer's address ${formatAddress(link)} does not resolve with the IRK it distributed`,
      );
    return;
  }
  if (addressEquals(link, identity)) return;
  if (ctx.config.allowIdentityMismatch) {
    ctx.log?.info(
      { layer: 'smp', link: formatAddress(link), identity: formatAddress(identity) },
      'identity differs from the connection address (allowIdentityMismatch)',
    );
    return;
  }
  fail(
    PairingFailedReason.invalidParameters,
    `the peer connected from ${formatAddress(link)} but claims the identity ${formatAddress(identity)}`,
  );
}

/** The bond held for `identity`: the host's store when it gave one, else the bond for this link's peer. */
function bondHeldFor(ctx: PairingContext, identity: Address): Bond | undefined {
  if (ctx.bondFor) return ctx.bondFor(identity);
  const bond = ctx.bondSource();
  if (!bond) return undefined;
  return addressEquals(bond.peerIdentityAddress ?? bond.peerAddress, identity) ? bond : undefined;
}

/**
 * Whether the peer proved to be the bonded identity as far as LE can: it paired from the identity address,
 * or from an RPA that the stored IRK (not one it just distributed) resolves.
 */
function proven(ctx: PairingContext, identity: Address, existing: Bond): boolean {
  const link = ctx.peerAddress;
  if (addressEquals(link, identity)) return true;
  return (
    isResolvablePrivateAddress(link) &&
    existing.peerIrk !== undefined &&
    resolveRpa(link.bytes, existing.peerIrk)
  );
}

/**
 * Phase 1: with `bondReplacement: 'never'`, a peer that pairs from the address of a bond we hold is refused
 * at once. Its keys would be refused at key distribution anyway (they could only replace that bond, or claim
 * another identity the link contradicts), and only a refusal now reaches an initiator before it has finished.
 */
export function refuseReplacementEarly(ctx: PairingContext): void {
  if (ctx.config.bondReplacement !== 'never') return;
  const bond = ctx.bondSource();
  const identity = bond ? (bond.peerIdentityAddress ?? bond.peerAddress) : undefined;
  if (identity && addressEquals(identity, ctx.peerAddress)) refuseNever(identity);
}

function refuseNever(identity: Address): never {
  return fail(
    PairingFailedReason.unspecifiedReason,
    `a bond with ${formatAddress(identity)} exists and bondReplacement is 'never': forget it before pairing again`,
  );
}

export type Replacement =
  | { kind: 'none' }
  | { kind: 'replace' }
  | { kind: 'ask'; action: Extract<PairingAction, { type: 'confirm-bond-replacement' }> };

/** Rule 2: what this pairing's keys may do to the bond already held for `identity`. Throws a refusal. */
export function replacementOf(ctx: PairingContext, identity: Address, proposed: Strength): Replacement {
  const existing = bondHeldFor(ctx, identity);
  if (!existing) return { kind: 'none' };
  const who = formatAddress(identity);
  if (isWeakerThan(proposed, existing) && !ctx.config.allowBondDowngrade)
    fail(PairingFailedReason.unspecifiedReason, `the keys would replace a stronger bond with ${who}`);
  const isProven = proven(ctx, identity, existing);
  switch (ctx.config.bondReplacement) {
    case 'never':
      return refuseNever(identity);
    case 'ask':
      return {
        kind: 'ask',
        action: {
          type: 'confirm-bond-replacement',
          identity,
          existing: { authenticated: existing.authenticated, sc: existing.sc, keySize: existing.keySize },
          proposed: { authenticated: proposed.authenticated, sc: proposed.sc, keySize: proposed.keySize },
          proven: isProven,
        },
      };
    case 'proven':
      if (!isProven)
        fail(
          PairingFailedReason.unspecifiedReason,
          `the peer claims ${who}, which has a bond, but its address does not prove that identity`,
        );
      return { kind: 'replace' };
  }
}
