import { bonds } from './bonds.js';
import type { CliCommand } from './command.js';
import { demo } from './demo.js';
import { gatt } from './gatt.js';
import { info } from './info.js';
import { pair } from './pair.js';
import { read } from './read.js';
import { scan } from './scan.js';
import { serve } from './serve.js';
import { sim } from './sim.js';

export type { CliCommand, CommandContext } from './command.js';

/** Every `tsble` command, by name. A new command is one file under commands/ and one line here. */
export const commands: Record<string, CliCommand> = {
  info,
  sim,
  scan,
  serve,
  pair,
  read,
  gatt,
  bonds,
  demo,
};
