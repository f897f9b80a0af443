/**
 * The configuration of one pairing session, put together from layers: the host's pairing options, the
 * application's OOB data (delegate.oobData) and the options of a `pair()` call, later layers winning.
 */
import type { OobConfig, PairingConfig } from '@tsble/smp-core';
import type { OobData } from './pairing-delegate.js';

/**
 * Combines configuration layers. OOB data is combined field by field, not replaced whole: our own LE SC
 * OOB data (`localSc`, from the host's options) and the peer's (`peerSc`, from the delegate) are two halves
 * that both sides need when each holds the other's (Core 6.0 Vol 3 Part H 2.3.5.6.4, OOB flags {1,1}).
 */
export function sessionConfig(...layers: Partial<PairingConfig>[]): Partial<PairingConfig> {
  let config: Partial<PairingConfig> = {};
  let oob: OobConfig | undefined;
  for (const layer of layers) {
    config = { ...config, ...layer };
    if (layer.oob) oob = { ...oob, ...layer.oob };
  }
  return oob ? { ...config, oob } : config;
}

/** The application's OOB data for one pairing, as a configuration layer. */
export function oobLayer(data: OobData | undefined): Partial<PairingConfig> {
  const oob: OobConfig = {};
  if (data?.tk) oob.tk = data.tk;
  if (data?.random && data.confirm) oob.peerSc = { random: data.random, confirm: data.confirm };
  return oob.tk || oob.peerSc ? { oob } : {};
}
