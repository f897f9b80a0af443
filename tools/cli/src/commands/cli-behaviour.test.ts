/**
 * Options that apply do something and the rest are refused; serve keeps serving; the embedded controller's
 * privacy is explained; a reader that stops early ends the command quietly; commands that need no bond store
 * leave none behind. The built CLI as processes, over a `tsble sim --listen` socket where two must meet.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, event, launch, mainJs, run } from './e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-behaviour-'));
const socket = join(dir, 'sim.sock');
const transport = ['--transport', `unix:${socket}`];
const store = (name: string) => ['--bond-store', join(dir, `${name}.json`)];
let serveAddress = '';

/** tsble without --json: status, stdout, stderr and how long it ran. */
function human(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainJs, ...args], {
      env: { ...process.env, TSBLE_TRANSPORT: '', TSBLE_BOND_STORE: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Runs `tsble ARGS | head -n LINES` in bash: tsble's own exit status, its stderr, what head printed. */
function piped(
  args: string[],
  lines: number,
): Promise<{ code: number; stderr: string; stdout: string; ms: number }> {
  const quoted = [mainJs, ...args].map((a) => `'${a}'`).join(' ');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      'bash',
      ['-c', `"${process.execPath}" ${quoted} 2>"$ERR" | head -n ${lines}; echo "status=\${PIPESTATUS[0]}"`],
      { env: { ...process.env, TSBLE_TRANSPORT: '', ERR: join(dir, 'piped.err') } },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', async () => {
      const { readFileSync } = await import('node:fs');
      resolve({
        code: Number(/status=(\d+)/.exec(stdout)?.[1] ?? -1),
        stderr: readFileSync(join(dir, 'piped.err'), 'utf8'),
        stdout: stdout.replace(/status=\d+\n$/, ''),
        ms: Date.now() - started,
      });
    });
  });
}

