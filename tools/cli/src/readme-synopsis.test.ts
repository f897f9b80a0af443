/**
 * README.md's CLI section is a contract people read: its synopsis block must be what `tsble help --synopsis`
 * prints (made from cli-spec.ts, the table parsing and help come from), so a command or option cannot be added,
 * renamed or dropped without the README following.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandSpecs, optionsOf } from './cli-spec.js';
import { mainJs } from './commands/e2e-helpers.test-support.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const synopsis = execFileSync(process.execPath, [mainJs, 'help', '--synopsis'], {
  encoding: 'utf8',
}).trimEnd();

/** The first fenced block of README's "The `tsble` command" section. */
function readmeSynopsis(): string | undefined {
  const section = readme.split(/^## /m).find((s) => s.startsWith('The `tsble` command'));
  return section ? /```\n([\s\S]*?)\n```/.exec(section)?.[1] : undefined;
}

describe('tsble help --synopsis', () => {
  it('names every command and every option each command takes', () => {
    for (const [name, spec] of Object.entries(commandSpecs)) {
      expect(synopsis).toMatch(new RegExp(`^tsble ${name}\\b`, 'm'));
      for (const [option] of optionsOf(spec)) expect(synopsis).toContain(`--${option}`);
    }
  });

  // README's CLI section is generated from the same table: `tsble help --synopsis` prints the block to paste.
  it("is README's CLI synopsis, word for word", () => {
    expect(readmeSynopsis()).toBe(synopsis);
  });
});
