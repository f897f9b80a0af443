/**
 * The fenced code blocks of a Markdown file that the README test runs: TypeScript (```ts, ```typescript) and
 * shell (```sh, ```bash). Blocks are named by file, nearest heading and position under that heading, so a
 * name survives edits elsewhere in the file and the test's plan for each block can refer to it.
 */

export type BlockLanguage = 'ts' | 'sh';

export interface CodeBlock {
  /** `README.md › The API › 1`: file, nearest heading above, 1-based position among run blocks under it. */
  name: string;
  file: string;
  heading: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: BlockLanguage;
  code: string;
}

const LANGUAGES: Record<string, BlockLanguage> = { ts: 'ts', typescript: 'ts', sh: 'sh', bash: 'sh' };

export function extractBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  const perHeading = new Map<string, number>();
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const title = /^#{1,6}\s+(.*)$/.exec(line);
    if (title) {
      heading = (title[1] ?? '').trim();
      continue;
    }
    const fence = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (!fence) continue;
    const marker = fence[1] ?? '```';
    const start = i;
    const body: string[] = [];
    // A fence closes on a line of the same character, at least as long (CommonMark 4.5).
    for (i++; i < lines.length && !(lines[i] ?? '').trimEnd().startsWith(marker); i++)
      body.push(lines[i] ?? '');
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: code block never closed`);
    const language = LANGUAGES[(fence[2] ?? '').toLowerCase()];
    if (!language) continue;
    const position = (perHeading.get(heading) ?? 0) + 1;
    perHeading.set(heading, position);
    blocks.push({
      name: `${file} › ${heading} › ${position}`,
      file,
      heading,
      line: start + 1,
      language,
      code: `${body.join('\n')}\n`,
    });
  }
  return blocks;
}
