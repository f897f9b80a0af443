import type { CliCommand } from './command.js';
import { info } from './info.js';
import { pair } from './pair.js';
import { serve } from './serve.js';
import { sim } from './sim.js';

export type { CliCommand, CommandContext } from './command.js';

/** Every `tsble` command, by name. A new command is one file under commands/ and one line here. */
export const commands: Record<string, CliCommand> = {
  info,
  sim,
  serve,
  pair,
};
