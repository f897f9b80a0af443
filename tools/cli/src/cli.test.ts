import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const mainJs = new URL('../dist/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tsble-cli-'));
const children: ChildProcess[] = [];

function has(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs tsble to completion. */
function tsble(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainJs, ...args], {
      env: { ...process.env, TSBLE_TRANSPORT: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts a long-running process and resolves once `ready` matches its output. */
function start(
  command: string,
  args: string[],
  ready: RegExp,
  onOutput?: (text: string) => void,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    children.push(child);
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d;
      onOutput?.(String(d));
      if (ready.test(seen)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}) before ready: ${seen}`)));
  });
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 20));
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

describe('tsble info', { timeout: 30_000 }, () => {
  it('reports the embedded virtual controller', async () => {
    const r = await tsble(['info']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/HCI version\s+5\.4/);
    expect(r.stdout).toMatch(/LE buffers\s+8 x 251 octets/);
  });

  it('--json prints one info event line', async () => {
    const r = await tsble(['info', '--json', '--transport', 'sim']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0] ?? '{}');
    expect(event).toMatchObject({
      event: 'info',
      addressType: 'public',
      leAclDataPacketLength: 251,
      leAclDataPacketCount: 8,
    });
  });

  it('takes the transport from TSBLE_TRANSPORT', async () => {
    const r = await tsble(['info', '--json'], { TSBLE_TRANSPORT: 'sim:zephyr' });
    expect(JSON.parse(r.stdout)).toMatchObject({ manufacturer: 0x05f1, addressSource: 'zephyr-static' });
  });

  it('exits 2 on an unknown command, an unknown option or a bad transport spec', async () => {
    expect((await tsble(['frobnicate'])).code).toBe(2);
    const unknownOption = await tsble(['info', '--frob']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/--frob/);
    const badSpec = await tsble(['info', '--transport', 'carrier-pigeon:1']);
    expect(badSpec.code).toBe(2);
    expect(badSpec.stderr).toMatch(/unknown scheme/);
    expect((await tsble([])).code).toBe(2);
  });

  it('prints help with exit 0', async () => {
    const r = await tsble(['info', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: tsble info/);
    expect(r.stdout).toMatch(/--transport SPEC/);
  });

  it('captures a btsnoop file that tshark and btmon open', async () => {
    const file = join(dir, 'info.btsnoop');
    expect((await tsble(['info', '--btsnoop', file])).code).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(16);
    if (!has('tshark') || !has('btmon'))
      return console.warn('skipping the tshark/btmon check: not installed');
    const tshark = execFileSync('tshark', ['-r', file], { encoding: 'utf8' });
    expect(tshark).toMatch(/Rcvd Command Complete \(Reset\)|Reset/);
    // The whole start-up: its 8 commands and their answers, at least.
    expect(tshark.trim().split('\n').length).toBeGreaterThanOrEqual(16);
    const btmon = execFileSync('btmon', ['-r', file], { encoding: 'utf8' });
    expect(btmon).toMatch(/< HCI Command: Reset \(0x03\|0x0003\)/);
    expect(btmon).toMatch(/> HCI Event: Command Complete \(0x0e\)/);
    expect(btmon).toMatch(/LE Read Buffer Size/);
  });
});

describe('tsble sim and the serial path', { timeout: 30_000 }, () => {
  it('serves controllers on a unix socket; info over it; stops on SIGTERM', async () => {
    const socket = join(dir, 'sim.sock');
    const sim = await start(
      process.execPath,
      [mainJs, 'sim', '--json', '--listen', `unix:${socket}`],
      /"event":"ready"/,
    );
    const r = await tsble(['info', '--json', '--transport', `unix:${socket}`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ event: 'info', transport: `unix:${socket}` });
    const exited = new Promise<number | null>((resolve) => sim.on('exit', resolve));
    sim.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20_000);

  it('serves Zephyr-personality controllers over TCP', async () => {
    let seen = '';
    const sim = await start(
      process.execPath,
      [mainJs, 'sim', '--json', '--zephyr', '--listen', 'tcp:127.0.0.1:0'],
      /"event":"ready".*\n/,
      (d) => {
        seen += d;
      },
    );
    const ready = JSON.parse(seen.trim().split('\n')[0] ?? '{}');
    expect(ready.listen).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    const r = await tsble(['info', '--json', '--transport', ready.listen]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      manufacturer: 0x05f1,
      addressType: 'random',
      addressSource: 'zephyr-static',
    });
    sim.kill('SIGTERM');
  });

  it('opens a pseudo-terminal bridged by socat to `tsble sim` with the serial transport', async () => {
    if (!has('socat'))
      return console.warn('skipping the serial path: socat is not installed (apt-get install socat)');
    const socket = join(dir, 'sim-serial.sock');
    const pty = join(dir, 'tty-sim');
    await start(process.execPath, [mainJs, 'sim', '--json', '--listen', `unix:${socket}`], /"event":"ready"/);
    const bridge = spawn('socat', [`pty,link=${pty},raw,echo=0`, `UNIX-CONNECT:${socket}`]);
    children.push(bridge);
    await waitFor(pty);
    const r = await tsble(['info', '--json', '--transport', `serial:${pty}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      event: 'info',
      transport: `serial:${pty} at 1000000 baud with RTS/CTS`,
    });
  }, 20_000);

  it('fails with exit 3 naming the port, the baud rate and the fixes when nothing answers', async () => {
    if (!has('socat')) return console.warn('skipping the silent serial port: socat is not installed');
    const pty = join(dir, 'tty-silent');
    const bare = spawn('socat', [`pty,link=${pty},raw,echo=0`, `pty,link=${pty}-other,raw,echo=0`]);
    children.push(bare);
    await waitFor(pty);
    const r = await tsble(['info', '--transport', `serial:${pty}?baud=115200&rtscts=false`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`nothing answered HCI Reset on serial:${pty} at 115200 baud`);
    expect(r.stderr).toMatch(/wrong port/);
    expect(r.stderr).toMatch(/baud rate/);
    expect(r.stderr).toMatch(/controller firmware/);
  }, 20_000);

  it('exits 2 when sim has no --listen', async () => {
    const r = await tsble(['sim']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--listen/);
  });
});
