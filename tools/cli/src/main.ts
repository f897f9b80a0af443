#!/usr/bin/env node
/**
 * The `tsble` command: finds the command, parses its options with commander against cli-spec.ts (help, "did you
 * mean", usage errors with exit 2), then imports and runs only that command. Nothing of the stack is imported
 * before a command runs, so `tsble --version` and `--help` start fast.
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import type { Logger } from 'pino';
import { allOptions, commandSpecs, maxArguments } from './cli-spec.js';
import type { CliCommand } from './commands/command.js';
import { Progress } from './commands/progress.js';
import { chooseLogFormat } from './log-format.js';
import { ExitCode, type Output, stdoutState, UsageError } from './output.js';
import { moduleOnlyOptions, optionNotHere, type Parsed, program, rootHelp, usageMessage } from './program.js';

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
  const options = rest.indexOf('--') === -1 ? rest : rest.slice(0, rest.indexOf('--'));
  if (spec && (options.includes('--help') || options.includes('-h'))) return help([name], out);
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
    const options = resolveGlobalOptions(parsed.values, env, parsed.spec.common);
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
    // Ctrl-C or SIGTERM while the controller was starting: said as any other interrupted operation is.
    if (controller.signal.aborted && (error as { name?: string }).name === 'AbortError') {
      out.error('interrupted', { code: 'interrupted' });
      return ExitCode.failed;
    }
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
