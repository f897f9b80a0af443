#!/usr/bin/env node
/**
 * The `tsble` command: finds the command, parses its options with commander against cli-spec.ts (help, "did you
 * mean", usage errors with exit 2), then imports and runs only that command. Nothing of the stack is imported
 * before a command runs, so `tsble --version` and `--help` start fast.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { Logger } from 'pino';
import {
  allOptions,
  type CommandSpec,
  commandSpecs,
  commandsTaking,
  maxArguments,
  optionsOf,
} from './cli-spec.js';
import type { CliCommand } from './commands/command.js';
import { Progress } from './commands/progress.js';
import { chooseLogFormat } from './log-format.js';
import { ExitCode, type Output, stdoutState, UsageError } from './output.js';

/**
 * The command's name, the first positional argument, and the arguments without it. Global options may come
 * first (`--transport sim info`): every option's arity is known, so an option's value is never taken for the
 * command.
 */
export function splitCommand(argv: string[]): { name: string | undefined; rest: string[] } {
  const takesValue = allOptions();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && takesValue.get(arg.replace(/^--?/, '')) === true) i++;
      continue;
    }
    return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: argv };
}

function version(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const ROOT_EPILOGUE = `
Run tsble COMMAND --help (or tsble help COMMAND) for a command's options,
tsble help --synopsis for every command and option in a few lines,
tsble --version for the version, tsble completion bash|zsh for shell completion.

Environment: TSBLE_TRANSPORT (--transport) and TSBLE_BOND_STORE (--bond-store);
an option given wins.
Exit status: 0 done, 1 the operation failed (pairing, read, write, no answer),
2 usage, 3 transport or controller failure. With --json a failure is an "error"
(or "pairing-failed") event with a "code".`;

function rootHelp(): string {
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

interface Parsed {
  name: string;
  spec: CommandSpec;
  values: Record<string, string | boolean>;
  positionals: string[];
}

/** The program: every command from the spec, each with only its own options. */
function program(onRun: (parsed: Parsed) => void, extras: Record<string, ModuleOption[]> = {}): Command {
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
function usageMessage(error: CommanderError, name: string | undefined): string {
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
function optionNotHere(
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
  'sim --btsnoop':
    ' (capture on the host side: give --btsnoop to the tsble command that uses the controller)',
  'sim --transport': ' (sim is the controller; --listen says where it listens)',
  'pair --security-request':
    ' (a Security Request is how a peripheral asks the central to pair; pair is the central and pairs itself)',
  'read --security-request':
    ' (a Security Request is how a peripheral asks the central to pair; read is the central and pairs when the server asks)',
  'write --security-request':
    ' (a Security Request is how a peripheral asks the central to pair; write is the central and pairs when the server asks)',
};

/** Runs the CLI with `argv` (without node and script); resolves with the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const wantsJson = argv.includes('--json');
  const progress = new Progress(wantsJson);
  const out = progress.output();
  const usage = (message: string): number => {
    out.error(message, { code: 'usage' });
    return ExitCode.usage;
  };
  const { name, rest } = splitCommand(argv);
  if (name === undefined) {
    if (rest.includes('--version') || rest.includes('-V')) {
      out.event('version', { version: version() }, `tsble ${version()}`);
      return ExitCode.done;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(rootHelp());
      return ExitCode.done;
    }
    const status = usage('no command given');
    if (!wantsJson) process.stderr.write(rootHelp());
    return status;
  }
  if (name === 'help') return help(rest, out);
  const spec = commandSpecs[name];
  if (spec && (rest.includes('--help') || rest.includes('-h'))) return help([name], out);
  const module = spec ? await spec.load() : undefined;
  const extras = spec && module ? { [name]: moduleOnlyOptions(spec, module) } : {};
  if (spec) {
    const notHere = optionNotHere(name, spec, rest, extras[name] ?? []);
    if (notHere) return usage(notHere);
  }
  let parsed: Parsed | undefined;
  try {
    await program((p) => {
      parsed = p;
    }, extras).parseAsync([name, ...rest], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return ExitCode.done; // help was asked for, and shown
    return usage(usageMessage(error, spec ? name : undefined));
  }
  if (!parsed || !module) return ExitCode.done;
  const limit = maxArguments(parsed.spec);
  const extra = parsed.positionals.slice(limit);
  if (extra.length > 0)
    return usage(
      `tsble ${name} takes ${limit ? `at most ${limit} argument${limit === 1 ? '' : 's'} (${parsed.spec.arguments})` : 'no arguments'}; unexpected: ${extra.join(' ')} (see tsble ${name} --help)`,
    );
  return run(module, parsed, env, progress, out);
}

/** `tsble help [COMMAND]`, and `tsble help --synopsis` (README's CLI section). */
async function help(rest: string[], out: Output): Promise<number> {
  if (rest.includes('--synopsis')) {
    process.stdout.write(`${(await import('./synopsis.js')).synopsis()}\n`);
    return ExitCode.done;
  }
  const topic = rest.find((a) => !a.startsWith('-'));
  const root = program(() => undefined);
  if (topic === undefined || topic === 'help') {
    process.stdout.write(rootHelp());
    return ExitCode.done;
  }
  const command = root.commands.find((c) => c.name() === topic);
  if (command) {
    process.stdout.write(command.helpInformation());
    return ExitCode.done;
  }
  try {
    root.parse([topic], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      out.error(usageMessage(error, undefined), { code: 'usage' });
      return ExitCode.usage;
    }
    throw error;
  }
  return ExitCode.usage;
}

interface ModuleOption {
  name: string;
  takesValue: boolean;
}

/** Options a command's module declares that the spec does not (its owner added one): still accepted. */
function moduleOnlyOptions(spec: CommandSpec, module: CliCommand): ModuleOption[] {
  const known = new Set(optionsOf(spec).map(([n]) => n));
  return Object.entries(module.options ?? {})
    .filter(([n]) => n !== 'help' && !known.has(n))
    .map(([n, o]) => ({ name: n, takesValue: (o as { type?: string }).type === 'string' }));
}

async function run(
  command: CliCommand,
  parsed: Parsed,
  env: NodeJS.ProcessEnv,
  progress: Progress,
  out: Output,
): Promise<number> {
  const { resolveGlobalOptions, makeLogger, exitCodeFor } = await import('./options.js');
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let logger: Logger | undefined;
  // A reader that went away (`| head`): stop the command, close the transport, exit 0 without a word. The
  // teardown is on purpose, so what the stack logs about it (ACL for a link just closed) is not news either.
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    stdoutState.closed = true;
    if (logger) logger.level = 'silent';
    progress.done();
    controller.abort();
  };
  process.stdout.on('error', onStdoutError);
  try {
    const options = resolveGlobalOptions(parsed.values, env, parsed.spec.common.includes('transport'));
    const format = chooseLogFormat({
      json: options.json,
      stderrIsTty: process.stderr.isTTY === true,
      levelGiven: parsed.values['log-level'] !== undefined,
    });
    logger = makeLogger(options.logLevel, format, () => progress.interrupt());
    const status = await command.run({
      options,
      values: parsed.values,
      positionals: parsed.positionals,
      out,
      progress,
      logger,
      signal: controller.signal,
    });
    return stdoutState.closed ? ExitCode.done : status;
  } catch (error) {
    progress.done();
    if (stdoutState.closed) return ExitCode.done;
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    out.error(message, {
      code: (error as { code?: string }).code ?? (code === ExitCode.usage ? 'usage' : 'failed'),
    });
    return code;
  } finally {
    progress.done();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

// `node dist/main.js` runs the CLI; the installed `tsble` (bin/tsble.js) imports this module and calls main.
const isEntryPoint =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

export { UsageError };
