import type { Logger } from 'pino';
import type { GlobalOptions } from '../options.js';
import type { Output } from '../output.js';
import type { Progress } from './progress.js';

/** What a command gets when it runs. */
export interface CommandContext {
  options: GlobalOptions;
  /** The option values given, by option name (`'bond-store'`), and the positional arguments. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** Writes clear the spinner line first. */
  out: Output;
  /** The spinner on stderr (drawn only on a terminal, never with --json). */
  progress: Progress;
  logger: Logger;
  /** Aborted on SIGINT/SIGTERM, and when stdout's reader went away (`| head`). */
  signal: AbortSignal;
}

/**
 * One `tsble` command's code. Its interface (arguments, options, help) is in cli-spec.ts, which main parses
 * with; `summary`, `help`, `options` and `maxArguments` here are not used any more (kept optional so a module
 * that still has them compiles).
 */
export interface CliCommand {
  summary?: string;
  help?: string;
  options?: Record<string, unknown>;
  maxArguments?: number;
  /** Resolves with the exit status. */
  run(context: CommandContext): Promise<number>;
}
