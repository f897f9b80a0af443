/**
 * The commander program made from cli-spec.ts: every command with only its own options, the help texts, and
 * usage errors in words (the option named, a near one suggested, which commands take an option given to the
 * wrong one).
 */
import { Command, type CommanderError, Option } from 'commander';
import { allOptions, type CommandSpec, commandSpecs, commandsTaking, optionsOf } from './cli-spec.js';
import type { CliCommand } from './commands/command.js';

const ROOT_EPILOGUE = `
Run tsble COMMAND --help (or tsble help COMMAND) for a command's options,
tsble help --synopsis for every command and option in a few lines,
tsble --version for the version, tsble completion bash|zsh for shell completion.

Environment: TSBLE_TRANSPORT (--transport) and TSBLE_BOND_STORE (--bond-store);
an option given wins.
Exit status: 0 done, 1 the operation failed (pairing, read, write, no answer),
2 usage, 3 transport or controller failure. With --json a failure is an "error"
(or "pairing-failed") event with a "code".`;

export function rootHelp(): string {
  return `${program(() => undefined).helpInformation()}${ROOT_EPILOGUE}\n`;
}

/** Each option's flags as commander wants them, and the spec's name back from commander's attribute. */
function addOptions(command: Command, spec: CommandSpec, extra: ModuleOption[]): Map<Option, string> {
  const names = new Map<Option, string>();
  for (const [name, option, group] of optionsOf(spec)) {
    const flags = `${option.short ? `-${option.short}, ` : ''}--${name}${option.value ? ` <${option.value}>` : ''}`;
    const made = new Option(flags, option.description).helpGroup(group);
    command.addOption(made);
    names.set(made, name);
  }
  // An option a command's module reads that the spec does not list yet: accepted, so the command works.
  for (const { name, takesValue } of extra) {
    const made = new Option(`--${name}${takesValue ? ' <VALUE>' : ''}`, '').helpGroup('Options:');
    command.addOption(made);
    names.set(made, name);
  }
  return names;
}

function usageLine(spec: CommandSpec): string {
  return spec.arguments ? `${spec.arguments} [options]` : '[options]';
}

/** The spec's text is wrapped for reading the source; commander wraps it again for the terminal. */
function paragraphs(text: string): string {
  return text.replace(/([^\n])\n(?!\n)/g, '$1 ');
}

export interface Parsed {
  name: string;
  spec: CommandSpec;
  values: Record<string, string | boolean>;
  positionals: string[];
}

/** The program: every command from the spec, each with only its own options. */
export function program(
  onRun: (parsed: Parsed) => void,
  extras: Record<string, ModuleOption[]> = {},
): Command {
  const root = new Command('tsble')
    .usage('COMMAND [options]')
    .helpCommand(false)
    .helpOption(false) // main answers tsble --help itself
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: () => undefined,
      outputError: () => undefined,
    })
    .configureHelp({
      sortOptions: false,
      optionTerm: (option) => option.flags.replace(/ [<[]([^>\]]+)[>\]]/g, ' $1'),
      subcommandTerm: (command) => command.name(),
    });
  for (const [name, spec] of Object.entries(commandSpecs)) {
    const command = root
      .command(name)
      .summary(spec.summary)
      .description(paragraphs(spec.description))
      .usage(usageLine(spec))
      .addHelpOption(new Option('-h, --help', 'this help').helpGroup('Common options:'))
      .allowExcessArguments(true);
    const names = addOptions(command, spec, extras[name] ?? []);
    command.action((...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      const values: Record<string, string | boolean> = {};
      for (const [option, optionName] of names) {
        const key = option.attributeName();
        if (self.getOptionValueSource(key) !== 'cli') continue;
        const value = self.getOptionValue(key) as string | boolean;
        values[optionName] = option.negate ? true : value;
      }
      onRun({ name, spec, values, positionals: self.args });
    });
  }
  return root;
}

/** A usage error in words, from commander's error: the option named, a suggestion, where to look. */
export function usageMessage(error: CommanderError, name: string | undefined): string {
  const first = error.message.split('\n')[0]?.replace(/^error: /, '') ?? error.message;
  const suggestion = /\(Did you mean (.+)\?\)/.exec(error.message)?.[1];
  const didYouMean = suggestion ? ` (did you mean ${suggestion}?)` : '';
  const quoted = /'([^']+)'/.exec(first)?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownOption':
      return `unknown option ${quoted} for tsble ${name}${didYouMean}; see tsble ${name} --help`;
    case 'commander.unknownCommand':
      return `unknown command "${quoted}"${didYouMean}; commands: ${Object.keys(commandSpecs).join(', ')}`;
    case 'commander.optionMissingArgument':
      return `${quoted.replace(/ <(.*)>/, ' needs a value ($1)')}; see tsble ${name} --help`;
    default:
      return `${first}${name ? `; see tsble ${name} --help` : ''}`;
  }
}

/** An option of some other command given to this one: say which commands take it, not just "unknown". */
export function optionNotHere(
  name: string,
  spec: CommandSpec,
  rest: string[],
  extras: ModuleOption[],
): string | undefined {
  const own = new Set([...optionsOf(spec).map(([n]) => n), ...extras.map((e) => e.name)]);
  const takesValue = allOptions();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const option = arg.slice(2).split('=')[0] as string;
    if (own.has(option)) {
      if (!arg.includes('=') && takesValue.get(option) === true) i++;
      continue;
    }
    const takers = commandsTaking(option);
    if (takers.length === 0) continue; // truly unknown: commander suggests a near name
    const why = NOT_HERE[`${name} --${option}`] ?? '';
    return `tsble ${name} does not take --${option}${why}; it is an option of ${takers.map((t) => `tsble ${t}`).join(', ')}`;
  }
  return undefined;
}

/** Why an option is not taken where someone may expect it. */
const NOT_HERE: Record<string, string> = {
  'demo --transport': ' (the demo runs on its own embedded virtual controller)',
  'demo --btsnoop': ' (the demo runs on its own embedded virtual controller, with nothing to capture from)',
  'demo --bond-store': ' (the demo keeps its bonds in a temporary directory)',
  'sim --transport': ' (sim is the controller; --listen says where it listens)',
  'pair --security-request':
    ' (a Security Request is how a peripheral asks the central to pair; pair is the central and pairs itself)',
  'read --security-request':
    ' (a Security Request is how a peripheral asks the central to pair; read is the central and pairs when the server asks)',
  'write --security-request':
    ' (a Security Request is how a peripheral asks the central to pair; write is the central and pairs when the server asks)',
};

export interface ModuleOption {
  name: string;
  takesValue: boolean;
}

/** Options a command's module declares that the spec does not (its owner added one): still accepted. */
export function moduleOnlyOptions(spec: CommandSpec, module: CliCommand): ModuleOption[] {
  const known = new Set(optionsOf(spec).map(([n]) => n));
  return Object.entries(module.options ?? {})
    .filter(([n]) => n !== 'help' && !known.has(n))
    .map(([n, o]) => ({ name: n, takesValue: (o as { type?: string }).type === 'string' }));
}
