/**
 * ARCHITECTURE.md's dependency table is the map of the repository: every workspace is in it, each row names
 * exactly the tsble packages its package.json depends on at run time, and no shipped source file of a package
 * imports a tsble package it does not declare: a static import needs a runtime dependency, a dynamic import()
 * a runtime or an optional peer dependency (test wiring — *.test.ts, *.test-support.ts — may use dev
 * dependencies).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function mapRows(): Map<string, string[]> {
  const text = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
  const start = text.indexOf('<!-- dependencies:start -->');
  const end = text.indexOf('<!-- dependencies:end -->');
  expect(start, 'ARCHITECTURE.md has the dependency table markers').toBeGreaterThan(-1);
  const rows = new Map<string, string[]>();
  for (const line of text.slice(start, end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`(@tsble\/[a-z0-9-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    rows.set(name, [...(cells[2] ?? '').matchAll(/@tsble\/[a-z0-9-]+/g)].map((m) => m[0]).sort());
  }
  return rows;
}

interface Workspace {
  dir: string;
  name: string;
  dependencies: string[];
  /** Optional peer dependencies: loaded with import() where a feature needs them. */
  optionalPeers: Set<string>;
  declared: Set<string>;
}

function workspaces(): Workspace[] {
  return ['packages', 'tools'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((entry) => join(root, group, entry))
      .filter((dir) => statSync(dir).isDirectory() && readdirSync(dir).includes('package.json'))
      .map((dir) => {
        const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        const ours = (deps: Record<string, string> = {}) =>
          Object.keys(deps).filter((d) => d.startsWith('@tsble/'));
        const dependencies = ours(json.dependencies).sort();
        return {
          dir,
          name: json.name,
          dependencies,
          optionalPeers: new Set(
            ours(json.peerDependencies).filter((d) => json.peerDependenciesMeta?.[d]?.optional === true),
          ),
          declared: new Set([...dependencies, ...ours(json.devDependencies)]),
        };
      }),
  );
}

const TEST_WIRING = /\.(test|test-support)\.[cm]?ts$/;

function shippedSources(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !TEST_WIRING.test(path)) out.push(path);
    }
  };
  walk(join(dir, 'src'));
  return out;
}

describe('ARCHITECTURE.md dependency map', () => {
  const rows = mapRows();
  const all = workspaces();

  it('lists every workspace, and only those', () => {
    expect([...rows.keys()].sort()).toEqual(all.map((w) => w.name).sort());
  });

  for (const workspace of all) {
    it(`${workspace.name}: its row names exactly its runtime tsble dependencies`, () => {
      expect(rows.get(workspace.name)).toEqual(workspace.dependencies);
    });

    it(`${workspace.name}: shipped sources import only declared tsble packages`, () => {
      const runtime = new Set(workspace.dependencies);
      const strays: string[] = [];
      for (const file of shippedSources(workspace.dir)) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/from '(@tsble\/[a-z0-9-]+)/g)) {
          const pkg = m[1] as string;
          if (pkg !== workspace.name && !runtime.has(pkg))
            strays.push(`${file.slice(root.length)} imports ${pkg}`);
        }
        for (const m of text.matchAll(/import\('(@tsble\/[a-z0-9-]+)/g)) {
          const pkg = m[1] as string;
          if (pkg !== workspace.name && !runtime.has(pkg) && !workspace.optionalPeers.has(pkg))
            strays.push(`${file.slice(root.length)} loads ${pkg}, neither a dependency nor an optional peer`);
        }
      }
      expect(strays).toEqual([]);
    });
  }
});
