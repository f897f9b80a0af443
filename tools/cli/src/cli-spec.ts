/**
 * The interface of the `tsble` command as data: every command, its arguments, and the options that apply to
 * it (ARCHITECTURE.md, "The tsble command"). Parsing and help (commander), shell completion and the README
 * synopsis are all made from this table, so they cannot disagree. Nothing here imports the stack: a command's
 * code (`load`) is imported only when that command runs, which keeps `tsble --version` and `--help` fast.
 */
import type { CliCommand } from './commands/command.js';

export interface OptionSpec {
  /** The value's name in help (`--io CAP`); absent for a switch. */
  value?: string;
  description: string;
  /** The only values accepted (shell completion offers them). */
  choices?: readonly string[];
  /** The value is a file name (shell completion offers files). */
  file?: boolean;
  short?: string;
  /** The command cannot run without it (shown without brackets in the synopsis). */
  required?: boolean;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const IO_CAPABILITIES = ['none', 'display', 'display-yesno', 'keyboard', 'keyboard-display'] as const;

/** The options several commands share; which of them a command takes is in its `common` list. */
export const commonOptions = {
  transport: {
    value: 'SPEC',
    description:
      'controller: serial:PATH[?baud=N&rtscts=true|false], usb[:VID:PID|:INDEX], tcp:HOST:PORT, unix:PATH, or sim[:zephyr][,strict] (default: $TSBLE_TRANSPORT, else sim, the embedded virtual controller, private to this process)',
  },
  'bond-store': {
    value: 'FILE',
    file: true,
    description: 'bond store (default: $TSBLE_BOND_STORE, else ./ble_secrets.json)',
  },
  address: {
    value: 'ADDR',
    description:
      'own static random address, XX:XX:XX:XX:XX:XX or XX:XX:XX:XX:XX:XX/random (top two bits set: C0-FF first)',
  },
  timeout: { value: 'S', description: '' }, // each command says what it limits
  btsnoop: {
    value: 'FILE',
    file: true,
    description:
      'capture every HCI packet (opens in Wireshark and btmon); created with mode 0600, as it holds the link keys',
  },
  json: { description: 'one JSON object per line on stdout, each with an "event" field' },
  'log-level': {
    value: 'LEVEL',
    choices: LOG_LEVELS,
    description: `${LOG_LEVELS.join('|')} (logs go to stderr; default warn): readable lines, or pino's JSON lines with --json or when stderr is not a terminal and --log-level is given`,
  },
} as const satisfies Record<string, OptionSpec>;

export type CommonOption = keyof typeof commonOptions;

export const pairingOptions = {
  io: {
    value: 'CAP',
    choices: IO_CAPABILITIES,
    description: `${IO_CAPABILITIES.join('|')} (default none)`,
  },
  mitm: { description: 'require MITM protection (an authenticated pairing)' },
  legacy: { description: 'no LE Secure Connections (legacy pairing)' },
  'sc-only': { description: 'refuse legacy pairing' },
  'no-bond': { description: 'do not store keys' },
  passkey: {
    value: 'N',
    description: 'the passkey to show, or to type instead of being asked (not with --io none)',
  },
  yes: {
    description:
      'confirm numeric comparison without asking (needs --io display-yesno or keyboard-display, not --legacy)',
  },
  'min-key-size': { value: 'N', description: 'smallest acceptable encryption key size, 7..16 (default 16)' },
  'bond-replacement': {
    value: 'proven|never|ask',
    description:
      'when a device that is bonded pairs again at no lower strength: proven (default) replaces its bond if it paired from its identity address or an RPA of its stored IRK; never refuses until the bond is forgotten; ask asks each time (y/n on the terminal or one line on stdin; no answer refuses)',
  },
  'show-keys': { description: 'include the LTK in the paired event' },
  oob: {
    value: 'FILE',
    file: true,
    description:
      "out-of-band pairing: when FILE exists, use the peer's OOB data (or legacy TK) in it; otherwise make ours and write it there (mode 0600) for the peer to read",
  },
} as const satisfies Record<string, OptionSpec>;

export interface CommandSpec {
  summary: string;
  /** What follows the command name in its usage line, `ADDRESS UUID`; `[X]` marks an optional one. */
  arguments: string;
  /** The paragraph(s) of `tsble COMMAND --help` above the options. */
  description: string;
  /** The command's own options. */
  options?: Record<string, OptionSpec>;
  /** Takes the pairing options. */
  pairing?: boolean;
  common: readonly CommonOption[];
  /** What --timeout S means for this command, when it takes it. */
  timeout?: string;
  load(): Promise<CliCommand>;
}

const HOST_COMMON = [
  'transport',
  'bond-store',
  'address',
  'timeout',
  'btsnoop',
  'json',
  'log-level',
] as const;
const PEER_TIMEOUT = 'the limit on the whole operation, connecting included (default 30)';
const ADDRESS_TEXT =
  'ADDRESS is XX:XX:XX:XX:XX:XX, optionally with /public or /random (without it, tsble scans to learn it).';

/** Every command, in the order `tsble help` lists them. */
export const commandSpecs: Record<string, CommandSpec> = {
  info: {
    summary: 'controller identity: address, HCI version, manufacturer, LE buffers, features',
    arguments: '',
    description: `Resets the controller and reports its address, HCI version, manufacturer, LE ACL buffers and LE features.
Exits 3 with the likely fixes when nothing answers HCI Reset (wrong port, wrong baud rate, no controller firmware).
Reads the bond store only to show the address the other commands use; never writes it.`,
    common: ['transport', 'bond-store', 'address', 'btsnoop', 'json', 'log-level'],
    load: async () => (await import('./commands/info.js')).info,
  },
  sim: {
    summary: 'serve the virtual controller to other processes (until SIGINT/SIGTERM)',
    arguments: '',
    description: `Every client that connects gets its own virtual LE controller, speaking H4; all share one simulated air, so
they can advertise, scan, connect, exchange data and encrypt. Prints a "ready" event once listening.
Each client gets the next public address (00:54:53:42:4C:01, :02, …), so a tsble process that connects again
is a new device to its peers: give it --address (a static random address) to keep bonds across runs, or give
sim --addresses. A unix PATH must be free or hold the socket of a sim that died (nothing accepts on it): a
file, a directory or a running server's socket there is left alone and sim exits 2. On exit sim removes its
socket, unless something else has replaced it.`,
    options: {
      listen: {
        required: true,
        value: 'unix:PATH|tcp:PORT',
        description: 'where to listen: unix:PATH, tcp:PORT or tcp:HOST:PORT (required)',
      },
      zephyr: {
        description:
          "controllers behave like Zephyr's (all-zero public address, manufacturer 0x05F1, vendor commands)",
      },
      strict: {
        description: 'one command credit and three 27-octet ACL buffers; host overruns are logged as errors',
      },
      addresses: {
        value: 'A,B,...',
        description:
          'public addresses for the clients, XX:XX:XX:XX:XX:XX each: a client gets the first one free (so one that connects again is the same device to its peers), then the default sequence',
      },
      btsnoop: {
        value: 'FILE',
        file: true,
        description:
          "record every client's HCI as the controller saw it (one index per client); created with mode 0600, as it holds the link keys",
      },
      interval: {
        value: 'MS|link|instant',
        description:
          'links deliver data at connection events every MS milliseconds (7.5..4000), or every negotiated interval (link), or at once (instant, the default; TSBLE_SIM_INTERVAL_MS sets it too)',
      },
    },
    common: ['json', 'log-level'],
    load: async () => (await import('./commands/sim.js')).sim,
  },
  scan: {
    summary: 'advertising reports: names, services, bonded peers recognised behind their private addresses',
    arguments: '',
    description: `Scans for S seconds (default 10; Ctrl-C stops sooner), printing one line (or an "adv" event) per device, and
again when what it advertises changes: name, services, manufacturer data (company id and hex), TX power and
appearance. Bonded peers behind a private address show their identity. Filters combine (all must match).`,
    options: {
      duplicates: { description: 'report every advertising packet' },
      passive: { description: 'do not ask for scan responses' },
      name: { value: 'TEXT', description: 'only devices whose name contains TEXT (any case)' },
      service: { value: 'UUID', description: 'only devices advertising service UUID (180f or 128-bit)' },
      peer: {
        value: 'ADDR',
        description:
          'only this device: XX:XX:XX:XX:XX:XX[/public|/random], or a bonded identity behind its private addresses',
      },
      'min-rssi': { value: 'DBM', description: 'only reports at least this strong, like -70' },
    },
    common: HOST_COMMON,
    timeout: 'how long to scan (default 10)',
    load: async () => (await import('./commands/scan.js')).scan,
  },
  serve: {
    summary: 'connectable peripheral with the demo GATT service (until Ctrl-C, or --timeout)',
    arguments: '',
    description: `Advertises as N (default "tsble") with the demo service b1e50000-3c9b-4e7a-9f1d-5e2a7c4d8b00: an open, an
encryption-required, an authentication-required, an encrypted-write and an encrypted-notify characteristic
(a counter, once a second). Answers whatever pairing a central starts; bonds are kept in the bond store.
On the default transport (sim) the controller is private to this process: to reach it from another terminal,
run tsble sim --listen unix:/tmp/tsble.sock and give --transport unix:/tmp/tsble.sock to both.`,
    options: {
      name: { value: 'N', description: 'advertised name' },
      'security-request': {
        description: 'ask each central to pair (SMP Security Request) when it connects',
      },
      privacy: {
        description:
          'advertise from a resolvable private address (a new one every 15 minutes), not the identity address',
      },
    },
    pairing: true,
    common: HOST_COMMON,
    timeout: 'serve for S seconds, then stop (exit 0); default: until Ctrl-C',
    load: async () => (await import('./commands/serve.js')).serve,
  },
  pair: {
    summary: 'connect to ADDRESS, pair (and bond), report, disconnect',
    arguments: 'ADDRESS',
    description: `${ADDRESS_TEXT}
Events: connected, pairing-request, passkey-display, passkey-request, numeric-comparison, paired or
pairing-failed, disconnected. Exit 0 when paired, 1 when pairing failed or the device did not answer.`,
    pairing: true,
    common: HOST_COMMON,
    timeout: PEER_TIMEOUT,
    load: async () => (await import('./commands/pair.js')).pair,
  },
  read: {
    summary:
      'connect to ADDRESS and read characteristic UUID (encrypting from the bond, or pairing, when needed)',
    arguments: 'ADDRESS UUID',
    description: `Connects, encrypts from the bond when there is one, and reads the characteristic UUID (16-bit like 2a00 or
128-bit). When the server answers Insufficient Encryption or Authentication, pairs and retries once. A peer
that lost the bond is reported, never silently re-paired. ${ADDRESS_TEXT}
Events: connected, encrypted, paired, read (or notification), disconnected. Exit 0 when read, 1 on failure.`,
    options: {
      notify: {
        description:
          'subscribe instead of reading: one line (a "notification" event) per value, until Ctrl-C (--timeout then limits only connecting and subscribing)',
      },
      count: {
        value: 'N',
        description: 'with --notify: stop after N values (exit 1 if the link drops before)',
      },
    },
    pairing: true,
    common: HOST_COMMON,
    timeout: PEER_TIMEOUT,
    load: async () => (await import('./commands/read.js')).read,
  },
  write: {
    summary: 'connect to ADDRESS and write VALUE to characteristic UUID (pairing when needed, as read does)',
    arguments: 'ADDRESS UUID VALUE',
    description: `Connects, encrypts from the bond when there is one, and writes VALUE to the characteristic UUID; pairs and
retries once when the server answers Insufficient Encryption or Authentication. ${ADDRESS_TEXT}
Events: connected, encrypted, paired, written, disconnected. Exit 0 when written, 1 on failure.`,
    options: {
      text: { description: 'VALUE is text, written as UTF-8 (the default)' },
      hex: { description: 'VALUE is hex octets, like 0102ff or "01 02 ff"' },
      'without-response': {
        description: 'Write Without Response (no confirmation; cannot pair on a refusal)',
      },
    },
    pairing: true,
    common: HOST_COMMON,
    timeout: PEER_TIMEOUT,
    load: async () => (await import('./commands/write.js')).write,
  },
  gatt: {
    summary: 'connect to ADDRESS and dump its services, characteristics and descriptors',
    arguments: 'ADDRESS',
    description: `Discovers every service, characteristic and descriptor. ${ADDRESS_TEXT}
With --json, one "service", "characteristic" or "descriptor" event per attribute, then "disconnected";
with --values, each readable characteristic's event carries its value (or the ATT error that refused it).`,
    options: {
      values: {
        description:
          'also read every readable value; one the peer refuses is shown with its ATT error, and the dump goes on',
      },
    },
    common: HOST_COMMON,
    timeout: PEER_TIMEOUT,
    load: async () => (await import('./commands/gatt.js')).gatt,
  },
  bonds: {
    summary: 'list the bond store, or forget one peer (or all)',
    arguments: '[list | forget ADDRESS | forget --all]',
    description: `Reads the bond store without touching any controller. ADDRESS is the identity address with its type, as
listed (F0:F1:F2:F3:F4:F5/random). With --json, one "bond" event per bond, then a "bonds" event with the
count (0 when there are none). Forgetting from a bond store that does not exist is an error (exit 1).`,
    options: { all: { description: 'with forget: remove every bond (our own identity is kept)' } },
    common: ['bond-store', 'json'],
    load: async () => (await import('./commands/bonds.js')).bonds,
  },
  demo: {
    summary:
      'two devices on the embedded virtual controller pair with a passkey, bond, reconnect encrypted and read an authenticated value',
    arguments: '',
    description: `Runs entirely in this process on the embedded virtual controller (no hardware, no --transport): a "sensor"
with a display serves the demo service; a "phone" with a keyboard finds it, pairs with LE Secure Connections
Passkey Entry (the sensor shows a passkey, the phone asks for it; the demo types it), bonds, disconnects,
reconnects encrypted from the bond without pairing again, and reads the authenticated value. The two bond
files (mode 0600) are left in a new temporary directory, named in the output, for inspection. Exit 0 when
every step worked.`,
    common: ['json', 'log-level'],
    load: async () => (await import('./commands/demo.js')).demo,
  },
  completion: {
    summary: 'print a shell completion script: tsble completion bash|zsh',
    arguments: 'bash|zsh',
    description: `Prints a completion script for bash or zsh. To use it now: source <(tsble completion bash). To keep it,
add that line to ~/.bashrc (for zsh: source <(tsble completion zsh) in ~/.zshrc).`,
    common: [],
    load: async () => (await import('./commands/completion.js')).completion,
  },
};

/** How many positional arguments a command takes at most. */
export function maxArguments(spec: CommandSpec): number {
  if (spec.arguments.startsWith('[list')) return 2;
  return spec.arguments.split(' ').filter((word) => word !== '' && !word.startsWith('--')).length;
}

/** Every option a command takes, its own first, then pairing, then the common ones. */
export function optionsOf(spec: CommandSpec): [string, OptionSpec, string][] {
  const own = Object.entries(spec.options ?? {}).map(([n, o]): [string, OptionSpec, string] => [
    n,
    o,
    'Options:',
  ]);
  const pairing = spec.pairing
    ? Object.entries(pairingOptions).map(([n, o]): [string, OptionSpec, string] => [n, o, 'Pairing options:'])
    : [];
  const common = spec.common.map((n): [string, OptionSpec, string] => {
    const o: OptionSpec = commonOptions[n];
    return [n, n === 'timeout' ? { ...o, description: spec.timeout ?? '' } : o, 'Common options:'];
  });
  return [...own, ...pairing, ...common];
}

/** Which commands take option `name` (for "does not apply" messages). */
export function commandsTaking(name: string): string[] {
  return Object.entries(commandSpecs)
    .filter(([, spec]) => optionsOf(spec).some(([n]) => n === name))
    .map(([command]) => command);
}

/** Every option name any command takes, with whether it takes a value. */
export function allOptions(): Map<string, boolean> {
  const all = new Map<string, boolean>();
  for (const spec of Object.values(commandSpecs))
    for (const [name, option] of optionsOf(spec)) all.set(name, option.value !== undefined);
  return all;
}
