/**
 * The READMEs are a tested contract: every ```ts and ```sh block of README.md, packages/*\/README.md and
 * tools/*\/README.md is type-checked (TypeScript, strict, against the built packages) and run, or listed below
 * with the reason it is not. Blocks run as written in a fresh temporary directory, with the few changes listed
 * in their plan, made visibly here and each checked to have happened:
 * - a block written for hardware ('serial:/dev/ttyACM0') runs on a `tsble sim --listen` socket instead;
 * - `npx tsble` runs the repository's committed bin (tools/cli/bin/tsble.js) through a `tsble` on PATH, so a
 *   test never asks the npm registry for a package; `npx tsble` itself is run from the clone by the last test
 *   here and by CI (.ci/run);
 * - `npm run conformance --` runs the built tools/conformance/dist/main.js (npm test has just built it), and
 *   its longest runs are shortened (--seconds, --kills).
 * The peer the API blocks talk to is a real `tsble serve --address F0:F1:F2:F3:F4:F5` on that socket.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseBtvirtLock, takeBtvirtLock } from '../../cli/src/commands/e2e-helpers.test-support.js';
import {
  check,
  children,
  cliBin,
  type Expectations,
  killGroup,
  repo,
  runProcess,
  runShell,
  type Substitution,
  shellDirectory,
  slug,
  start,
  substitute,
  typeCheck,
  waitForOutput,
  which,
  work,
} from './block-runner.test-support.js';
import { extractBlocks } from './markdown-blocks.js';

const conformanceMain = join(repo, 'tools/conformance/dist/main.js');
const simSocket = join(work, 'sim.sock');

const readmes = [
  'README.md',
  ...['packages', 'tools'].flatMap((dir) =>
    readdirSync(join(repo, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(repo, dir, d.name, 'README.md')))
      .map((d) => `${dir}/${d.name}/README.md`),
  ),
];
const blocks = readmes.flatMap((file) => extractBlocks(readFileSync(join(repo, file), 'utf8'), file));

type Plan =
  | { run: 'ts'; substitute?: Substitution[]; expect: Expectations }
  | { run: 'sh'; variants: ShellVariant[] }
  | { run: 'lines'; lines: LinePlan[] }
  | { typeCheckOnly: string }
  | { notRun: string };

interface ShellVariant {
  name: string;
  /** Why the variant cannot run here (checked when it is about to run); undefined runs it. */
  skip?: () => string | undefined;
  /** Held while the variant runs (btvirt's sockets are machine-wide). */
  exclusive?: boolean;
  substitute?: Substitution[];
  expect: Expectations;
}

interface LinePlan {
  /** The line starts with this (after the `npm run conformance` prefix is replaced). */
  line: RegExp;
  notRun?: string;
  substitute?: Substitution[];
  expect?: Expectations;
}

const onSimSocket: Substitution = {
  from: `'serial:/dev/ttyACM0'`,
  to: `'unix:${simSocket}'`,
  why: 'no hardware here: the virtual controller served by `tsble sim --listen` stands in for the dongle',
};
const npxTsble: Substitution = {
  from: /npx tsble /g,
  to: 'tsble ',
  why: 'the committed bin on PATH, never the npm registry; npx tsble itself is tested below',
};
const conformanceBuilt: Substitution = {
  from: /npm run conformance( --)?/g,
  to: `node ${conformanceMain}`,
  why: 'npm test built it already; npm run would build it again and write report.json into the clone',
};

const centralAddress = 'C0:11:22:33:44:55/random';
const peripheralAddress = 'C0:11:22:33:44:66/random';
const twoProcesses: Expectations = {
  stdout: [
    new RegExp(`^paired with ${peripheralAddress}: just-works, LE Secure Connections.*bonded$`, 'm'),
    // The read step is the same central again: it encrypts from the bond and reads the protected value.
    new RegExp(
      `^connected to ${peripheralAddress} as central, bonded\\n.*link encrypted.*\\nencrypted\\n`,
      'm',
    ),
  ],
  // Exactly one pairing: the read step must not pair again (it did before the central had a fixed address).
  notStdout: [/pairing with[\s\S]*pairing with/],
  files: (dir) => {
    for (const file of ['per.json', 'cen.json']) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    const bond = JSON.parse(readFileSync(join(dir, 'per.json'), 'utf8')) as { bonds?: unknown };
    expect(JSON.stringify(bond)).toContain(centralAddress);
    const events = readFileSync(join(dir, 'serve.log'), 'utf8');
    expect(events.match(/"event":"paired"/g)).toHaveLength(1);
    expect(events).toMatch(/"event":"connected","address":"C0:11:22:33:44:55\/random".*"bonded":true/);
  },
};

