/**
 * How the pairing commands talk to people and scripts. With `--json`, stdout carries nothing but one JSON
 * object per line, each with an `event` field (the contract in ARCHITECTURE.md); otherwise each event becomes a
 * readable line, and a spinner on stderr shows what is in progress when stderr is a terminal.
 */

export type EventFields = Record<string, unknown>;

export interface ReporterOptions {
  json: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Reporter {
  readonly json: boolean;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  private spinner: { timer: ReturnType<typeof setInterval>; text: string; frame: number } | undefined;

  constructor(options: ReporterOptions) {
    this.json = options.json;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
  }

  /** One contract event: a JSON line, or `human` (when given) as a line of text. */
  event(event: string, fields: EventFields = {}, human?: string): void {
    this.clearProgress();
    if (this.json) {
      this.stdout.write(`${JSON.stringify({ event, ...fields }, jsonReplacer)}\n`);
    } else if (human !== undefined) {
      this.stdout.write(`${human}\n`);
    }
  }

  /** Text for people only (never in JSON mode). */
  say(text: string): void {
    if (this.json) return;
    this.clearProgress();
    this.stdout.write(`${text}\n`);
  }

  /** Shows an activity ("scanning", "pairing") until the next output or `done()`; only on a terminal. */
  progress(text: string): void {
    if (!this.stderr.isTTY) return;
    this.clearProgress();
    const state = { text, frame: 0, timer: setInterval(() => this.drawProgress(), 80) };
    state.timer.unref?.();
    this.spinner = state;
    this.drawProgress();
  }

  done(): void {
    this.clearProgress();
  }

  /** A failure: an `error` event in JSON mode, a message on stderr otherwise. */
  error(message: string, fields: EventFields = {}): void {
    this.clearProgress();
    if (this.json) this.stdout.write(`${JSON.stringify({ event: 'error', message, ...fields }, jsonReplacer)}\n`);
    else this.stderr.write(`tsble: ${message}\n`);
  }

  private drawProgress(): void {
    if (!this.spinner) return;
    const glyph = SPINNER[this.spinner.frame++ % SPINNER.length];
    this.stderr.write(`\r\x1b[2K${glyph} ${this.spinner.text}`);
  }

  private clearProgress(): void {
    if (!this.spinner) return;
    clearInterval(this.spinner.timer);
    this.spinner = undefined;
    this.stderr.write('\r\x1b[2K');
  }
}

/** Bytes become hex in JSON output. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  if (typeof value === 'bigint') return value.toString();
  return value;
}
