/**
 * Interop with an independent SMP implementation: the npm package ble-host (Emil Lenngren), whose
 * SmpMasterConnection/SmpSlaveConnection take injected send/receive/encryption functions. Each test pairs
 * one smp-core session with one ble-host SMP object in memory; the pretend controller checks that both
 * sides encrypt with the same key, and the keys each side reports are compared.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from '@tsble/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CENTRAL_ADDRESS,
  makeCentral,
  makePeripheral,
  PERIPHERAL_ADDRESS,
} from '../../examples/peers.test-support.js';
import { IoCapability } from '../constants.js';
import type { PairingSession } from './session.js';
import type { PairingAction } from './types.js';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: ble-host is untyped JavaScript
type Untyped = any;
const { SmpMasterConnection, SmpSlaveConnection } = require('ble-host/lib/internal/smp.js') as Record<
  string,
  Untyped
>;

const text = (a: Address) =>
  Array.from(a.bytes)
    .reverse()
    .map((b) => b.toString(16).padStart(2, '0').toUpperCase())
    .join(':');

/** ble-host stores bonds under the working directory: keep that out of the repository. */
let workDir = '';
let previousDir = '';
beforeAll(() => {
  previousDir = process.cwd();
  workDir = mkdtempSync(join(tmpdir(), 'smp-interop-'));
  process.chdir(workDir);
});
afterAll(() => {
  process.chdir(previousDir);
  rmSync(workDir, { recursive: true, force: true });
});

interface Outcome {
  ours: {
    complete?: Extract<PairingAction, { type: 'complete' }>;
    failed?: Extract<PairingAction, { type: 'failed' }>;
    key?: Uint8Array;
    numeric?: string;
  };
  // biome-ignore lint/suspicious/noExplicitAny: ble-host result object
  theirs: { complete?: any; failed?: number; key?: Uint8Array; numeric?: string };
}

interface TheirConfig {
  ioCap: number;
  mitm: boolean;
  sc: boolean;
  bondingFlags?: number;
  keypress?: boolean;
}

