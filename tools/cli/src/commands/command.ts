import type { ParseArgsConfig } from 'node:util';
import type { Logger } from 'pino';
import type { GlobalOptions, Output } from '../options.js';
import type { Progress } from './progress.js';

/** What a command gets when it runs. */
export interface CommandContext {
  options: GlobalOptions;
  /** The command's own option values (parseArgs `values`), and its positional arguments. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** Writes clear the spinner line first. */
  out: Output;
  /** The spinner on stderr (drawn only on a terminal, never with --json). */
  progress: Progress;
  logger: Logger;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** One `tsble` command: its help and its code. Registered in commands/index.ts. */
export interface CliCommand {
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) and option help, shown by `tsble COMMAND --help`. */
  help: string;
  /** The command's own options (global ones are added by main). */
  options?: ParseArgsConfig['options'];
  /** How many positional arguments it takes at most (default none); more is a usage error. */
  maxArguments?: number;
  /** Resolves with the exit status. */
  run(context: CommandContext): Promise<number>;
}
