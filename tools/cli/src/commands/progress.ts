/**
 * A spinner on stderr while something is in progress, only for people: a terminal, and not in --json mode.
 * Output lines and prompts share the terminal with it: `output()` gives an Output whose writes clear the
 * spinner first, and `pause()` / `resume()` keep it quiet while the user types.
 */
import { Output } from '../output.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Progress {
  private timer: ReturnType<typeof setInterval> | undefined;
  private text = '';
  private frame = 0;
  private paused = false;
  private drawn = false;
  private readonly enabled: boolean;

  constructor(
    private readonly json: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = !json && stream.isTTY === true;
  }

  /** Shows `text` with a spinner until `done()` or the next `show()`. */
  show(text: string): void {
    if (!this.enabled) return;
    this.text = text;
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), 80);
      this.timer.unref();
    }
    this.draw();
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  /** Clears the spinner line for a line written elsewhere (a log line); the next frame redraws it. */
  interrupt(): void {
    this.clear();
  }

  /** Stop drawing (a prompt is waiting for the user). */
  pause(): void {
    this.clear();
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** The command's Output, with the spinner line cleared before every write. */
  output(): Output {
    const clearFirst = (write: (text: string) => boolean) => (text: string) => {
      this.clear();
      write(text);
    };
    return new Output(
      this.json,
      clearFirst(process.stdout.write.bind(process.stdout)),
      clearFirst(process.stderr.write.bind(process.stderr)),
    );
  }

  private clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(): void {
    if (this.paused || !this.timer) return;
    this.stream.write(`\r\x1b[2K${FRAMES[this.frame++ % FRAMES.length]} ${this.text}`);
    this.drawn = true;
  }
}