const PLANS: Record<string, Plan> = {
  'README.md › Quick start › 1': {
    notRun:
      '`npm ci && npm start` / `npm test` would reinstall and re-run this very test; CI runs them as written (.ci/run: npm ci, npm start, npx tsble --version, npm test)',
  },
  'README.md › The API › 1': {
    run: 'ts',
    substitute: [onSimSocket],
    expect: { stdout: [/^true false true 16 true 2$/m, /^encrypted$/m] },
  },
  'README.md › The `tsble` command › 1': {
    run: 'sh',
    variants: [
      {
        name: 'over BlueZ btvirt, as written',
        skip: () =>
          which('btvirt') ? undefined : 'btvirt is not installed (apt-get install bluez-test-tools)',
        exclusive: true,
        substitute: [npxTsble],
        expect: twoProcesses,
      },
      {
        name: 'over `tsble sim --listen` instead of btvirt',
        substitute: [
          npxTsble,
          {
            from: /^pid=\$\(tools\/interop\/btvirt\.sh start\).*$/m,
            to: 'tsble sim --listen unix:$PWD/sim.sock & pid=$!; until [ -S sim.sock ]; do sleep 0.1; done',
            why: 'the same example on the other emulator',
          },
          { from: 'tools/interop/btvirt.sh stop $pid', to: 'kill $pid', why: 'stops the sim' },
          { from: /\/tmp\/bt-server-le/g, to: '$PWD/sim.sock', why: "the sim's socket" },
        ],
        expect: twoProcesses,
      },
    ],
  },
  'packages/host/README.md › @tsble/host › 1': {
    run: 'ts',
    substitute: [onSimSocket],
    expect: {
      stdout: [
        /^F0:F1:F2:F3:F4:F5\/random tsble undefined$/m,
        /^true false true 16 true 2$/m,
        /^encrypted$/m,
      ],
    },
  },
  'packages/host/README.md › Host › 1': {
    run: 'ts',
    expect: { stdout: [/^HciTransportError transport-not-found: cannot connect to unix:/m] },
  },
  'packages/host/README.md › Connection › 1': {
    run: 'ts',
    substitute: [onSimSocket],
    expect: { stdout: [/^notification: Uint8Array\(4\) \[[\s\S]*notification: Uint8Array\(4\)/m] },
  },
  'packages/host/README.md › Connection › 2': {
    run: 'ts',
    expect: { stdout: [/^olleh$/m] },
  },
  'packages/smp-core/README.md › PDU codec › 1': {
    run: 'ts',
    expect: { stdout: [/op: 'pairing-request'/, /^0x0a$/m, /^Uint8Array\(17\) \[\s+4,/m] },
  },
  'packages/smp-core/README.md › The pairing session › 1': {
    run: 'ts',
    expect: {
      stdout: [
        /^sensor shows \d{6}$/m,
        /^phone types \d{6}$/m,
        /^phone: passkey-entry, level 4, bonded true$/m,
        /^sensor: passkey-entry, level 4, bonded true$/m,
      ],
    },
  },
  'packages/smp-core/README.md › Standalone use with your own transport › 1': {
    typeCheckOnly:
      "glue around an application's own L2CAP, HCI, UI and store, declared at its top; examples/standalone-pairing.ts is the same glue run end to end (packages/smp-core/src/pairing/example.test.ts)",
  },
  'packages/att-gatt/README.md › @tsble/att-gatt › 1': {
    run: 'ts',
    expect: { stdout: [/^refused: ATT error insufficientEncryption/m, /^encrypted$/m] },
  },
  'packages/base/README.md › @tsble/base › 1': {
    run: 'ts',
    expect: {
      stdout: [
        /^true F0:F1:F2:F3:F4:F5\/random$/m,
        /^invalid-address$/m,
        /^21\.5 °C\n\{"layer":"demo","step":1\} started$/m,
      ],
    },
  },
  'packages/hci-transport/README.md › The HCI layer › 1': {
    run: 'ts',
    substitute: [onSimSocket],
    expect: {
      stdout: [/^advertising report from F0:F1:F2:F3:F4:F5$/m, /^[1-9]\d* advertising reports$/m],
      files: (dir) => expect(statSync(join(dir, 'session.btsnoop')).size).toBeGreaterThan(16),
    },
  },
  'packages/l2cap/README.md › @tsble/l2cap › 1': {
    run: 'ts',
    expect: { stdout: [/^SPSM 0x80 received 2000 octets$/m] },
  },
  'packages/virtual-controller/README.md › @tsble/virtual-controller › 1': {
    run: 'ts',
    expect: { stdout: [/^in process: ([0-9A-F]{2}:){5}[0-9A-F]{2}$/m, /^over unix:.*vc\.sock /m] },
  },
  'tools/conformance/README.md › @tsble/conformance › 1': {
    run: 'lines',
    lines: [
      {
        line: /^npm run conformance +#/,
        notRun:
          'the whole suite takes about 40 s of real SMP timeouts; npm test runs the same cases in tools/conformance (src/conformance.test.ts)',
      },
      {
        line: /^npm run conformance -- --quick/,
        notRun: 'a subset of the whole suite above, which npm test runs case by case in tools/conformance',
      },
      {
        line: /^npm run conformance -- --filter/,
        substitute: [conformanceBuilt],
        expect: {
          stdout: [/^\d+ cases: (\d+) pass, 0 fail/m],
          files: (dir) => expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toBeTruthy(),
        },
      },
      {
        line: /^npm run conformance -- --list/,
        substitute: [conformanceBuilt],
        expect: { stdout: [/^SM\/CEN\/JW\/BV-01-C /m, /^ATTACK\//m] },
      },
      {
        line: /^npm run conformance -- --fuzz/,
        substitute: [
          conformanceBuilt,
          { from: '--seconds 600', to: '--seconds 2', why: '10 minutes is for a hardening run, not a test' },
        ],
        expect: { stdout: [/^PASS$/m] },
      },
      {
        line: /^npm run conformance -- --bond-crash/,
        substitute: [conformanceBuilt, { from: '--kills 200', to: '--kills 10', why: 'npm test runs 200' }],
        expect: { stdout: [/^PASS$/m] },
      },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------

let diagnostics = new Map<string, string[]>();
let compiled = new Map<string, string>();
let serveReady: Promise<void>;

beforeAll(async () => {
  // The peer: a virtual controller on a socket and `tsble serve` on it with a fixed address.
  const sim = start(process.execPath, [cliBin, 'sim', '--listen', `unix:${simSocket}`], work);
  await waitForOutput(sim, /listening/);
  const serve = start(
    process.execPath,
    [cliBin, 'serve', '--json', '--address', 'F0:F1:F2:F3:F4:F5', '--transport', `unix:${simSocket}`],
    mkdtempSync(join(work, 'serve-')),
  );
  serveReady = waitForOutput(serve, /"event":"advertising"/);
  ({ diagnostics, compiled } = typeCheck(blocks.filter((b) => b.language === 'ts')));
  await serveReady;
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.pid) killGroup(child.pid);
  rmSync(work, { recursive: true, force: true });
});

describe('README blocks', () => {
  it('every block has a plan, and every plan names a block that exists', () => {
    const names = blocks.map((b) => b.name);
    expect(names.filter((n) => !(n in PLANS))).toEqual([]);
    expect(Object.keys(PLANS).filter((n) => !names.includes(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const block of blocks) {
    const plan = PLANS[block.name];
    if (!plan) continue;
    if (block.language === 'ts') {
      it(`${block.name} (line ${block.line}) type-checks under strict tsc`, () => {
        expect(diagnostics.get(block.name) ?? ['not compiled']).toEqual([]);
      });
    }
    if ('notRun' in plan) {
      it.skip(`${block.name} is not run: ${plan.notRun}`, () => {});
    } else if ('typeCheckOnly' in plan) {
      it.skip(`${block.name} is type-checked only: ${plan.typeCheckOnly}`, () => {});
    } else if (plan.run === 'ts') {
      it(`${block.name} runs`, async () => {
        const js = compiled.get(block.name);
        if (!js) throw new Error(`${block.name} did not compile: ${diagnostics.get(block.name)?.join('\n')}`);
        const file = join(work, 'out', `${slug(block.name)}.run.js`);
        writeFileSync(file, substitute(readFileSync(js, 'utf8'), plan.substitute ?? []));
        const dir = mkdtempSync(join(work, 'run-'));
        const result = await runProcess(process.execPath, [file], dir, 60_000);
        check(result, plan.expect, dir);
      });
    } else if (plan.run === 'sh') {
      for (const variant of plan.variants) {
        it(`${block.name} runs ${variant.name}`, async (context) => {
          const reason = variant.skip?.();
          if (reason) {
            console.warn(`skipping ${block.name} ${variant.name}: ${reason}`);
            return context.skip();
          }
          if (variant.exclusive) await takeBtvirtLock();
          try {
            const dir = shellDirectory();
            const result = await runShell(substitute(block.code, variant.substitute ?? []), dir);
            check(result, variant.expect, dir);
          } finally {
            if (variant.exclusive) releaseBtvirtLock();
          }
        });
      }
    } else {
      const lines = block.code.split('\n').filter((l) => l.trim() !== '');
      it(`${block.name}: every line has a plan`, () => {
        for (const line of lines)
          expect(
            plan.lines.filter((p) => p.line.test(line)),
            line,
          ).toHaveLength(1);
      });
      for (const linePlan of plan.lines) {
        const line = lines.find((l) => linePlan.line.test(l)) ?? '';
        if (linePlan.notRun) {
          it.skip(`${block.name}: \`${line}\` is not run: ${linePlan.notRun}`, () => {});
          continue;
        }
        it(`${block.name}: \`${line}\` runs`, async () => {
          const dir = shellDirectory();
          const result = await runShell(substitute(line, linePlan.substitute ?? []), dir);
          check(result, linePlan.expect ?? { stdout: [] }, dir);
        });
      }
    }
  }

  it('npx tsble runs the built CLI from the clone (what README says after the Quick start)', () => {
    // --no: fail rather than fetch a package called tsble from the registry when the bin is not linked.
    const result = spawnSync('npx', ['--no', '--', 'tsble', '--version'], { cwd: repo, encoding: 'utf8' });
    const { version } = JSON.parse(readFileSync(join(repo, 'tools/cli/package.json'), 'utf8')) as {
      version: string;
    };
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(version);
  });
});
