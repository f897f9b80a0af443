/**
 * `tsble help --synopsis`: every command and option in a few lines, made from cli-spec.ts. README.md's
 * "The tsble command" section carries this text, and a test (readme-synopsis.test.ts) keeps the two equal.
 */
import {
  type CommandSpec,
  commandSpecs,
  commonOptions,
  type OptionSpec,
  optionsOf,
  pairingOptions,
} from './cli-spec.js';

const WIDTH = 110;

/** `--io none|display|…` when the values are few and named, else `--io CAP`. */
function term(name: string, option: OptionSpec): string {
  if (option.choices) return `--${name} ${option.choices.join('|')}`;
  return option.value ? `--${name} ${option.value}` : `--${name}`;
}

/** Words joined into lines of at most WIDTH, continuation lines indented. */
function wrap(words: string[], indent = '      '): string {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

function commandLine(name: string, spec: CommandSpec): string {
  const own = Object.entries(spec.options ?? {})
    .filter(([n]) => !spec.arguments.includes(`--${n}`))
    .map(([n, o]) => (o.required ? term(n, o) : `[${term(n, o)}]`));
  return wrap([
    'tsble',
    name,
    ...(spec.arguments ? [spec.arguments] : []),
    ...own,
    ...(spec.pairing ? ['[pairing options]'] : []),
  ]);
}

/** The common options, grouped by the commands that take them. */
function commonLines(): string[] {
  const byCommands = new Map<string, string[]>();
  for (const [name, option] of Object.entries(commonOptions) as [string, OptionSpec][]) {
    const takers = Object.entries(commandSpecs)
      .filter(([, spec]) => optionsOf(spec).some(([n]) => n === name))
      .map(([command]) => command);
    const key = takers.join(' ');
    byCommands.set(key, [...(byCommands.get(key) ?? []), term(name, option)]);
  }
  return [...byCommands].map(([commands, terms]) => wrap([`${terms.join(', ')}:`, commands]));
}

export function synopsis(): string {
  const pairingCommands = Object.entries(commandSpecs)
    .filter(([, spec]) => spec.pairing)
    .map(([name]) => name);
  return [
    ...Object.entries(commandSpecs).map(([name, spec]) => commandLine(name, spec)),
    'tsble help [COMMAND] | tsble COMMAND --help | tsble --version',
    wrap([
      `pairing options (${pairingCommands.join(', ')}):`,
      ...Object.entries(pairingOptions).map(([n, o]) => term(n, o)),
    ]),
    ...commonLines(),
  ].join('\n');
}
