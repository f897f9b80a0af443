/**
 * Phase 1 arithmetic: our Pairing Request/Response fields, and what both sides' fields settle (method, key
 * size, key distribution) under our policy. Pure functions; a refusal is an SmpError with the reason to send.
 * Core 6.0 Vol 3 Part H 2.3 (phase 1), 2.3.4 (key size), 2.3.5.1 (method), 3.6.1 (key distribution).
 */
import { MAX_ENCRYPTION_KEY_SIZE, PairingFailedReason } from '../constants.js';
import { isWeakerThan, securityLevelOf } from '../keys/key-size.js';
import type { KeySet } from '../keys/types.js';
import { intersectKeyDistribution, NO_KEYS } from '../pdu/fields.js';
import { SmpError } from '../pdu/smp-error.js';
import type { KeyDistribution, PairingFeatures } from '../pdu/types.js';
import { isAuthenticated, selectAssociationModel } from './association-model.js';
import type { Negotiated } from './context.js';
import type { PairingConfig } from './types.js';

/** The keys we offer to send: IdKey only with an identity to send; nothing at all without bonding. */
export function offeredLocalKeys(config: PairingConfig): KeyDistribution {
  if (!config.bond) return NO_KEYS;
  const local = config.distribute.local;
  return { ...local, idKey: local.idKey && config.identity !== undefined };
}

function offeredRemoteKeys(config: PairingConfig): KeyDistribution {
  return config.bond ? config.distribute.remote : NO_KEYS;
}

function localFields(
  config: PairingConfig,
): Omit<PairingFeatures, 'initiatorKeyDistribution' | 'responderKeyDistribution'> {
  return {
    ioCapability: config.io,
    oobDataFlag: config.oob.tk !== undefined || config.oob.peerSc !== undefined,
    // SC Only mode runs at security level 4, which needs MITM protection: ask for it.
    authReq: {
      bonding: config.bond,
      mitm: config.mitm || config.scOnly,
      sc: config.sc || config.scOnly,
      keypress: config.keypress,
      ct2: config.ct2,
    },
    maxKeySize: config.maxKeySize,
  };
}

/** The central's Pairing Request. `extraMitm` raises MITM when answering a Security Request that asked for it. */
export function buildPairingRequest(config: PairingConfig, extraMitm = false): PairingFeatures {
  const fields = localFields(config);
  return {
    ...fields,
    authReq: { ...fields.authReq, mitm: fields.authReq.mitm || extraMitm },
    initiatorKeyDistribution: offeredLocalKeys(config),
    responderKeyDistribution: offeredRemoteKeys(config),
  };
}

/** The peripheral's Pairing Response: the initiator's key fields limited to what we accept and offer. */
export function buildPairingResponse(config: PairingConfig, request: PairingFeatures): PairingFeatures {
  const bonding = request.authReq.bonding && config.bond;
  return {
    ...localFields(config),
    initiatorKeyDistribution: bonding
      ? intersectKeyDistribution(request.initiatorKeyDistribution, offeredRemoteKeys(config))
      : NO_KEYS,
    responderKeyDistribution: bonding
      ? intersectKeyDistribution(request.responderKeyDistribution, offeredLocalKeys(config))
      : NO_KEYS,
  };
}

function isSubset(a: KeyDistribution, b: KeyDistribution): boolean {
  return (
    (!a.encKey || b.encKey) && (!a.idKey || b.idKey) && (!a.signKey || b.signKey) && (!a.linkKey || b.linkKey)
  );
}

/** Keys that travel as SMP PDUs: EncKey only in legacy pairing (LE SC derives the LTK); LinkKey never. */
function smpKeys(dist: KeyDistribution, sc: boolean): KeyDistribution {
  return { encKey: dist.encKey && !sc, idKey: dist.idKey, signKey: dist.signKey, linkKey: false };
}

/**
 * Settles a pairing from the Pairing Request and Response, applying our policy in the order the checks are
 * cheapest to explain: SC-only, key size, responder's key fields, MITM, security level, OOB, bond downgrade.
 */
export function negotiate(
  config: PairingConfig,
  role: 'central' | 'peripheral',
  request: PairingFeatures,
  response: PairingFeatures,
  existingBond: KeySet | undefined,
): Negotiated {
  const refuse = (reason: number, message: string): never => {
    throw new SmpError(reason as SmpError['reason'], message);
  };
  const sc = request.authReq.sc && response.authReq.sc;
  if (config.scOnly && !sc)
    refuse(
      PairingFailedReason.authenticationRequirements,
      'Secure Connections Only mode refuses legacy pairing',
    );
  const keySize = Math.min(request.maxKeySize, response.maxKeySize);
  if (keySize < config.minKeySize)
    refuse(
      PairingFailedReason.encryptionKeySize,
      `key size ${keySize} below our minimum ${config.minKeySize}`,
    );
  if (config.scOnly && keySize < MAX_ENCRYPTION_KEY_SIZE)
    refuse(PairingFailedReason.encryptionKeySize, 'Secure Connections Only mode needs 16-octet keys');
  // The responder may only clear bits the initiator set (3.6.1).
  if (
    !isSubset(response.initiatorKeyDistribution, request.initiatorKeyDistribution) ||
    !isSubset(response.responderKeyDistribution, request.responderKeyDistribution)
  ) {
    refuse(
      PairingFailedReason.invalidParameters,
      'Pairing Response asks for keys the Pairing Request did not offer',
    );
  }
  const model = selectAssociationModel(request, response);
  const authenticated = isAuthenticated(model.method);
  if (config.scOnly && !authenticated) {
    refuse(
      PairingFailedReason.authenticationRequirements,
      'Secure Connections Only mode needs an authenticated pairing (level 4)',
    );
  }
  if (config.mitm && !authenticated)
    refuse(
      PairingFailedReason.authenticationRequirements,
      'MITM protection required but only Just Works is possible',
    );
  if (securityLevelOf({ authenticated, sc, keySize }) < config.minSecurityLevel) {
    refuse(
      PairingFailedReason.authenticationRequirements,
      `pairing cannot reach security level ${config.minSecurityLevel}`,
    );
  }
  const peerFeatures = role === 'central' ? response : request;
  if (model.method === 'oob' && sc && peerFeatures.oobDataFlag && !config.oob.localSc) {
    refuse(PairingFailedReason.oobNotAvailable, 'peer has OOB data from us but we have no local OOB data');
  }
  if (
    existingBond &&
    !config.allowBondDowngrade &&
    isWeakerThan({ authenticated, sc, keySize }, existingBond)
  ) {
    refuse(
      PairingFailedReason.authenticationRequirements,
      'pairing would replace the existing bond with a weaker one',
    );
  }
  const initiatorDist = smpKeys(response.initiatorKeyDistribution, sc);
  const responderDist = smpKeys(response.responderKeyDistribution, sc);
  return {
    ...model,
    sc,
    keySize,
    authenticated,
    bonding: request.authReq.bonding && response.authReq.bonding,
    keypress: request.authReq.keypress && response.authReq.keypress,
    localDist: role === 'central' ? initiatorDist : responderDist,
    remoteDist: role === 'central' ? responderDist : initiatorDist,
    linkKey: response.initiatorKeyDistribution.linkKey || response.responderKeyDistribution.linkKey,
    ct2: request.authReq.ct2 && response.authReq.ct2,
  };
}
