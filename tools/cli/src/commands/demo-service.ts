/**
 * The demo service of `tsble serve` and `tsble demo` (README, "The demo service"): one characteristic for each
 * kind of protection, so a peer can see what pairing unlocks.
 */
import type { ServiceDefinition, WriteHandler } from '@tsble/host';

const base = (n: number): string => `b1e5000${n}-3c9b-4e7a-9f1d-5e2a7c4d8b00`;

export const DEMO_UUIDS = {
  service: base(0),
  open: base(1),
  encrypted: base(2),
  authenticated: base(3),
  encryptedWrite: base(4),
  encryptedNotify: base(5),
} as const;

export interface DemoServiceOptions {
  /** Called after a client writes the encrypted-write characteristic. */
  onWrite?: WriteHandler;
}

export function demoService(options: DemoServiceOptions = {}): ServiceDefinition {
  return {
    uuid: DEMO_UUIDS.service,
    characteristics: [
      { uuid: DEMO_UUIDS.open, properties: ['read'], value: 'open' },
      { uuid: DEMO_UUIDS.encrypted, properties: ['read'], read: { encrypted: true }, value: 'encrypted' },
      {
        uuid: DEMO_UUIDS.authenticated,
        properties: ['read'],
        read: { authenticated: true },
        value: 'authenticated',
      },
      {
        uuid: DEMO_UUIDS.encryptedWrite,
        properties: ['read', 'write'],
        read: { encrypted: true },
        write: { encrypted: true },
        value: '',
        ...(options.onWrite ? { onWrite: options.onWrite } : {}),
      },
      {
        uuid: DEMO_UUIDS.encryptedNotify,
        properties: ['notify'],
        subscribe: { encrypted: true },
        value: new Uint8Array(4),
      },
    ],
  };
}
