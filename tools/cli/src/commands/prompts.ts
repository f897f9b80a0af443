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
    /** Told around each question (the spinner pauses while the user types). */
    private readonly hooks: { asking?: () => void; answered?: () => void } = {},
  ) {}

  get interactive(): boolean {
    return this.input.isTTY === true;
  }

  /** Shows `prompt` (on a terminal) and resolves with the next line, or undefined once stdin has ended. */
  async ask(prompt: string): Promise<string | undefined> {
    this.start();
    this.hooks.asking?.();
    try {
      if (this.interactive) this.output.write(prompt);
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.ended) return undefined;
      return await new Promise<string | undefined>((resolve) => this.waiting.push(resolve));
    } finally {
      this.hooks.answered?.();
    }
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
      // A prompt left waiting on a terminal has no newline yet; end its line so what follows starts clean.
      if (this.interactive && this.waiting.length > 0) this.output.write('\n');
      this.ended = true;
      for (const resolve of this.waiting.splice(0)) resolve(undefined);
    });
  }
}

/** "y", "yes" (any case) mean yes; anything else, or no answer, means no. */
export function isYes(answer: string | undefined): boolean {
  return answer !== undefined && /^y(es)?$/i.test(answer.trim());
}

/** "n", "no" (any case), or an empty line (the prompt's default). */
export function isNo(answer: string | undefined): boolean {
  return answer !== undefined && /^(no?)?$/i.test(answer.trim());
}
