import { HciTransportError } from '../errors.js';
import type { HciTransport } from './transport.js';

export async function openUsbTransport(_spec: { vendorId?: number; productId?: number; index?: number }): Promise<HciTransport> {
  throw new HciTransportError('transport-not-found', 'usb', 'USB transport not yet available');
}
