// The main entry must bundle for browsers with no Node built-ins, and the bundle must compute correctly.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { specData as d, onAir, specHex } from './vectors.test-support.js';

const entry = new URL('../index.ts', import.meta.url).pathname;
const workDir = mkdtempSync(join(tmpdir(), 'smp-core-bundle-'));

describe('browser bundle of @tsble/smp-core', () => {
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('bundles for platform browser and computes f4, ah and a DHKey from the bundle', async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:/);
    expect(code).not.toMatch(/require\(["'](node:)?(crypto|fs|buffer|path|os)["']\)/);
    expect(code).not.toMatch(/\bBuffer\./);

    const file = join(workDir, 'smp-core.browser.mjs');
    writeFileSync(file, code);
    const bundle = await import(pathToFileURL(file).href);
    expect(specHex(bundle.f4(onAir(d.f4.U), onAir(d.f4.V), onAir(d.f4.X), 0))).toBe(d.f4.out);
    expect(specHex(bundle.ah(onAir(d.ah.IRK), onAir(d.ah.prand)))).toBe(d.ah.out);
    const publicB = { x: onAir(d.p256.publicBx), y: onAir(d.p256.publicBy) };
    expect(specHex(await bundle.p256DhKey(onAir(d.p256.privateA), publicB))).toBe(d.p256.dhKey);
    // The pure-JS fallback, as used where crypto.subtle is missing.
    bundle.setCryptoProvider(bundle.nobleProvider);
    expect(specHex(await bundle.p256DhKey(onAir(d.p256.privateB), bundle.DEBUG_PUBLIC_KEY))).toBe(
      d.p256.dhKey,
    );
  });

  it('refuses to bundle the node entry for the browser (the check has teeth)', async () => {
    const nodeEntry = new URL('../node.ts', import.meta.url).pathname;
    await expect(
      build({
        entryPoints: [nodeEntry],
        bundle: true,
        platform: 'browser',
        write: false,
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/node:crypto/);
  });
});
