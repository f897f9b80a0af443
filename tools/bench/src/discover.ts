/**
 * Finds benchmark suites without a registry: every compiled `suites/*.js` that exports `suite`.
 * Other packages' authors add a suite by dropping a file into src/suites/.
 */
import { readdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { BenchSuite } from './harness.js';

export interface DiscoveredSuite {
  file: string;
  suite?: BenchSuite;
  error?: string;
}

function isBenchSuite(value: unknown): value is BenchSuite {
  const candidate = value as Partial<BenchSuite> | undefined;
  return typeof candidate?.name === 'string' && typeof candidate.cases === 'function';
}

/** Imports each `*.js` in `directory` (sorted by name); a file that fails to load is reported, not fatal. */
export async function discoverSuites(directory: string): Promise<DiscoveredSuite[]> {
  let files: string[];
  try {
    files = (await readdir(directory)).filter((f) => f.endsWith('.js')).sort();
  } catch {
    return [];
  }
  const found: DiscoveredSuite[] = [];
  for (const file of files) {
    const path = `${directory.replace(/\/$/, '')}/${file}`;
    try {
      const module = (await import(pathToFileURL(path).href)) as { suite?: unknown };
      if (isBenchSuite(module.suite)) found.push({ file, suite: module.suite });
      else found.push({ file, error: 'does not export `suite: BenchSuite`' });
    } catch (error) {
      found.push({ file, error: String(error) });
    }
  }
  return found;
}
