// Keeping secrets out of everything we print or record: stdout, stderr, --json, error messages,
// remediation text, the state file's recovery history.
//
// Two layers. Known values: the secrets of this deployment (its .env, the compose environment,
// tokens in our own environment) are registered as they are learned and replaced wherever they
// appear. Shapes: whatever was never registered but looks like a credential is replaced too —
// the password of a URL (`mysql://user:***@host`), `KEY=value` / `"KEY": "value"` for a
// secret-looking KEY, GitHub tokens, `Bearer …`, and a run of 32+ capital letters (DevLake's
// ENCRYPTION_SECRET is 128 of them).

/** What a secret is replaced with. */
export const REDACTED = '***';

/** Registered values shorter than this are not replaced literally (too likely to be ordinary words); shapes still apply. */
export const MIN_SECRET_LENGTH = 6;

/** Variable names whose values are secrets: ENCRYPTION_SECRET, MYSQL_PASSWORD, GITHUB_TOKEN, DB_URL, API_KEY… */
const SECRET_NAME = /secret|passw(?:or)?d|_pass$|^pass$|token|api_?key|private_?key|access_?key|credential|^db_url$|_db_url$|connection_?string|^admin_pass$/i;

export function isSecretKey(name: string): boolean {
  return SECRET_NAME.test(name);
}

// `scheme://user:password@` (the password part only); `scheme://token@` is left to the value list.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):([^\s/@'"]+)@/gi;
// `NAME=value`, `NAME: value`, `"NAME": "value"` for a secret-looking NAME (the name is kept).
const SECRET_ASSIGNMENT =
  /\b([A-Za-z0-9_.-]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|DB_URL)[A-Za-z0-9_.-]*)("?\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|[^\s"',;}&]+)/gi;
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const CAPITAL_RUN = /[A-Z]{32,}/g;

/** The password inside a URL (`scheme://user:password@host`), if it has one. */
export function urlPassword(text: string): string | undefined {
  const m = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:([^\s/@'"]+)@/i.exec(text);
  return m?.[1];
}

export class Redactor {
  private readonly values = new Set<string>();
  private ordered: string[] | undefined;

  /** Register a secret value. Short or empty values are ignored (the shapes still catch them in context). */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string') return;
    const v = value.trim();
    if (v.length < MIN_SECRET_LENGTH || /^\d+$/.test(v) || v === 'true' || v === 'false') return;
    if (this.values.has(v)) return;
    this.values.add(v);
    // URL-encoded and JSON-escaped spellings appear in URLs and --json documents.
    const encoded = encodeURIComponent(v);
    if (encoded !== v) this.values.add(encoded);
    const json = JSON.stringify(v).slice(1, -1);
    if (json !== v) this.values.add(json);
    this.ordered = undefined;
  }

  /** Register the secret values of a set of variables: secret-named ones, and passwords inside URLs. */
  addVariables(vars: Readonly<Record<string, string | undefined>>): void {
    for (const [name, value] of Object.entries(vars)) {
      if (typeof value !== 'string' || value === '') continue;
      if (isSecretKey(name)) this.add(value);
      const pw = urlPassword(value);
      if (pw !== undefined) {
        this.add(pw);
        try {
          this.add(decodeURIComponent(pw));
        } catch {
          // not valid percent-encoding: the raw spelling is registered
        }
      }
    }
  }

  /** How many values are registered (for tests). */
  get size(): number {
    return this.values.size;
  }

  /** `text` with every registered value and every credential-shaped part replaced. Never throws. */
  redact(text: string): string {
    if (typeof text !== 'string' || text === '') return text;
    let out = text;
    this.ordered ??= [...this.values].sort((a, b) => b.length - a.length);
    for (const v of this.ordered) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return redactShapes(out);
  }

  /** A copy of a JSON-like value with every string redacted (keys kept; secret-named keys' values replaced). */
  redactDeep<T>(value: T): T {
    return this.deep(value, 0) as T;
  }

  private deep(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object' || depth > 20) return value;
    if (Array.isArray(value)) return value.map((v) => this.deep(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && typeof v === 'string' && v !== '' ? REDACTED : this.deep(v, depth + 1);
    }
    return out;
  }
}

/** The shape-based layer alone (no registered values). Idempotent. */
export function redactShapes(text: string): string {
  return text
    .replace(URL_PASSWORD, (_m, head: string, pw: string) => (pw === REDACTED ? `${head}:${pw}@` : `${head}:${REDACTED}@`))
    .replace(SECRET_ASSIGNMENT, (_m, name: string, sep: string, value: string) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
      return `${name}${sep}${quote}${REDACTED}${quote}`;
    })
    .replace(GITHUB_TOKEN, REDACTED)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(CAPITAL_RUN, REDACTED);
}

/** The secrets this process knows about. Commands register what they learn; every printer uses it. */
export const secrets = new Redactor();

/** Register the secret-named variables of an environment (GITHUB_TOKEN, AZURE_CLIENT_SECRET…). */
export function registerEnvironmentSecrets(env: Readonly<Record<string, string | undefined>>, redactor: Redactor = secrets): void {
  redactor.addVariables(env);
}

/**
 * A stream whose `write` redacts strings before they leave. Everything else (isTTY, columns,
 * events) is the original stream's, so colour and spinner decisions do not change.
 */
export function redactingStream<S extends { write(chunk: string, ...rest: never[]): boolean }>(stream: S, redactor: Redactor = secrets): S {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (c: unknown, ...r: unknown[]) => boolean).call(target, typeof chunk === 'string' ? redactor.redact(chunk) : chunk, ...rest);
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The same io with stdout and stderr redacting (idempotent: wrapping twice changes nothing visible). */
export function redactingIo<T extends { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }>(io: T, redactor: Redactor = secrets): T {
  return {
    ...io,
    stdout: redactingStream(io.stdout as unknown as { write(chunk: string): boolean }, redactor) as unknown as T['stdout'],
    stderr: redactingStream(io.stderr as unknown as { write(chunk: string): boolean }, redactor) as unknown as T['stderr'],
  };
}
