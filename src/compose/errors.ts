// One typed error for every kind of bad compose input, so the CLI can print it the way
// compilers do (`file:line:col: what`) and tell the user what to do next.

/** Where in the user's files something is. Line and column are 1-based. */
export interface SourceRef {
  file: string;
  line?: number;
  column?: number;
}

export interface ComposeErrorInit extends SourceRef {
  /** What is wrong, without the position prefix. */
  message: string;
  /** What to do next. */
  hint: string;
  /** The interpolation variable involved, when there is one. */
  variable?: string;
  cause?: unknown;
}

/** Used by the pure helpers when the caller gave no position. */
export const UNKNOWN_SOURCE: SourceRef = { file: '<input>' };

export function formatSource(at: SourceRef): string {
  if (at.line === undefined) return at.file;
  return at.column === undefined ? `${at.file}:${at.line}` : `${at.file}:${at.line}:${at.column}`;
}

export class ComposeError extends Error {
  override readonly name = 'ComposeError';
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly hint: string;
  /** The message without position and hint. */
  readonly detail: string;
  readonly variable?: string;

  constructor(init: ComposeErrorInit) {
    const text = `${formatSource(init)}: ${init.message}` + (init.hint ? `\n${init.hint}` : '');
    super(text, init.cause === undefined ? undefined : { cause: init.cause });
    this.file = init.file;
    if (init.line !== undefined) this.line = init.line;
    if (init.column !== undefined) this.column = init.column;
    this.hint = init.hint;
    this.detail = init.message;
    if (init.variable !== undefined) this.variable = init.variable;
  }

  /**
   * The same error placed at a better-known position. Pure helpers throw with whatever position
   * they were given; callers that know more (the YAML node, the key path) re-anchor the error.
   */
  relocate(at: SourceRef, prefix?: string): ComposeError {
    return new ComposeError({
      file: at.file,
      line: at.line,
      column: at.column,
      message: prefix ? `${prefix}: ${this.detail}` : this.detail,
      hint: this.hint,
      variable: this.variable,
      cause: this.cause,
    });
  }
}
