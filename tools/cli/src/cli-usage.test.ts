/**
 * How tsble is called: per-command help with only the options that apply, "did you mean", usage errors that
 * name the option (exit 2, no parser text), shell completion, and a start-up that imports no part of the stack
 * before a command runs. The built CLI, run as a process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainJs } from './commands/e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-usage-'));

function tsble(
  args: string[],
  options: { nodeArgs?: string[]; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), mainJs, ...args], {
      env: { ...process.env, TSBLE_TRANSPORT: '', TSBLE_BOND_STORE: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The long options a help text lists. */
const optionsIn = (help: string) =>
  new Set([...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]));

const COMMANDS = [
  'info',
  'sim',
  'scan',
  'serve',
  'pair',
  'read',
  'write',
  'gatt',
  'bonds',
  'demo',
  'completion',
];

describe('help', () => {
  it('lists every command; tsble help COMMAND and COMMAND --help are the same, exit 0', async () => {
    const root = await tsble(['--help']);
    expect(root.code).toBe(0);
    for (const command of COMMANDS) expect(root.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    expect(root.stdout).toMatch(/Exit status: 0 done, 1 .*2 usage, 3 transport/s);
    const a = await tsble(['help', 'read']);
    const b = await tsble(['read', '--help']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^Usage: tsble read ADDRESS UUID \[options\]/);
  });

  it('shows only the options a command takes', async () => {
    const pair = optionsIn((await tsble(['help', 'pair'])).stdout);
    for (const o of ['--io', '--passkey', '--yes', '--oob', '--transport', '--bond-store', '--timeout'])
      expect(pair).toContain(o);
    for (const o of ['--listen', '--duplicates', '--security-request', '--notify', '--all'])
      expect(pair).not.toContain(o);
    const demo = optionsIn((await tsble(['help', 'demo'])).stdout);
    expect([...demo].sort()).toEqual(['--help', '--json', '--log-level']);
    const sim = optionsIn((await tsble(['help', 'sim'])).stdout);
    expect(sim).toContain('--listen');
    expect(sim).not.toContain('--transport');
    expect(sim).toContain('--btsnoop'); // sim's own: every client's HCI as the controller saw it
    const serve = optionsIn((await tsble(['help', 'serve'])).stdout);
    expect(serve).toContain('--security-request');
    const bonds = optionsIn((await tsble(['help', 'bonds'])).stdout);
    expect([...bonds].sort()).toEqual(['--all', '--bond-store', '--help', '--json']);
  });

  it('--log-level lists every pino level, fatal included', async () => {
    expect((await tsble(['help', 'scan'])).stdout).toMatch(/trace\|debug\|info\|warn\|error\|fatal\|silent/);
  });
});

describe('usage errors: exit 2, naming what was wrong, in words', () => {
  const parserText = /ERR_PARSE_ARGS|To specify a positional|^error:|commander/im;

  it('an unknown option, with a near one suggested', async () => {
    const r = await tsble(['info', '--transprt', 'sim']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'tsble: unknown option --transprt for tsble info (did you mean --transport?); see tsble info --help\n',
    );
  });

  it('an unknown command, with a near one suggested', async () => {
    const r = await tsble(['scna']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tsble: unknown command "scna" \(did you mean scan\?\)/);
    expect((await tsble(['help', 'sevre'])).stderr).toMatch(/did you mean serve\?/);
  });

  it.each([
    [['demo', '--btsnoop', 'x.btsnoop'], /tsble demo does not take --btsnoop/],
    [['demo', '--transport', 'serial:/dev/ttyNOPE'], /tsble demo does not take --transport/],
    [['sim', '--listen', 'tcp:0', '--btsnoop', tmpdir()], /--btsnoop .* is a directory/],
    [['sim', '--listen', 'tcp:0', '--addresses', 'nope'], /--addresses: "nope" is not an address/],
    [
      ['pair', 'F0:F1:F2:F3:F4:F5/random', '--security-request'],
      /pair does not take --security-request.*serve/,
    ],
    [
      ['read', 'F0:F1:F2:F3:F4:F5/random', '2a00', '--security-request'],
      /read does not take --security-request/,
    ],
    [['info', '--transport'], /--transport needs a value \(SPEC\)/],
    [['info', '--timeout', '5'], /tsble info does not take --timeout/],
  ])('%j', async (args, message) => {
    const r = await tsble(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(parserText);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('with --json the usage error is an error event with code usage on stdout', async () => {
    const r = await tsble(['info', '--json', '--frob']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ event: 'error', code: 'usage' });
  });

  it('--version prints the version, also as a JSON event', async () => {
    expect((await tsble(['--version'])).stdout).toMatch(/^tsble \d+\.\d+\.\d+\n$/);
    expect(JSON.parse((await tsble(['--version', '--json'])).stdout)).toMatchObject({ event: 'version' });
  });
});

describe('tsble completion', () => {
  it('bash: a script bash accepts, completing commands, a command’s own options and option values', async () => {
    const r = await tsble(['completion', 'bash']);
    expect(r.code).toBe(0);
    const script = join(dir, 'tsble.bash');
    writeFileSync(script, r.stdout);
    execFileSync('bash', ['-n', script]);
    const complete = (words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `source "${script}"; COMP_WORDS=(${words.map((w) => `"${w}"`).join(' ')}); COMP_CWORD=${words.length - 1}; _tsble; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
    expect(complete(['tsble', ''])).toEqual(expect.arrayContaining([...COMMANDS, 'help']));
    expect(complete(['tsble', 'se'])).toEqual(['serve']);
    const serveOptions = complete(['tsble', 'serve', '--']);
    expect(serveOptions).toContain('--security-request');
    expect(serveOptions).not.toContain('--listen');
    expect(complete(['tsble', 'pair', 'X', '--io', 'key'])).toEqual(['keyboard', 'keyboard-display']);
    expect(complete(['tsble', 'scan', '--log-level', 'f'])).toEqual(['fatal']);
  });

  it('zsh: lists the commands (checked with zsh -n when zsh is installed)', async () => {
    const r = await tsble(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#compdef tsble/);
    for (const command of COMMANDS) expect(r.stdout).toContain(`'${command}:`);
    const script = join(dir, '_tsble');
    writeFileSync(script, r.stdout);
    try {
      execFileSync('which', ['zsh'], { stdio: 'ignore' });
    } catch {
      return console.warn('zsh not installed: the zsh script was not syntax-checked');
    }
    execFileSync('zsh', ['-n', script]);
  });

  it('an unknown shell is a usage error', async () => {
    const r = await tsble(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give bash or zsh/);
  });
});

describe('start-up', () => {
  it('--version, --help and help COMMAND import nothing of the stack (no host, transports, pino)', async () => {
    const log = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module'; register(${JSON.stringify(`file://${hooks}`)});`,
    );
    for (const args of [['--version'], ['--help'], ['help', 'pair'], ['serve', '--help']]) {
      writeFileSync(log, '');
      const r = await tsble(args, { nodeArgs: ['--import', register] });
      expect(r.code).toBe(0);
      const loaded = readFileSync(log, 'utf8');
      expect(loaded).toContain('/dist/main.js');
      // The build bundles the CLI (build.mjs): the stack lives in the commands' chunks, loaded only when a
      // command runs; nothing may come from the workspace packages' own files or the native addons either.
      expect(loaded).not.toMatch(
        /packages\/(host|hci-transport|smp-core|virtual-controller)|serialport|\/usb\/|\/chunks\/(info|scan|serve|pair|read|write|gatt|bonds|sim|demo)-/,
      );
    }
  });
});
