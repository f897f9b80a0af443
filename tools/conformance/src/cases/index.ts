/** Every case of the suite, in the order of the SM test suite, then GAP, then the attacks. */
import type { ConformanceCase } from '../case.js';
import { bondAttackCases } from './attacks-bonds.js';
import { keyAttackCases } from './attacks-keys.js';
import { linkAttackCases } from './attacks-link.js';
import { protocolAttackCases } from './attacks-protocol.js';
import { keySizeCases } from './eks.js';
import { gapCases } from './gap.js';
import { invalidKeyCases, keyDistributionCases } from './kdu.js';
import { legacyJustWorksCases } from './legacy-jw.js';
import { legacyOobCases } from './legacy-oob.js';
import { legacyPasskeyCases } from './legacy-pke.js';
import { securityRequestCases } from './pis.js';
import { timeoutCases } from './prot.js';
import { scJustWorksCases } from './sc-jw.js';
import { scOobCases } from './sc-oob.js';
import { scPasskeyCases } from './sc-pk.js';
import { signingCases } from './sign.js';

export const ALL_CASES: readonly ConformanceCase[] = [
  ...timeoutCases,
  ...legacyJustWorksCases,
  ...legacyPasskeyCases,
  ...legacyOobCases,
  ...keySizeCases,
  ...signingCases,
  ...keyDistributionCases,
  ...invalidKeyCases,
  ...securityRequestCases,
  ...scJustWorksCases,
  ...scPasskeyCases,
  ...scOobCases,
  ...gapCases,
  ...keyAttackCases,
  ...bondAttackCases,
  ...protocolAttackCases,
  ...linkAttackCases,
];
