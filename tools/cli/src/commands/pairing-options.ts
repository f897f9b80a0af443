/**
 * The pairing options `serve`, `pair` and `read` share (ARCHITECTURE.md, "Pairing options"), and the CLI's
 * pairing delegate: contract events for every question, answers from --passkey / --yes, else a prompt on the
 * terminal or a line from stdin.
 */
import type { ParseArgsConfig } from 'node:util';
import type { IoCapabilityName, PairingDelegate, PairOptions } from '@tsble/host';
import { UsageError } from '../options.js';
import type { CommandContext } from './command.js';
import { isYes, type LineQuestions } from './prompts.js';

export const pairingOptions = {
  io: { type: 'string' },
  mitm: { type: 'boolean' },
  legacy: { type: 'boolean' },
  'sc-only': { type: 'boolean' },
  'no-bond': { type: 'boolean' },
  passkey: { type: 'string' },
  yes: { type: 'boolean' },
  'min-key-size': { type: 'string' },
  'show-keys': { type: 'boolean' },
  oob: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const pairingHelp = `Pairing options:
  --io CAP            none|display|display-yesno|keyboard|keyboard-display (default none)
  --mitm              require MITM protection (an authenticated pairing)
  --legacy            no LE Secure Connections (legacy pairing)
  --sc-only           refuse legacy pairing
  --no-bond           do not store keys
  --passkey N         the passkey to show, or to type instead of being asked
  --yes               confirm numeric comparison without asking
  --min-key-size N    smallest acceptable encryption key size, 7..16 (default 16)
  --show-keys         include the LTK in the paired event`;

const IO_NAMES = new Set(['none', 'display', 'display-yesno', 'keyboard', 'keyboard-display']);

export interface CliPairing {
  options: PairOptions;
  passkey: number | undefined;
  yes: boolean;
  showKeys: boolean;
}

export function parsePairingOptions(values: CommandContext['values']): CliPairing {
  const io = (values.io as string | undefined) ?? 'none';
  if (!IO_NAMES.has(io)) throw new UsageError(`--io must be one of ${[...IO_NAMES].join(', ')}, not "${io}"`);
  const passkeyText = values.passkey as string | undefined;
  const passkey = passkeyText === undefined ? undefined : Number(passkeyText);
  if (
    passkey !== undefined &&
    !(Number.isInteger(passkey) && passkey >= 0 && passkey <= 999_999 && /^\d{1,6}$/.test(passkeyText ?? ''))
  ) {
    throw new UsageError(`--passkey must be a number 0..999999, not "${passkeyText}"`);
  }
  const minText = values['min-key-size'] as string | undefined;
  const minKeySize = minText === undefined ? undefined : Number(minText);
  if (minKeySize !== undefined && !(Number.isInteger(minKeySize) && minKeySize >= 7 && minKeySize <= 16)) {
    throw new UsageError(`--min-key-size must be 7..16, not "${minText}"`);
  }
  if (values.oob !== undefined) throw new UsageError('--oob is not supported yet by this build of tsble');
  if (values.legacy && values['sc-only'])
    throw new UsageError('--legacy and --sc-only contradict each other');
  const options: PairOptions = {
    io: io as IoCapabilityName,
    bond: values['no-bond'] !== true,
    leSecure: values.legacy !== true,
    mitm: values.mitm === true,
    ...(values['sc-only'] ? { scOnly: true } : {}),
    ...(minKeySize !== undefined ? { minKeySize } : {}),
    ...(passkey !== undefined ? { passkey } : {}),
  };
  return { options, passkey, yes: values.yes === true, showKeys: values['show-keys'] === true };
}

/** The CLI's delegate: every question is a contract event, then an answer from the options or the user. */
export function cliDelegate(
  context: CommandContext,
  pairing: CliPairing,
  questions: LineQuestions,
): PairingDelegate {
  const { out } = context;
  return {
    acceptPairing: (c) => {
      out.event(
        'pairing-request',
        { peer: c.peer, method: c.method, sc: c.sc, peerIoCapability: c.peerIoCapability },
        `${c.central ? `pairing with ${c.peer}` : `${c.peer} asks to pair`}: ${c.method}, ${c.sc ? 'LE Secure Connections' : 'legacy'}`,
      );
      return true;
    },
    displayPasskey: (passkey, c) => {
      out.event(
        'passkey-display',
        { peer: c.peer, passkey },
        `Passkey for ${c.peer}: ${passkey} (type it on the other device)`,
      );
    },
    requestPasskey: async (c) => {
      out.event(
        'passkey-request',
        { peer: c.peer },
        pairing.passkey === undefined ? '' : `Using passkey ${String(pairing.passkey).padStart(6, '0')}`,
      );
      if (pairing.passkey !== undefined) return pairing.passkey;
      return questions.ask('Passkey shown on the other device: ');
    },
    confirmNumericComparison: async (value, c) => {
      out.event(
        'numeric-comparison',
        { peer: c.peer, value },
        `Does ${c.peer} show ${value}?${pairing.yes ? ' (--yes: confirmed)' : ''}`,
      );
      if (pairing.yes) return true;
      return isYes(await questions.ask('Confirm the numbers match [y/N]: '));
    },
  };
}
