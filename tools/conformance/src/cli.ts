/**
 * The command line: `npm run conformance -- [options]`.
 *   --filter TEXT      run cases whose ID contains TEXT (repeatable, comma-separated; /regex/ allowed)
 *   --quick            leave out the long (real 30 s timeout) cases
 *   --json FILE        write the JSON report (alias --report)
 *   --list             list the cases and exit
 *   --fuzz             the seeded randomized run instead (--seconds N, default 60; --seed N, default random)
 *   --bond-crash       the bond store SIGKILL run instead (--kills N, default 200; --seed N)
 *   --hostile          the hostile-controller suite instead (--filter applies)
 *   --hostile-fuzz     its seeded randomized run (--seconds N, default 60; --seed N, default random)
 * Exit status: 0 all pass, 1 a case (or the run) failed, 2 usage.
 */
export interface CliOptions {
  mode: 'cases' | 'list' | 'fuzz' | 'bond-crash' | 'hostile' | 'hostile-fuzz' | 'help';
  filter: string[];
  long: boolean;
  json: string | undefined;
  seconds: number;
  seed: number;
  kills: number;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArguments(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    mode: 'cases',
    filter: [],
    long: true,
    json: undefined,
    seconds: 60,
    seed: Math.floor(Math.random() * 2 ** 31),
    kills: 200,
  };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  const number = (i: number, name: string): number => {
    const n = Number(value(i, name));
    if (!Number.isInteger(n) || n < 0)
      throw new UsageError(`${name} needs a whole number, not ${argv[i + 1]}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '--filter':
        options.filter.push(...value(i, arg).split(',').filter(Boolean));
        i++;
        break;
      case '--quick':
        options.long = false;
        break;
      case '--json':
      case '--report':
        options.json = value(i, arg);
        i++;
        break;
      case '--list':
        options.mode = 'list';
        break;
      case '--fuzz':
        options.mode = 'fuzz';
        break;
      case '--bond-crash':
        options.mode = 'bond-crash';
        break;
      case '--hostile':
        options.mode = 'hostile';
        break;
      case '--hostile-fuzz':
        options.mode = 'hostile-fuzz';
        break;
      case '--seconds':
        options.seconds = number(i, arg);
        i++;
        break;
      case '--seed':
        options.seed = number(i, arg);
        i++;
        break;
      case '--kills':
        options.kills = number(i, arg);
        i++;
        break;
      case '--help':
      case '-h':
        options.mode = 'help';
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return options;
}

export const USAGE = `usage: npm run conformance -- [--filter TEXT] [--quick] [--json FILE] [--list]
       npm run conformance -- --fuzz [--seconds N] [--seed N]
       npm run conformance -- --bond-crash [--kills N] [--seed N]
       npm run conformance -- --hostile [--filter TEXT] [--json FILE]
       npm run conformance -- --hostile-fuzz [--seconds N] [--seed N]`;
