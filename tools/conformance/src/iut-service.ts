/**
 * The GATT service the IUT serves in the cases that read through it: one open characteristic and one that
 * needs an encrypted link, so a case can tell a read served in the clear from one the IUT refused.
 */
import type { ServiceDefinition } from '@tsble/host';

export const IUT_UUIDS = {
  service: 'c0f0e000-5e0c-4b2d-8d7e-3a1f00000000',
  open: 'c0f0e000-5e0c-4b2d-8d7e-3a1f00000001',
  encrypted: 'c0f0e000-5e0c-4b2d-8d7e-3a1f00000002',
} as const;

export function iutService(): ServiceDefinition {
  return {
    uuid: IUT_UUIDS.service,
    characteristics: [
      { uuid: IUT_UUIDS.open, properties: ['read'], value: 'open' },
      { uuid: IUT_UUIDS.encrypted, properties: ['read'], read: { encrypted: true }, value: 'encrypted' },
    ],
  };
}
