/**
 * The pairing options `serve`, `pair` and `read` share (ARCHITECTURE.md, "Pairing options"), and the CLI's
 * pairing delegate: contract events for every question, answers from --passkey / --yes, else a prompt on the
 * terminal or a line from stdin.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { toHex } from '@tsble/base';
import type { IoCapabilityName, PairingDelegate, PairOptions } from '@tsble/host';
import { generateScOobData, type OobConfig } from '@tsble/smp-core';
import { UsageError } from '../options.js';
import type { CommandContext } from './command.js';
import { isNo, isYes, type LineQuestions } from './prompts.js';

const IO_NAMES = new Set(['none', 'display', 'display-yesno', 'keyboard', 'keyboard-display']);

export interface CliPairing {
  options: PairOptions;
  /** --oob FILE, loaded or written by `withOob`. */
  oobFile: string | undefined;
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
  const replacement = (values['bond-replacement'] as string | undefined) ?? 'proven';
  if (replacement !== 'proven' && replacement !== 'never' && replacement !== 'ask')
    throw new UsageError(`--bond-replacement must be proven, never or ask, not "${replacement}"`);
  if (values.legacy && values['sc-only'])
    throw new UsageError('--legacy and --sc-only contradict each other');
  // Core 6.0 Vol 3 Part H 2.3.5.1, Tables 2.7 and 2.8: a device without IO never enters or shows a passkey, and
  // only DisplayYesNo and KeyboardDisplay, with LE Secure Connections, ever compare numbers.
  if (passkey !== undefined && io === 'none')
    throw new UsageError(
      '--passkey cannot apply with --io none (a device without a display or keyboard never uses a passkey): give --io display, keyboard, display-yesno or keyboard-display',
    );
  if (values.yes === true && !(io === 'display-yesno' || io === 'keyboard-display'))
    throw new UsageError(
      `--yes cannot apply with --io ${io}: numeric comparison needs --io display-yesno or keyboard-display`,
    );
  if (values.yes === true && values.legacy === true)
    throw new UsageError('--yes cannot apply with --legacy: legacy pairing has no numeric comparison');
  const options: PairOptions = {
    io: io as IoCapabilityName,
    bond: values['no-bond'] !== true,
    leSecure: values.legacy !== true,
    mitm: values.mitm === true,
    ...(values['sc-only'] ? { scOnly: true } : {}),
    ...(minKeySize !== undefined ? { minKeySize } : {}),
    ...(passkey !== undefined ? { passkey } : {}),
    ...(replacement === 'proven' ? {} : { bondReplacement: replacement }),
  };
  return {
    options,
    oobFile: values.oob as string | undefined,
    passkey,
    yes: values.yes === true,
    showKeys: values['show-keys'] === true,
  };
}

/** The CLI's delegate: every question is a contract event, then an answer from the options or the user. */
export function cliDelegate(
  context: CommandContext,
  pairing: CliPairing,
  questions: LineQuestions,
): PairingDelegate {
  const { out } = context;
  return {
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
        pairing.passkey === undefined
          ? `${c.peer} shows a passkey: type it here`
          : `typing passkey ${String(pairing.passkey).padStart(6, '0')} (--passkey)`,
      );
      if (pairing.passkey !== undefined) return pairing.passkey;
      return askPasskey(questions);
    },
    confirmNumericComparison: async (value, c) => {
      out.event(
        'numeric-comparison',
        { peer: c.peer, value },
        `Does ${c.peer} show ${value}?${pairing.yes ? ' (--yes: confirmed)' : ''}`,
      );
      if (pairing.yes) return true;
      return askYesNo(questions);
    },
    // --bond-replacement ask: a bonded device paired again; the session asks before its keys replace the bond.
    replaceBond: async (request, c) => {
      const worth = (k: { sc: boolean; authenticated: boolean; keySize: number }) =>
        `${k.sc ? 'LE Secure Connections' : 'legacy'}, ${k.authenticated ? 'authenticated' : 'unauthenticated'}, ${k.keySize}-octet key`;
      out.event(
        'bond-replacement-request',
        { peer: c.peer, ...request },
        `${request.identity} paired again: its bond (${worth(request.existing)}) would be replaced by new keys ` +
          `(${worth(request.proposed)})${request.proven ? '' : '; it did not prove it is the device that bonded'}`,
      );
      return askYesNo(questions, 'Replace its bond? [y/N]: ', 'type y to replace the bond, n to keep it');
    },
  };
}

