#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CliCommand, commands } from './commands/index.js';
import { Progress } from './commands/progress.js';
import { chooseLogFormat } from './log-format.js';
import {
  ExitCode,
  exitCodeFor,
  globalHelp,
  globalOptions,
  makeLogger,
  resolveGlobalOptions,
  UsageError,
} from './options.js';

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const list = Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n');
  return `Usage: tsble COMMAND [options]\n\nCommands:\n${list}\n\n${globalHelp}\n\nRun tsble COMMAND --help (or tsble help COMMAND) for a command's options; tsble --version for the version.`;
}

/**
 * The command's name: the first positional argument, skipping option values (`--transport sim info` is `info`
 * with transport `sim`). Every command's options are known here, so a string option's value is never taken
 * for the command.
 */
function commandName(argv: string[]): { name: string | undefined; index: number } {
  const allOptions = Object.assign({}, globalOptions, ...Object.values(commands).map((c) => c.options ?? {}));
  const { tokens } = parseArgs({
    args: argv,
    options: allOptions,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const token = tokens.find((t) => t.kind === 'positional');
  return token?.kind === 'positional'
    ? { name: token.value, index: token.index }
    : { name: undefined, index: -1 };
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
  const { name, index } = commandName(argv);
  const wantsJson = argv.includes('--json');
  const progress = new Progress(wantsJson);
  const out = progress.output();
  if (name === undefined || name === 'help') {
    const topic = name === 'help' ? argv.slice(index + 1).find((a) => !a.startsWith('-')) : undefined;
    const helped = topic === undefined ? undefined : commands[topic];
    if (helped) {
      process.stdout.write(`${helped.help}\n\n${globalHelp}\n`);
      return ExitCode.done;
    }
    if (argv.includes('--version') || argv.includes('-V')) {
      out.event('version', { version: version() }, `tsble ${version()}`);
      return ExitCode.done;
    }
    if (name === 'help' || argv.includes('--help') || argv.includes('-h')) {
      if (topic !== undefined) {
        out.error(`unknown command "${topic}"; commands: ${Object.keys(commands).join(', ')}`, {
          code: 'usage',
        });
        return ExitCode.usage;
      }
      process.stdout.write(`${usage()}\n`);
      return ExitCode.done;
    }
    out.error('no command given', { code: 'usage' });
    process.stderr.write(`${usage()}\n`);
    return ExitCode.usage;
  }
  const command: CliCommand | undefined = commands[name];
  if (command === undefined) {
    out.error(`unknown command "${name}"; commands: ${Object.keys(commands).join(', ')}`, { code: 'usage' });
    return ExitCode.usage;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const args = [...argv];
    args.splice(index, 1);
    parsed = parseArgs({
      args,
      options: { ...globalOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    out.error(`${(error as Error).message}; see tsble ${name} --help`, { code: 'usage' });
    return ExitCode.usage;
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.help}\n\n${globalHelp}\n`);
    return ExitCode.done;
  }
  const extra = parsed.positionals.slice(command.maxArguments ?? 0);
  if (extra.length > 0) {
    out.error(
      `tsble ${name} takes ${command.maxArguments ? `at most ${command.maxArguments} argument${command.maxArguments === 1 ? '' : 's'}` : 'no arguments'}; unexpected: ${extra.join(' ')} (see tsble ${name} --help)`,
      { code: 'usage' },
    );
    return ExitCode.usage;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const options = resolveGlobalOptions(parsed.values, env);
    const format = chooseLogFormat({
      json: options.json,
      stderrIsTty: process.stderr.isTTY === true,
      levelGiven: parsed.values['log-level'] !== undefined,
    });
    const logger = makeLogger(options.logLevel, format, () => progress.interrupt());
    return await command.run({
      options,
      values: parsed.values,
      positionals: parsed.positionals,
      out,
      progress,
      logger,
      signal: controller.signal,
    });
  } catch (error) {
    progress.done();
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
