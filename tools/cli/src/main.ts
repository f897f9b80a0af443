#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type CliCommand, commands } from './commands/index.js';
import {
  ExitCode,
  exitCodeFor,
  globalHelp,
  globalOptions,
  makeLogger,
  Output,
  resolveGlobalOptions,
  UsageError,
} from './options.js';

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const list = Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n');
  return `Usage: tsble COMMAND [options]\n\nCommands:\n${list}\n\n${globalHelp}\n\nRun tsble COMMAND --help for a command's options.`;
}

/** Runs the CLI with `argv` (without node and script); resolves with the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const name = argv.find((a) => !a.startsWith('-'));
  const wantsJson = argv.includes('--json');
  const out = new Output(wantsJson);
  if (name === undefined) {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(`${usage()}\n`);
      return ExitCode.done;
    }
    out.error('no command given');
    process.stderr.write(`${usage()}\n`);
    return ExitCode.usage;
  }
  const command: CliCommand | undefined = commands[name];
  if (command === undefined) {
    out.error(`unknown command "${name}"; commands: ${Object.keys(commands).join(', ')}`);
    return ExitCode.usage;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.filter((_, i) => i !== argv.indexOf(name)),
      options: { ...globalOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    out.error(`${(error as Error).message}; see tsble ${name} --help`);
    return ExitCode.usage;
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.help}\n\n${globalHelp}\n`);
    return ExitCode.done;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const options = resolveGlobalOptions(parsed.values, env);
    const logger = makeLogger(options.logLevel);
    return await command.run({
      options,
      values: parsed.values,
      positionals: parsed.positionals,
      out,
      logger,
      signal: controller.signal,
    });
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    out.error(message, {
      code: (error as { code?: string }).code ?? (code === ExitCode.usage ? 'usage' : 'failed'),
    });
    return code;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

const isEntryPoint =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint || process.argv[1]?.endsWith('/tsble')) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

export { UsageError };