/**
 * Asks for the passkey. On a terminal a typo gets another chance (three in all) instead of failing the
 * pairing; from a pipe the one line is the answer, whatever it says (the host rejects a non-number).
 */
async function askPasskey(questions: LineQuestions): Promise<string | undefined> {
  let answer = await questions.ask('Passkey shown on the other device: ');
  for (let retry = 0; retry < 2 && questions.interactive && answer !== undefined; retry++) {
    if (/^\d{1,6}$/.test(answer)) break;
    answer = await questions.ask(
      `"${answer}" is not a passkey: type the 6 digits shown on the other device: `,
    );
  }
  return answer;
}

/**
 * Asks a yes/no question (by default whether the numbers match). On a terminal only y/yes/n/no (or an empty
 * line, the default no) settle it:
 * a typo asks again (three times in all), as the passkey prompt does, instead of failing the pairing as a "no".
 * From a pipe the one line is the answer.
 */
async function askYesNo(
  questions: LineQuestions,
  prompt = 'Confirm the numbers match [y/N]: ',
  howTo = 'type y if the numbers match, n if not',
): Promise<boolean> {
  let answer = await questions.ask(prompt);
  for (let retry = 0; retry < 2 && questions.interactive && answer !== undefined; retry++) {
    if (isYes(answer) || isNo(answer)) break;
    answer = await questions.ask(`"${answer}" is not an answer: ${howTo} [y/N]: `);
  }
  return isYes(answer);
}

const HEX16 = /^[0-9a-f]{32}$/i;
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

/**
 * `--oob FILE`: a file that exists holds the peer's LE Secure Connections OOB data (`random`, `confirm`,
 * 16 octets each as hex, least significant first) or a legacy `tk`; a file that does not exist receives ours,
 * made now (Core 6.0 Vol 3 Part H 2.3.5.6.4; legacy: a random 128-bit TK, 2.3.5.4).
 */
export async function withOob(pairing: CliPairing): Promise<CliPairing> {
  const file = pairing.oobFile;
  if (file === undefined) return pairing;
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageError(`--oob ${file}: ${(error as Error).message}`);
  }
  if (text !== undefined)
    return { ...pairing, options: { ...pairing.options, oob: parseOobFile(file, text) } };
  if (pairing.options.leSecure === false) {
    const tk = crypto.getRandomValues(new Uint8Array(16));
    await writeFile(file, `${JSON.stringify({ tk: toHex(tk) })}\n`, { mode: 0o600 });
    return { ...pairing, options: { ...pairing.options, oob: { tk } } };
  }
  const localSc = await generateScOobData();
  await writeFile(
    file,
    `${JSON.stringify({ random: toHex(localSc.random), confirm: toHex(localSc.confirm) })}\n`,
    { mode: 0o600 },
  );
  return { ...pairing, options: { ...pairing.options, oob: { localSc } } };
}

function parseOobFile(file: string, text: string): OobConfig {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError(
      `--oob ${file} is not JSON; expected {"random": HEX, "confirm": HEX} or {"tk": HEX}`,
    );
  }
  if (typeof data.tk === 'string' && HEX16.test(data.tk)) return { tk: fromHex(data.tk) };
  if (
    typeof data.random === 'string' &&
    HEX16.test(data.random) &&
    typeof data.confirm === 'string' &&
    HEX16.test(data.confirm)
  ) {
    return { peerSc: { random: fromHex(data.random), confirm: fromHex(data.confirm) } };
  }
  throw new UsageError(
    `--oob ${file} needs "random" and "confirm" (32 hex digits each) or "tk" (32 hex digits)`,
  );
}
