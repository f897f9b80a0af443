/**
 * The service most att-gatt and host tests serve: one characteristic for each kind of protection (open,
 * encrypted read, authenticated read, encrypted write, encrypted subscription). Test wiring, not shipped.
 */
import type { ServiceDefinition } from './definitions.js';

const uuidOf = (n: number): string => `7e570000-0000-4000-8000-00000000000${n}`;

export const PROTECTED_UUIDS = {
  service: uuidOf(0),
  open: uuidOf(1),
  encrypted: uuidOf(2),
  authenticated: uuidOf(3),
  encryptedWrite: uuidOf(4),
  encryptedNotify: uuidOf(5),
} as const;

export function protectedService(): ServiceDefinition {
  const read = (uuid: string, value: string, security: { encrypted?: true; authenticated?: true }) => ({
    uuid,
    properties: ['read' as const],
    ...(security.encrypted || security.authenticated ? { read: security } : {}),
    value,
  });
  return {
    uuid: PROTECTED_UUIDS.service,
    characteristics: [
      read(PROTECTED_UUIDS.open, 'open', {}),
      read(PROTECTED_UUIDS.encrypted, 'encrypted', { encrypted: true }),
      read(PROTECTED_UUIDS.authenticated, 'authenticated', { authenticated: true }),
      {
        uuid: PROTECTED_UUIDS.encryptedWrite,
        properties: ['read', 'write'],
        read: { encrypted: true },
        write: { encrypted: true },
        value: '',
      },
      {
        uuid: PROTECTED_UUIDS.encryptedNotify,
        properties: ['notify'],
        subscribe: { encrypted: true },
        value: new Uint8Array(4),
      },
    ],
  };
}