async function run(
  ourRole: 'central' | 'peripheral',
  session: PairingSession,
  theirs: TheirConfig,
): Promise<Outcome> {
  const outcome: Outcome = { ours: {}, theirs: {} };
  const tasks: (() => Promise<void> | void)[] = [];
  let theirReceive: (data: Buffer) => void = () => undefined;
  let theirLtkRequest: (
    rand: Buffer,
    ediv: number,
    reply: (ltk: Buffer | null, started?: () => void) => void,
  ) => void = () => undefined;
  let theirStartEncryption: ((status: number, on: boolean) => void) | undefined;
  let ourEncryptionKey: Uint8Array | undefined;
  let displayed: string | undefined;
  let ourPasskeyWanted = false;

  const ourAddress = ourRole === 'central' ? CENTRAL_ADDRESS : PERIPHERAL_ADDRESS;
  const theirAddress = ourRole === 'central' ? PERIPHERAL_ADDRESS : CENTRAL_ADDRESS;
  const connection = {
    ownAddress: text(theirAddress),
    ownAddressType: theirAddress.type,
    peerAddress: text(ourAddress),
    peerAddressType: ourAddress.type,
    setTimeout: (fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    },
    disconnect: () => undefined,
  };
  // ble-host: sendDataFn(data, sentCallback?, ackedCallback?).
  const send = (data: Buffer, sent?: (() => void) | null, acked?: () => void) => {
    const pdu = Uint8Array.from(data);
    tasks.push(async () => ours(await session.receive(pdu, Date.now())));
    if (sent) tasks.push(sent);
    if (acked) tasks.push(acked);
  };
  const onData = (handler: (data: Buffer) => void) => {
    theirReceive = handler;
  };
  const smp =
    ourRole === 'peripheral'
      ? new SmpMasterConnection(
          connection,
          onData,
          send,
          (rand: Buffer, ediv: number, ltk: Buffer, done: (status: number, on: boolean) => void) => {
            outcome.theirs.key = Uint8Array.from(ltk);
            theirStartEncryption = done;
            // The controller asks our host for the key: our session answers the LTK request itself.
            const request = Uint8Array.from(rand);
            tasks.push(async () => ours(await session.ltkRequested(request, ediv, Date.now())));
          },
          () => undefined,
          () => undefined,
        )
      : new SmpSlaveConnection(
          connection,
          onData,
          send,
          (handler: typeof theirLtkRequest) => {
            theirLtkRequest = handler;
          },
          () => undefined,
          () => undefined,
        );

  const encryptIfKeysMatch = async () => {
    const same =
      ourEncryptionKey &&
      outcome.theirs.key &&
      Buffer.from(ourEncryptionKey).equals(Buffer.from(outcome.theirs.key));
    theirStartEncryption?.(same ? 0 : 0x06, !!same);
    ours(
      same ? await session.encryptionChanged(Date.now()) : await session.encryptionFailed(Date.now(), 0x06),
    );
  };

  // ble-host AssociationModels: 4 = numeric comparison; otherwise userPasskey is shown, or null when typed.
  let theirPasskeyCallback: ((passkey: number) => void) | undefined;
  const answerTheirs = () => {
    if (theirPasskeyCallback && ourDisplayed !== undefined) {
      const callback = theirPasskeyCallback;
      theirPasskeyCallback = undefined;
      tasks.push(() => callback(Number(ourDisplayed)));
    }
  };
  // biome-ignore lint/suspicious/noExplicitAny: ble-host events
  smp.on('passkeyExchange', (model: number, userPasskey: string | null, callback: (p?: any) => void) => {
    if (model === 4) {
      outcome.theirs.numeric = userPasskey ?? undefined;
      tasks.push(() => callback());
      return;
    }
    if (userPasskey !== null) {
      displayed = userPasskey;
      if (ourPasskeyWanted) enterOurs();
    } else {
      theirPasskeyCallback = callback;
      answerTheirs();
    }
  });
  // biome-ignore lint/suspicious/noExplicitAny: ble-host events
  smp.on('pairingComplete', (res: any) => {
    outcome.theirs.complete = res;
  });
  smp.on('pairingFailed', (reason: number) => {
    outcome.theirs.failed = reason;
  });
  // biome-ignore lint/suspicious/noExplicitAny: ble-host events
  smp.on('pairingRequest', (_req: any, callback: (rsp: any) => void) => callback(theirs));

  let ourDisplayed: string | undefined;
  const enterOurs = () => {
    ourPasskeyWanted = false;
    tasks.push(async () => ours(await session.passkeyEntered(Number(displayed), Date.now())));
  };
  const ours = (actions: PairingAction[]) => {
    for (const action of actions) {
      if (action.type === 'send') {
        const data = Buffer.from(action.pdu);
        tasks.push(() => theirReceive(data));
      } else if (action.type === 'display-passkey') {
        ourDisplayed = action.digits;
        answerTheirs();
      } else if (action.type === 'request-passkey') {
        ourPasskeyWanted = true;
        if (displayed !== undefined) enterOurs();
      } else if (action.type === 'confirm-numeric') {
        outcome.ours.numeric = action.digits;
        tasks.push(async () => ours(await session.numericComparisonAnswered(true, Date.now())));
      } else if (action.type === 'ltk-reply') {
        ourEncryptionKey = action.key;
        tasks.push(() => encryptIfKeysMatch());
      } else if (action.type === 'ltk-negative-reply') tasks.push(() => encryptIfKeysMatch());
      else if (action.type === 'start-encryption') {
        ourEncryptionKey = action.key;
        // Their controller gets an LTK request; they answer; encryption starts if the keys agree.
        tasks.push(() =>
          theirLtkRequest(Buffer.from(action.rand), action.ediv, (ltk, started) => {
            outcome.theirs.key = ltk ? Uint8Array.from(ltk) : undefined;
            const same = !!ltk && Buffer.from(action.key).equals(ltk);
            tasks.push(async () => {
              if (same) started?.();
              ours(
                same
                  ? await session.encryptionChanged(Date.now())
                  : await session.encryptionFailed(Date.now(), 0x06),
              );
            });
          }),
        );
      } else if (action.type === 'complete') outcome.ours.complete = action;
      else if (action.type === 'failed') outcome.ours.failed = action;
    }
  };

  if (ourRole === 'central') ours(await session.start(Date.now()));
  else smp.sendPairingRequest(theirs);
  for (let i = 0; i < 2000; i++) {
    const task = tasks.shift();
    if (!task) break;
    await task();
  }
  outcome.ours.key = ourEncryptionKey;
  return outcome;
}

