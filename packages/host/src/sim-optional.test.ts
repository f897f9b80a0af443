/**
 * virtual-controller is an optional peer dependency of the host: an application installed without it opens
 * real transports as before, and `sim` fails with a transport error that says what to install. The child process
 * sees a node_modules with every package of this repository's install except @tsble/virtual-controller.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tsble-no-vc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Host without @tsble/virtual-controller installed', () => {
  it('opens sim with an HciTransportError naming the package to install', () => {
    const modules = join(dir, 'node_modules');
    mkdirSync(join(modules, '@tsble'), { recursive: true });
    for (const entry of readdirSync(join(repo, 'node_modules')))
      if (entry !== '@tsble' && entry !== '.bin')
        symlinkSync(join(repo, 'node_modules', entry), join(modules, entry));
    for (const pkg of ['base', 'hci-transport', 'l2cap', 'smp-core', 'att-gatt', 'host'])
      symlinkSync(join(repo, 'packages', pkg), join(modules, '@tsble', pkg));
    writeFileSync(
      join(dir, 'open-sim.mjs'),
      `import { Host, HciTransportError } from '@tsble/host';
try {
  await Host.open('sim', { bondStore: ${JSON.stringify(join(dir, 'bonds.json'))} });
  console.log('opened');
} catch (error) {
  console.log(JSON.stringify({ transportError: error instanceof HciTransportError, code: error.code, message: error.message }));
}
`,
    );
    // --preserve-symlinks: packages resolve their imports from this node_modules, not from the repository's.
    const out = execFileSync(process.execPath, ['--preserve-symlinks', join(dir, 'open-sim.mjs')], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      transportError: true,
      code: 'transport-not-found',
      message:
        "the sim transport is tsble's virtual controller: npm install @tsble/virtual-controller to use it",
    });
  });
});
