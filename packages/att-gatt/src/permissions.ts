/**
 * The security gate in front of every attribute (Core 6.0 Vol 3 Part F 3.2.5 and Part C 10.3): a rule
 * per attribute and direction, checked against the link's security before any value is touched.
 */
import { type LinkSecurity, type SecurityRequirement, securityShortfall } from '@tsble/l2cap';
import { AttErrorCode } from './constants.js';

/** Who is asking for what, for authorization callbacks. */
export interface AccessRequest {
  /** The peer as the host identifies it (identity address), if known. */
  peer: string | undefined;
  handle: number;
  access: 'read' | 'write';
}

/** A security requirement plus an optional application authorization decision. */
export interface AccessRequirement extends SecurityRequirement {
  authorize?: (request: AccessRequest) => boolean | Promise<boolean>;
}

/** false: never permitted; true: permitted on any link; a requirement: permitted when it is met. */
export type AccessRule = boolean | AccessRequirement;

/**
 * The ATT error for an access, or undefined when permitted. Order: permission, then link security
 * (authentication before encryption before key size, see securityShortfall), then authorization, so a
 * peer learns first what pairing can fix.
 */
export async function checkAccess(
  rule: AccessRule,
  request: AccessRequest,
  link: LinkSecurity,
): Promise<AttErrorCode | undefined> {
  const immediate = checkSecurity(rule, request.access, link);
  if (immediate !== undefined || typeof rule === 'boolean' || !rule.authorize) return immediate;
  try {
    return (await rule.authorize(request)) ? undefined : AttErrorCode.insufficientAuthorization;
  } catch {
    return AttErrorCode.insufficientAuthorization;
  }
}

/** The synchronous part of checkAccess: everything except the authorization callback. */
export function checkSecurity(
  rule: AccessRule,
  access: 'read' | 'write',
  link: LinkSecurity,
): AttErrorCode | undefined {
  if (rule === false)
    return access === 'read' ? AttErrorCode.readNotPermitted : AttErrorCode.writeNotPermitted;
  if (rule === true) return undefined;
  switch (securityShortfall(rule, link)) {
    case 'authentication':
      return AttErrorCode.insufficientAuthentication;
    case 'encryption':
      return AttErrorCode.insufficientEncryption;
    case 'key-size':
      return AttErrorCode.insufficientEncryptionKeySize;
    default:
      return undefined;
  }
}