const cases: [string, { io: number; mitm: boolean; sc: boolean }, TheirConfig, string][] = [
  [
    'LE SC Just Works',
    { io: IoCapability.noInputNoOutput, mitm: false, sc: true },
    { ioCap: 3, mitm: false, sc: true },
    'just-works',
  ],
  [
    'LE SC Numeric Comparison',
    { io: IoCapability.displayYesNo, mitm: true, sc: true },
    { ioCap: 1, mitm: true, sc: true },
    'numeric-comparison',
  ],
  [
    'LE SC Passkey (we display)',
    { io: IoCapability.displayOnly, mitm: true, sc: true },
    { ioCap: 2, mitm: true, sc: true },
    'passkey-entry',
  ],
  [
    'LE SC Passkey (we type)',
    { io: IoCapability.keyboardOnly, mitm: true, sc: true },
    { ioCap: 0, mitm: true, sc: true },
    'passkey-entry',
  ],
  [
    'legacy Just Works',
    { io: IoCapability.noInputNoOutput, mitm: false, sc: false },
    { ioCap: 3, mitm: false, sc: false },
    'just-works',
  ],
  [
    'legacy Passkey (we display)',
    { io: IoCapability.displayOnly, mitm: true, sc: false },
    { ioCap: 2, mitm: true, sc: false },
    'passkey-entry',
  ],
  [
    'legacy Passkey (we type)',
    { io: IoCapability.keyboardOnly, mitm: true, sc: false },
    { ioCap: 0, mitm: true, sc: false },
    'passkey-entry',
  ],
];

describe('interop with ble-host SMP (independent implementation)', () => {
  for (const role of ['central', 'peripheral'] as const) {
    for (const [name, ourConfig, theirConfig, method] of cases) {
      it(`${name}, tsble as ${role}: same key on both sides, keys distributed both ways`, async () => {
        const config = {
          ...ourConfig,
          io: ourConfig.io as IoCapability,
          distribute: {
            local: { encKey: true, idKey: false, signKey: false, linkKey: false },
            remote: { encKey: true, idKey: true, signKey: false, linkKey: false },
          },
        };
        const session = role === 'central' ? makeCentral(config) : makePeripheral(config);
        const outcome = await run(role, session, theirConfig);
        expect(outcome.ours.failed).toBeUndefined();
        expect(outcome.theirs.failed).toBeUndefined();
        expect(outcome.ours.complete?.method).toBe(method);
        expect(outcome.ours.key).toBeDefined();
        expect(outcome.ours.key).toEqual(outcome.theirs.key);
        expect(outcome.ours.numeric).toBe(outcome.theirs.numeric);
        if (method === 'numeric-comparison') expect(outcome.ours.numeric).toMatch(/^\d{6}$/);
        const theirs = outcome.theirs.complete;
        expect(theirs?.sc).toBe(ourConfig.sc);
        expect(theirs?.mitm).toBe(method !== 'just-works');
        const keys = outcome.ours.complete?.keys;
        // Legacy: each side's copy of the other's distributed LTK agrees; LE SC: the derived LTK agrees.
        const theirLtk = role === 'central' ? theirs?.rspLtk : theirs?.initLtk;
        const ourLtkAsTheySee = role === 'central' ? theirs?.initLtk : theirs?.rspLtk;
        expect(keys?.peerLtk?.key).toEqual(Uint8Array.from(theirLtk ?? []));
        expect(Uint8Array.from(ourLtkAsTheySee ?? [])).toEqual(keys?.localLtk?.key);
      });
    }
  }
});
