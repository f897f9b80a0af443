/**
 * Attacks on LE SC key agreement and on the keys themselves: invalid-curve and fixed-coordinate public keys
 * (CVE-2018-5383), a reflected public key (CVE-2020-26558), skipping the DHKey check, an all-zero LTK, and
 * key-size downgrade and overflow.
 */
import { type ConformanceCase, type Harness, verify } from '../case.js';
import { AUTH, hex, KEYS } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { INVALID_KEY_ROUNDS, type InvalidKeyRound, invalidKeyRound } from './invalid-keys.js';
import {
  describeReport,
  iutPaired,
  linkCentral,
  linkPeripheral,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

const SC = AUTH.bonding | AUTH.sc;

/** Every round in both roles: never complete, no key stored, link never encrypted. */
async function refusedInBothRoles(t: Harness, rounds: InvalidKeyRound[]): Promise<void> {
  for (const role of ['central', 'peripheral'] as const) {
    for (const round of rounds.filter((r) => role === 'central' || !r.centralOnly)) {
      const result = await invalidKeyRound(t, role, round);
      const o = result.outcome;
      t.note(
        `${role} ${round.name}: ${o.kind === 'iut-failed' ? `0x${o.reason.toString(16)} at ${o.at}` : o.kind}`,
      );
      verify(!result.paired, `${role}, ${round.name}: the pairing completed (${result.report})`);
      verify(
        o.kind === 'iut-failed' && o.reason === 0x0b,
        `${role}, ${round.name}: want Pairing Failed 0x0B; ${o.kind}`,
      );
    }
  }
}

/** Points that are not on P-256: on other curves y^2 = x^3 - 3x + b' whose small subgroups leak the key. */
const OFF_CURVE: InvalidKeyRound[] = [
  {
    name: 'x = 1, y = 1 (off the curve)',
    key: () => ({ x: Uint8Array.of(1, ...new Uint8Array(31)), y: Uint8Array.of(1, ...new Uint8Array(31)) }),
    zeroDhKey: true,
  },
  {
    name: 'valid x, random y (off the curve)',
    key: (own) => ({ x: own.x, y: crypto.getRandomValues(new Uint8Array(32)) }),
    zeroDhKey: true,
  },
  {
    name: 'x = p (out of range)',
    key: (own) => ({
      x: Uint8Array.of(
        ...new Array(12).fill(0xff),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0xff,
        0xff,
        0xff,
        0xff,
      ),
      y: own.y,
    }),
    zeroDhKey: true,
  },
];

export const keyAttackCases: ConformanceCase[] = [
  {
    id: 'ATTACK/INVALID-CURVE-KEY',
    purpose: 'Public keys off the P-256 curve or out of range are refused (0x0B) in both roles',
    run: (t) => refusedInBothRoles(t, OFF_CURVE),
  },
  {
    id: 'ATTACK/FIXED-COORDINATE',
    purpose: 'CVE-2018-5383: y = 0 and the point (0, 0) are refused (0x0B) in both roles',
    run: (t) =>
      refusedInBothRoles(
        t,
        INVALID_KEY_ROUNDS.filter((r) => r.zeroDhKey && !r.centralOnly),
      ),
  },
  {
    id: 'ATTACK/REFLECTED-X',
    purpose: "CVE-2020-26558: the IUT's own public key (and its X with the other Y) sent back is refused",
    run: (t) =>
      refusedInBothRoles(t, [
        {
          name: "the IUT's own public key",
          key: (_own, iut) => ({ x: iut!.x.slice(), y: iut!.y.slice() }),
          zeroDhKey: true,
          centralOnly: true,
        },
        ...INVALID_KEY_ROUNDS.filter((r) => r.centralOnly),
      ]),
  },
  {
    id: 'ATTACK/DHCHECK-SKIP',
    purpose:
      'An initiator that skips the DHKey check and starts encryption gets no LTK; a responder that withholds Eb gets no encryption',
    async run(t) {
      const linked = await linkPeripheral(t);
      const run = await pairAsPeripheral(
        t,
        linked,
        { features: features({ authReq: SC }), skipDhKeyCheck: true, wait: 1000 },
        1500,
      );
      verify(
        run.outcome.kind !== 'complete',
        'the IUT let the link encrypt with the LTK before any DHKey check',
      );
      verify(
        !linked.lt.connected ||
          run.outcome.kind === 'encryption-failed' ||
          run.outcome.kind === 'silent' ||
          run.outcome.kind === 'iut-failed',
        `unexpected: ${run.outcome.kind}`,
      );
      verify(
        !linked.connection.encrypted && !iutPaired(run.report),
        `the IUT encrypted or reported success; ${describeReport(run.report)}`,
      );
      t.note(`peripheral: ${run.outcome.kind}`);
      const central = await linkCentral(t);
      const withheld = await pairAsCentral(
        t,
        central,
        { features: features({ authReq: SC }), stopAfter: 'random' },
        {},
        1000,
      );
      verify(
        withheld.outcome.kind === 'stopped',
        `the LT did not reach the DHKey check: ${withheld.outcome.kind}`,
      );
      const request = await central.lt.waitLtkRequest(1000);
      verify(!request, 'the central IUT started encryption without the responder DHKey check');
    },
  },
  {
    id: 'ATTACK/ZERO-LTK',
    purpose:
      'An all-zero LTK opens nothing: refused for an unbonded peer, and a distributed all-zero LTK is not kept',
    async run(t) {
      const linked = await linkPeripheral(t);
      const result = await linked.lt.startEncryption(new Uint8Array(16), 0, new Uint8Array(8));
      verify(
        !(result?.status === 0 && result.enabled),
        'the IUT encrypted with an all-zero LTK without any bond',
      );
      const central = await linkCentral(t, { pairing: { leSecure: false } });
      const run = await pairAsCentral(t, central, {
        features: features({ authReq: AUTH.bonding, initKeys: 0, respKeys: KEYS.enc }),
        ltKeys: { ltk: new Uint8Array(16), ediv: 0, rand: new Uint8Array(8) },
      });
      const stored = central.iut.store.list()[0]?.peerLtk?.ltk;
      t.note(`zero LTK distribution: ${run.outcome.kind}; ${describeReport(run.report)}`);
      verify(
        stored === undefined || stored !== hex(new Uint8Array(16)),
        'the IUT stored an all-zero LTK from the peer',
      );
    },
  },
  {
    id: 'ATTACK/KEY-SIZE-DOWNGRADE',
    purpose: 'With the default minimum (16), a peer offering 7-octet keys is refused (0x06) in both roles',
    async run(t) {
      const central = await pairAsCentral(t, await linkCentral(t), { features: features({ maxKeySize: 7 }) });
      verify(
        central.outcome.kind === 'iut-failed' && central.outcome.reason === 0x06,
        `central: ${central.outcome.kind}; ${describeReport(central.report)}`,
      );
      const peripheral = await pairAsPeripheral(t, await linkPeripheral(t), {
        features: features({ maxKeySize: 7 }),
      });
      verify(
        peripheral.outcome.kind === 'iut-failed' && peripheral.outcome.reason === 0x06,
        `peripheral: ${peripheral.outcome.kind}; ${describeReport(peripheral.report)}`,
      );
    },
  },
  {
    id: 'ATTACK/KEY-SIZE-OVERFLOW',
    purpose: 'Maximum Encryption Key Size 0, 6, 17 and 255 is refused (0x0A or 0x06), never used',
    async run(t) {
      for (const size of [0, 6, 17, 255]) {
        for (const role of ['central', 'peripheral'] as const) {
          const run =
            role === 'central'
              ? await pairAsCentral(t, await linkCentral(t), { features: features({ maxKeySize: size }) })
              : await pairAsPeripheral(t, await linkPeripheral(t), {
                  features: features({ maxKeySize: size }),
                });
          const o = run.outcome;
          verify(
            o.kind === 'iut-failed' && (o.reason === 0x0a || o.reason === 0x06),
            `${role}, size ${size}: ${o.kind}${o.kind === 'iut-failed' ? ` 0x${o.reason.toString(16)}` : ''}; ${describeReport(run.report)}`,
          );
        }
      }
    },
  },
];
