// Where words go. stdout carries results (text, or one JSON document with --json);
// stderr carries progress. Colour only on a TTY, never with NO_COLOR or --json.

export interface OutputOptions {
  json: boolean;
  stdout?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean };
  stderr?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Output {
  readonly json: boolean;
  readonly color: boolean;
  private readonly out: { write(s: string): boolean; isTTY?: boolean };
  private readonly err: { write(s: string): boolean; isTTY?: boolean };
  private readonly spin: boolean;
  private spinnerText = '';
  private spinnerFrame = 0;
  private spinnerTimer: NodeJS.Timeout | undefined;
  private lastPlainProgress = '';

  constructor(opts: OutputOptions) {
    const env = opts.env ?? process.env;
    this.json = opts.json;
    this.out = opts.stdout ?? process.stdout;
    this.err = opts.stderr ?? process.stderr;
    const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
    this.color = !this.json && !noColor && env.TERM !== 'dumb' && Boolean(this.out.isTTY);
    this.spin = Boolean(this.err.isTTY) && env.TERM !== 'dumb' && env.CI !== 'true';
  }

  /** A line of the human result (suppressed with --json, whose document says it all). */
  line(text = ''): void {
    if (this.json) return;
    this.clearSpinner();
    this.out.write(text + '\n');
  }

  /** A warning or note for people, always on stderr. */
  note(text: string): void {
    this.clearSpinner();
    this.err.write(text + '\n');
  }

  /** Progress of long work: a spinner on a TTY, plain lines (deduplicated) otherwise. */
  progress(text: string): void {
    if (this.spin) {
      this.spinnerText = text;
      if (!this.spinnerTimer) {
        this.spinnerTimer = setInterval(() => this.drawSpinner(), 100);
        this.spinnerTimer.unref();
      }
      this.drawSpinner();
      return;
    }
    if (text === this.lastPlainProgress) return;
    this.lastPlainProgress = text;
    this.err.write(text + '\n');
  }

  /** End any spinner; call before exiting. */
  done(): void {
    this.clearSpinner();
    if (this.spinnerTimer) clearInterval(this.spinnerTimer);
    this.spinnerTimer = undefined;
  }

  /** The one JSON document of a --json run. */
  document(doc: unknown): void {
    this.clearSpinner();
    this.out.write(JSON.stringify(doc, null, 2) + '\n');
  }

  bold(s: string): string {
    return this.color ? `\x1b[1m${s}\x1b[22m` : s;
  }
  green(s: string): string {
    return this.color ? `\x1b[32m${s}\x1b[39m` : s;
  }
  red(s: string): string {
    return this.color ? `\x1b[31m${s}\x1b[39m` : s;
  }
  yellow(s: string): string {
    return this.color ? `\x1b[33m${s}\x1b[39m` : s;
  }

  private drawSpinner(): void {
    const frame = SPINNER[this.spinnerFrame++ % SPINNER.length] ?? '';
    this.err.write(`\r\x1b[2K${frame} ${this.spinnerText}`);
  }

  private clearSpinner(): void {
    if (this.spin && this.spinnerText) {
      this.err.write('\r\x1b[2K');
      this.spinnerText = '';
      if (this.spinnerTimer) clearInterval(this.spinnerTimer);
      this.spinnerTimer = undefined;
    }
  }
}
