/**
 * tsble on a terminal: the spinner, the passkey prompt (a typo gets another chance), readable logs. `script`
 * (util-linux) gives the child a pseudo-terminal; without it these tests are skipped.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, launch, mainJs } from './e2e-helpers.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tsble-terminal-'));
const socket = join(dir, 'sim.sock');
const transport = ['--transport', `unix:${socket}`];
/** What the spinner writes to take its line back: carriage return, erase line. */
const CLEAR_LINE = '\r\u001b[2K';

function hasScript(): boolean {
  try {
    execFileSync('which', ['script'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface OnTerminal {
  child: ChildProcess;
  /** Everything the terminal showed so far. */
  text(): string;
  until(pattern: RegExp): Promise<void>;
  exit: Promise<number>;
}

/** Runs tsble with stdin, stdout and stderr on one pseudo-terminal. */
function onTerminal(args: string[]): OnTerminal {
  const quoted = [process.execPath, mainJs, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', quoted, '/dev/null'], {
    env: { ...process.env, TSBLE_TRANSPORT: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let seen = '';
  const listeners: (() => void)[] = [];
  child.stdout?.on('data', (d) => {
    seen += d;
    for (const l of [...listeners]) l();
  });
  return {
    child,
    text: () => seen,
    until: (pattern) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} on the terminal: ${seen}`)), 20_000);
        const check = () => {
          if (!pattern.test(seen)) return;
          clearTimeout(timer);
          listeners.splice(listeners.indexOf(check), 1);
          resolve();
        };
        listeners.push(check);
        check();
      }),
    exit: new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1))),
  };
}

beforeAll(async () => {
  await launch(['sim', '--listen', `unix:${socket}`]).waitFor('ready');
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

describe.skipIf(!hasScript())('on a terminal', { timeout: 40_000 }, () => {
  it('the passkey prompt asks again after a typo, and the pairing then succeeds', async () => {
    const serve = launch([
      'serve',
      '--io',
      'display',
      '--mitm',
      '--address',
      'C8:00:00:00:00:01',
      ...transport,
      '--bond-store',
      join(dir, 'serve.json'),
    ]);
    const address = (await serve.waitFor('ready')).address as string;
    const pair = onTerminal([
      'pair',
      address,
      '--io',
      'keyboard',
      '--mitm',
      ...transport,
      '--bond-store',
      join(dir, 'pair.json'),
      '--address',
      'C9:00:00:00:00:01',
    ]);
    await pair.until(/Passkey shown on the other device: /);
    pair.child.stdin?.write('12ab\n');
    await pair.until(/"12ab" is not a passkey: type the 6 digits/);
    const passkey = (await serve.waitFor('passkey-display')).passkey as string;
    pair.child.stdin?.write(`${passkey}\n`);
    expect(await pair.exit).toBe(0);
    expect(pair.text()).toMatch(/paired with C8:00:00:00:00:01\/random: passkey-entry/);
  });

  it('the numeric comparison prompt asks again after a typo instead of taking it as no', async () => {
    const serve = launch([
      'serve',
      '--io',
      'display-yesno',
      '--yes',
      '--address',
      'C8:00:00:00:00:03',
      ...transport,
      '--bond-store',
      join(dir, 'serve-nc.json'),
    ]);
    const address = (await serve.waitFor('ready')).address as string;
    const pair = onTerminal([
      'pair',
      address,
      '--io',
      'display-yesno',
      '--mitm',
      ...transport,
      '--bond-store',
      join(dir, 'pair-nc.json'),
      '--address',
      'C9:00:00:00:00:03',
    ]);
    await pair.until(/Confirm the numbers match \[y\/N\]: /);
    pair.child.stdin?.write('yse\n');
    await pair.until(/"yse" is not an answer: type y if the numbers match, n if not/);
    pair.child.stdin?.write('y\n');
    expect(await pair.exit).toBe(0);
    expect(pair.text()).toMatch(/paired with C8:00:00:00:00:03\/random: numeric-comparison/);
  });

  it('shows a spinner while connecting; readable logs even with --log-level; none of it with --json', async () => {
    const serve = launch([
      'serve',
      '--address',
      'C8:00:00:00:00:02',
      ...transport,
      '--bond-store',
      join(dir, 's2.json'),
    ]);
    const address = (await serve.waitFor('ready')).address as string;
    const args = ['gatt', address, ...transport, '--bond-store', join(dir, 'g.json'), '--log-level', 'info'];
    const human = onTerminal(args);
    expect(await human.exit).toBe(0);
    expect(human.text()).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] connecting to C8:00:00:00:00:02\/random/);
    expect(human.text()).toContain(CLEAR_LINE);
    expect(human.text()).toMatch(/ info +hci +/);
    expect(human.text()).not.toMatch(/\{"level"/);
    const json = onTerminal([...args, '--json']);
    expect(await json.exit).toBe(0);
    expect(json.text()).not.toContain(CLEAR_LINE);
    expect(json.text()).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(json.text()).toMatch(/\{"level":30/);
  });
});
