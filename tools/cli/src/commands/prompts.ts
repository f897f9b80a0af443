/**
 * Answers pairing questions for the CLI: from `--passkey` / `--yes` when given, otherwise by asking on the
 * terminal, or, when stdin is a pipe, by reading one line from it (so scripts can answer too). A closed stdin
 * refuses, which fails the pairing with the right SMP reason.
 */
import { createInterface } from 'node:readline';

export class LineQuestions {
  private lines: string[] = [];
  private waiting: ((line: string | undefined) => void)[] = [];
  private ended = false;
  private started = false;

  constructor(
    private readonly input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stderr,
  ) {}

  get interactive(): boolean {
    return this.input.isTTY === true;
  }

  /** Shows `prompt` (on a terminal) and resolves with the next line, or undefined once stdin has ended. */
  ask(prompt: string): Promise<string | undefined> {
    this.start();
    if (this.interactive) this.output.write(prompt);
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.ended = true;
    for (const resolve of this.waiting.splice(0)) resolve(undefined);
    this.reader?.close();
  }

  private reader: ReturnType<typeof createInterface> | undefined;

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.reader = createInterface({ input: this.input, terminal: false });
    this.reader.on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(line.trim());
      else this.lines.push(line.trim());
    });
    this.reader.on('close', () => {
      this.ended = true;
      for (const resolve of this.waiting.splice(0)) resolve(undefined);
    });
  }
}

/** "y", "yes" (any case) mean yes; anything else, or no answer, means no. */
export function isYes(answer: string | undefined): boolean {
  return answer !== undefined && /^y(es)?$/i.test(answer.trim());
}