beforeAll(async () => {
  await launch(['sim', '--listen', `unix:${socket}`]).waitFor('ready');
  const serve = launch(['serve', '--name', 'behaviour', ...transport, ...store('serve')]);
  serveAddress = (await serve.waitFor('ready')).address as string;
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

describe('options that cannot apply are usage errors (exit 2) naming the option', { timeout: 30_000 }, () => {
  it.each([
    [['info', '--transport', 'sim:weird'], /--transport sim:weird: sim takes only zephyr and strict/],
    [
      ['info', '--address', 'C2:00:00:00:00:07/public'],
      /--address C2:00:00:00:00:07\/public: .*static random/,
    ],
    [['info', '--address', '12:00:00:00:00:07'], /top two bits/],
    [['info', '--btsnoop', dir], /--btsnoop .* is a directory; give a file name/],
    [['bonds', '--bond-store', dir], /--bond-store .* is a directory; give a file name/],
    [['pair', 'F0:F1:F2:F3:F4:F5/random', '--passkey', '123456'], /--passkey cannot apply with --io none/],
    [
      ['pair', 'F0:F1:F2:F3:F4:F5/random', '--io', 'display', '--yes'],
      /--yes cannot apply with --io display/,
    ],
    [
      ['serve', '--io', 'display-yesno', '--yes', '--legacy', '--timeout', '1'],
      /--yes cannot apply with --legacy/,
    ],
    [['scan', '--min-rssi', 'loud'], /--min-rssi must be/],
    [['scan', '--service', 'battery'], /--service battery is not a UUID/],
  ])('%j', async (args, message) => {
    const r = await human(args.includes('--bond-store') ? args : [...args, ...store('usage')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('TSBLE_TRANSPORT and TSBLE_BOND_STORE are checked like the options, only by commands that take them', async () => {
    const bad = await human(['info'], { env: { TSBLE_TRANSPORT: 'sim:weird' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/TSBLE_TRANSPORT=sim:weird/);
    expect((await human(['bonds', ...store('env')], { env: { TSBLE_TRANSPORT: 'sim:weird' } })).code).toBe(0);
    const dirStore = await human(['bonds'], { env: { TSBLE_BOND_STORE: dir } });
    expect(dirStore.code).toBe(2);
    expect(dirStore.stderr).toMatch(/TSBLE_BOND_STORE=.* is a directory/);
    expect((await human(['completion', 'bash'], { env: { TSBLE_BOND_STORE: dir } })).code).toBe(0);
  });

  it('--address takes the /random that tsble prints', async () => {
    const { code, events } = await run([
      'info',
      '--transport',
      'sim',
      '--address',
      'C2:00:00:00:00:07/random',
    ]);
    expect(code).toBe(0);
    expect(String(event(events, 'info')?.addressDescription)).toMatch(
      /use --address C2:00:00:00:00:07 instead/,
    );
  });
});

describe('serve keeps serving, and says how to share the embedded controller', { timeout: 30_000 }, () => {
  it('on the default transport serves until --timeout, exit 0, with the sharing hint on stderr', async () => {
    const r = await human(['serve', '--timeout', '2', ...store('serve-sim')]);
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(1900);
    expect(r.stdout).toMatch(/advertising the demo service \(for 2 s, Ctrl-C to stop\)/);
    expect(r.stderr).toMatch(
      /private to this process.*tsble sim --listen unix:\/tmp\/tsble\.sock.*--transport unix:\/tmp\/tsble\.sock/s,
    );
  });

  it('with --json: no hint, only events; SIGTERM ends it with exit 0', async () => {
    const serving = launch(['serve', ...store('serve-json')]);
    await serving.waitFor('advertising');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(serving.child.exitCode).toBeNull(); // still serving, not gone after half a second
    const exited = new Promise((resolve) => serving.child.on('exit', resolve));
    serving.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('scan on the default transport that sees nobody ends with the hint (human mode only)', async () => {
    const r = await human(['scan', '--timeout', '1', ...store('scan-sim')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('0 reports\n');
    expect(r.stderr).toMatch(/^nobody seen: .*tsble sim --listen/);
    const json = await run(['scan', '--timeout', '1', ...store('scan-sim')]);
    expect(json.events).toEqual([]);
  });
});

describe('a peer not found on the embedded controller', { timeout: 30_000 }, () => {
  it('pair on the default transport: exit 1, and the hint that sim is private to the process', async () => {
    const r = await human(['pair', 'C0:00:00:00:00:09/random', '--timeout', '1', ...store('pair-sim')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no device C0:00:00:00:00:09\/random answered/);
    expect(r.stderr).toMatch(/^note: .*private to this process/m);
    const shared = await human([
      'pair',
      'C0:00:00:00:00:09/random',
      '--timeout',
      '1',
      ...transport,
      ...store('pair-socket'),
    ]);
    expect(shared.code).toBe(1);
    expect(shared.stderr).not.toMatch(/private to this process/);
  });
});

describe('a reader that stops early', { timeout: 30_000 }, () => {
  it('scan --duplicates | head -n 1: exit 0, nothing on stderr, stops at once', async () => {
    const r = await piped(
      ['scan', '--duplicates', '--timeout', '20', ...transport, ...store('pipe-scan')],
      1,
    );
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('gatt --json | head -n 1: exit 0, nothing on stderr', async () => {
    const r = await piped(['gatt', serveAddress, '--json', ...transport, ...store('pipe-gatt')], 1);
    expect(JSON.parse(r.stdout)).toMatchObject({ event: 'connected' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('commands that need no bond store leave none behind', { timeout: 30_000 }, () => {
  it.each([
    [['info']],
    [['scan', '--timeout', '1']],
    [['scan', '--timeout', '1', ...transport]],
    [['bonds']],
    [['help']],
    [['completion', 'bash']],
  ])('%j in an empty directory', async (args) => {
    const cwd = join(dir, `cwd-${Math.random().toString(36).slice(2)}`);
    mkdirSync(cwd);
    const r = await human(args, { cwd });
    expect(r.code).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('sim too', async () => {
    const cwd = join(dir, 'cwd-sim');
    mkdirSync(cwd);
    const sim = spawn(process.execPath, [mainJs, 'sim', '--listen', 'tcp:127.0.0.1:0'], { cwd });
    children.push(sim);
    await new Promise((resolve) => sim.stdout.once('data', resolve));
    sim.kill('SIGTERM');
    await new Promise((resolve) => sim.on('exit', resolve));
    expect(readdirSync(cwd)).toEqual([]);
  });
});
