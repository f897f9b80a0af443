/**
 * Each library package's committed API report matches what its build exports: a change to the public surface
 * is a change to `packages/<name>/api-report.md` too, seen in review. `npm run api-report` rewrites them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiReport, libraryPackages, reportPath } from './api-report.js';

describe('API reports', () => {
  for (const { dir, name } of libraryPackages()) {
    it(`${name}: api-report.md matches the build (npm run api-report updates it)`, () => {
      const committed = readFileSync(reportPath(dir), 'utf8');
      expect(
        apiReport(dir, name) === committed,
        `${name}'s public API changed: run npm run api-report and review`,
      ).toBe(true);
    });
  }
});
