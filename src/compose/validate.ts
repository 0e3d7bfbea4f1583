// Structural validation against the Compose Specification's JSON schema, the way Compose itself
// validates (compose-go loads, interpolates, then validates against the same schema). The schema
// is compiled ahead of time into ./schema/validate.ts (scripts/vendor-compose-schema.mjs) and
// imported only when a compose file is loaded, so start-up does not pay for it.
import { ComposeError } from './errors.js';
import type { SourceRef } from './errors.js';
import type { YamlPath } from './interpolate.js';

type Locate = (path: YamlPath, key?: boolean) => SourceRef;

interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** Throws a ComposeError at the first structural error (deepest first), with what to do. */
export async function validateSchema(model: unknown, locate: Locate): Promise<void> {
  const { validate } = (await import('./schema/validate.js')) as { validate: Validator };
  if (validate(model)) return;
  const errors = validate.errors ?? [];
  // ajv reports each failed oneOf branch and then the oneOf itself; the deepest error is the
  // one nearest to what the user wrote wrong.
  const depth = (e: SchemaError): number => pointer(e.instancePath).length + (e.keyword === 'additionalProperties' ? 1 : 0);
  const best = [...errors].sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b))[0];
  if (!best) throw new ComposeError({ ...locate([]), message: 'the file does not match the Compose Specification', hint: 'see docs/compose.md' });
  throw describe(best, model, locate);
}

function rank(e: SchemaError): number {
  return ['additionalProperties', 'required', 'enum', 'pattern', 'type', 'oneOf'].indexOf(e.keyword) >>> 0;
}

/** `/services/web/ports/0` → ['services', 'web', 'ports', 0] (numbers where the data is a list). */
function pointer(instancePath: string): YamlPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: SchemaError, model: unknown, locate: Locate): ComposeError {
  const p = pointer(e.instancePath);
  const where = p.join('.') || 'the file';
  const value = p.reduce<unknown>((v, seg) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined), model);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const at = [...p, key];
      return new ComposeError({
        ...locate(at, true),
        message: `unknown key "${at.join('.')}"`,
        hint: 'check the spelling against the Compose Specification; docs/compose.md lists every key gh-devlake knows (extensions start with "x-")',
      });
    }
    case 'required':
      return new ComposeError({ ...locate(p, true), message: `${where}: "${String(e.params.missingProperty)}" is required`, hint: `add ${String(e.params.missingProperty)}: under ${where}` });
    case 'enum':
      return new ComposeError({
        ...locate(p),
        message: `${where}: ${JSON.stringify(value)} is not allowed`,
        hint: `use one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      });
    case 'type':
      return new ComposeError({ ...locate(p), message: `${where} must be ${article(String(e.params.type))}, not ${kind(value)}`, hint: `change ${where} to ${article(String(e.params.type))}` });
    case 'uniqueItems':
      return new ComposeError({ ...locate(p), message: `${where} lists the same entry twice`, hint: 'remove the duplicate' });
    default:
      return new ComposeError({
        ...locate(p),
        message: `${where}: ${JSON.stringify(value)} does not match the Compose Specification (${e.keyword})`,
        hint: 'see the Compose Specification for the forms this key takes (docs/compose.md)',
      });
  }
}

function article(type: string): string {
  return type
    .split(',')
    .map((t) => (t === 'array' ? 'a list' : t === 'object' ? 'a mapping' : t === 'integer' ? 'an integer' : `a ${t}`))
    .join(' or ');
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}
