/**
 * The "Pairing Failed in turn" cases (SM/CEN/JW/BV-05-C, SCJW/BI-01-C, SCPK/BI-01-C, SCOB/BI-01-C and their
 * PER twins): the LT fails the IUT's pairing with one reason per round; the IUT must abort and report each,
 * and the interval it waits before the next attempt must never shrink (Vol 3 Part H 2.3.6).
 */
import { hexNumber } from '@tsble/base';
import { PairingError, type PairOptions } from '@tsble/host';
import { SMP_CID } from '@tsble/smp-core';
import { type Harness, verify, within } from '../case.js';
import type { IutOptions } from '../iut.js';
import { featuresPdu, smp } from '../lower-tester/smp-frames.js';
import { features, type PairScript } from '../lower-tester/smp-peer.js';
import {
  describeReport,
  iutFailed,
  linkCentral,
  linkPeripheral,
  nextReport,
  pairWhenAllowed,
  requestWhenAllowed,
} from './setup.js';

const hexReason = (r: number) => `${hexNumber(r)}`;

/** IUT central: each reason in `reasons` answers the IUT's Pairing Request; `phase2` (if any) comes later in the pairing. */
export async function failedRounds(
  t: Harness,
  iutOptions: IutOptions,
  reasons: number[],
  phase2?: { reason: number; script: PairScript; after: string },
  pairOptions: PairOptions = {},
): Promise<void> {
  const linked = await linkCentral(t, iutOptions);
  let lastWait = 0;
  for (const reason of reasons) {
    const { pairing, waitedMs } = await pairWhenAllowed(linked, t.clock, pairOptions);
    verify(
      waitedMs + 300 >= lastWait * 0.5,
      `the retry interval shrank (${Math.round(waitedMs)} ms after ${Math.round(lastWait)} ms)`,
    );
    lastWait = waitedMs;
    await linked.lt.sendFrame(SMP_CID, smp.failed(reason));
    const result = await within(pairing, 3000);
    const error = result?.ok && !result.value.ok ? result.value.error : undefined;
    verify(
      error instanceof PairingError && error.reason === reason && error.byPeer,
      `round ${hexReason(reason)}: the IUT reported ${error ? String(error) : 'nothing'}`,
    );
    verify(!linked.connection.encrypted, 'the link became encrypted');
  }
  if (!phase2) return;
  const { pairing, request } = await pairWhenAllowed(linked, t.clock, pairOptions);
  const outcome = await t.pair(linked.lt, {
    ...phase2.script,
    preqReceived: request,
    stopAfter: phase2.after,
  });
  verify(outcome.kind === 'stopped', `phase 2: the pairing did not reach ${phase2.after}: ${outcome.kind}`);
  await linked.lt.sendFrame(SMP_CID, smp.failed(phase2.reason));
  const result = await within(pairing, 3000);
  const error = result?.ok && !result.value.ok ? result.value.error : undefined;
  verify(
    error instanceof PairingError && error.reason === phase2.reason && error.byPeer,
    `phase 2 ${hexReason(phase2.reason)}: the IUT reported ${error ? String(error) : 'nothing'}`,
  );
}

/** IUT peripheral: the LT starts pairing and fails it with each reason in turn. */
export async function failedRoundsAsInitiator(
  t: Harness,
  iutOptions: IutOptions,
  reasons: number[],
  ltFeatures = features(),
): Promise<void> {
  const linked = await linkPeripheral(t, iutOptions);
  for (const reason of reasons) {
    const { reply } = await requestWhenAllowed(linked, t.clock, featuresPdu(0x01, ltFeatures));
    verify(
      reply?.[0] === 0x02,
      `round ${hexReason(reason)}: the IUT answered ${reply ? `opcode 0x${reply[0]?.toString(16)}` : 'nothing'}`,
    );
    const report = nextReport(linked.connection, 3000);
    await linked.lt.sendFrame(SMP_CID, smp.failed(reason));
    const got = await report;
    verify(
      iutFailed(got) && got.failed.reason === reason && got.failed.byPeer,
      `round ${hexReason(reason)}: ${describeReport(got)}`,
    );
  }
}
