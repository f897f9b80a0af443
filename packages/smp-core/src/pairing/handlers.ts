/**
 * The per-opcode handlers for received PDUs: one entry per SMP command, dispatched by `pdu.op` after the
 * state table allowed it. Phase-dependent commands (confirm, random) pick the pairing method's handler.
 */
import { PairingFailedReason } from '../constants.js';
import type { SmpPdu, SmpPduName } from '../pdu/types.js';
import { emit, fail, negotiatedOf, type PairingContext } from './context.js';
import { handleKeyPdu } from './key-distribution.js';
import { handleLegacyConfirm, handleLegacyRandom } from './legacy.js';
import { handlePairingRequest, handlePairingResponse, handleSecurityRequest } from './phase1.js';
import { handleScPasskeyConfirm, handleScPasskeyRandom, peerTypesPasskey } from './sc-passkey.js';
import {
  handleDhKeyCheck,
  handlePublicKey,
  handleScJustWorksConfirm,
  handleScRandom,
} from './secure-connections.js';

type Handler<K extends SmpPduName> = (
  ctx: PairingContext,
  pdu: Extract<SmpPdu, { op: K }>,
  raw: Uint8Array,
) => void | Promise<void>;
type HandlerTable = { [K in SmpPduName]: Handler<K> };

const usesPasskey = (ctx: PairingContext) => negotiatedOf(ctx).method === 'passkey-entry';

export const HANDLERS: HandlerTable = {
  'pairing-request': (ctx, pdu, raw) => handlePairingRequest(ctx, pdu, raw, ctx.inputLayers),
  'pairing-response': (ctx, pdu, raw) => handlePairingResponse(ctx, pdu, raw),
  'pairing-confirm': (ctx, pdu) => {
    if (!negotiatedOf(ctx).sc) return handleLegacyConfirm(ctx, pdu.confirm);
    return usesPasskey(ctx)
      ? handleScPasskeyConfirm(ctx, pdu.confirm)
      : handleScJustWorksConfirm(ctx, pdu.confirm);
  },
  'pairing-random': (ctx, pdu) => {
    if (!negotiatedOf(ctx).sc) return handleLegacyRandom(ctx, pdu.random);
    return usesPasskey(ctx) ? handleScPasskeyRandom(ctx, pdu.random) : handleScRandom(ctx, pdu.random);
  },
  // Handled by the session itself (it needs to know whether a pairing runs); listed for completeness.
  'pairing-failed': () => undefined,
  'encryption-information': handleKeyPdu,
  'central-identification': handleKeyPdu,
  'identity-information': handleKeyPdu,
  'identity-address-information': handleKeyPdu,
  'signing-information': handleKeyPdu,
  'security-request': (ctx, pdu) => handleSecurityRequest(ctx, pdu.authReq, ctx.inputLayers),
  'pairing-public-key': (ctx, pdu) => handlePublicKey(ctx, pdu.x, pdu.y),
  'pairing-dhkey-check': (ctx, pdu) => handleDhKeyCheck(ctx, pdu.check),
  'keypress-notification': (ctx, pdu) => {
    // Meaningful only from the side typing a passkey, and only if both sides offered keypress notifications.
    const negotiated = negotiatedOf(ctx);
    if (negotiated.method !== 'passkey-entry' || !peerTypesPasskey(ctx) || !negotiated.keypress) {
      fail(PairingFailedReason.unspecifiedReason, 'unexpected Keypress Notification');
    }
    emit(ctx, { type: 'peer-keypress', notificationType: pdu.notificationType });
  },
};
