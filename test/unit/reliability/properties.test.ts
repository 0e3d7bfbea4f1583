// Property-based tests (fast-check) the issue asks for that test/unit/compose/properties.test.ts and
// test/unit/recovery/classify.property.test.ts do not already have: the round-trips. The env parser
// reads CRLF/BOM files as their LF spelling, values survive our own writer in every line-ending
// style, interpolation escapes round-trip, the classifier gives a stored (JSON) failure and a
// wrapped one the same class, the state file round-trips, and checkDir ends on any --dir. Rows of docs/reliability.md ("Bad input").

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ComposeError } from '../../../src/compose/errors.js';
import { parseEnv, quoteEnvValue, setEnvValue } from '../../../src/compose/envfile.js';
import { interpolate } from '../../../src/compose/interpolate.js';
import { classify } from '../../../src/recovery/classify.js';
import { toDeployFailure } from '../../../src/recovery/failure.js';
import { DeployError } from '../../../src/recovery/deploy-error.js';
import { StateFileError, parseLocalState, STATE_SCHEMA_VERSION, type LocalState } from '../../../src/devlake/state.js';
import { generateEncryptionSecret } from '../../../src/devlake/secrets.js';
import type { DeployFailure } from '../../../src/recovery/types.js';
import { localPositive } from '../recovery/corpus.js';
import { outcome } from '../../helpers/outcome.js';
import { within } from '../../helpers/within.js';
import { dirInput, makeDirFixtures } from '../../helpers/dir-inputs.js';
import { checkDir } from '../../../src/io/dir-checks.js';
import { InputError } from '../../../src/io/exit-codes.js';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';


const ENV_PIECES = ['A', 'b', '_', '=', '"', "'", '\\', '#', ' ', '\t', '\n', '$', '{', '}', ':-', 'export ', 'x', '.', 'é'];
const envText = fc.string({ unit: fc.constantFrom(...ENV_PIECES), maxLength: 60 });
const key = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,11}$/);
const value = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '#', '"', "'", '\\', '$', '{', '}', '=', ':', '/', '\n', '\r', 'é', '\uFEFF'), maxLength: 30 });
const lookup = (vars: Record<string, string>) => (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined);

describe('env and interpolation round-trips', () => {
  it('property: env parser never throws anything but ComposeError, and CRLF/BOM read like LF', () => {
    fc.assert(
      fc.property(envText, fc.boolean(), (text, bom) => {
        const windows = (bom ? '\uFEFF' : '') + text.replaceAll('\n', '\r\n');
        const lf = outcome(() => parseEnv(text, { file: '.env' }));
        // Deterministic, total (only ComposeError), and blind to line endings and a BOM.
        expect(outcome(() => parseEnv(text, { file: '.env' }))).toEqual(lf);
        expect(outcome(() => parseEnv(windows, { file: '.env' }))).toEqual(lf);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: env values round-trip through quoteEnvValue with CRLF and BOM', () => {
    const entries = fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(entries, fc.boolean(), fc.boolean(), value, fc.nat(), (list, crlf, bom, newValue, pick) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = (bom ? '\uFEFF' : '') + list.map(([k, v]) => `${k}=${quoteEnvValue(v)}`).join(eol) + eol;
        const want = Object.fromEntries(list);
        expect(parseEnv(text, { lookup: () => 'INJECTED' })).toEqual(want);
        // Our one writer (the ENCRYPTION_SECRET update) keeps the file's style and every other value.
        const [target] = list[pick % list.length] ?? ['X'];
        const updated = setEnvValue(text, target, newValue);
        expect(parseEnv(updated)).toEqual({ ...want, [target]: newValue });
        expect(updated.startsWith('\uFEFF')).toBe(bom);
        if (crlf) expect(updated.replaceAll('\r\n', '')).not.toMatch(/\n/);
      }),
      { numRuns: 2000 },
    );
    // The generated secret, written into a release env.example, reads back exactly.
    const example = 'DB_URL=mysql://merico:merico@mysql:3306/lake\r\nENCRYPTION_SECRET=\r\nPORT=8080\r\n';
    for (let i = 0; i < 20; i++) {
      const secret = generateEncryptionSecret();
      expect(parseEnv(setEnvValue(example, 'ENCRYPTION_SECRET', secret)).ENCRYPTION_SECRET).toBe(secret);
    }
  });

  it('property: interpolation escapes round-trip ($$) and substituted values are never re-read', () => {
    const anyText = fc.string({ unit: fc.constantFrom('$', '{', '}', ':', '-', '?', '+', 'A', 'x', ' ', '\n', 'é'), maxLength: 40 });
    fc.assert(
      fc.property(anyText, anyText, anyText, (literal, v, around) => {
        // Escaping every '$' as '$$' gives the text back, whatever it is.
        expect(interpolate(literal.replaceAll('$', '$$$$'), lookup({}))).toBe(literal);
        // A value is inserted as is: its '$' and '${' are not interpolated again.
        const vars = { V: v };
        const escapedAround = around.replaceAll('$', '$$$$');
        expect(interpolate(`${escapedAround}\${V}${escapedAround}`, lookup(vars))).toBe(`${around}${v}${around}`);
        expect(interpolate('$V', lookup(vars))).toBe(v);
        expect(interpolate('${V:-default}', lookup(vars))).toBe(v === '' ? 'default' : v);
      }),
      { numRuns: 2000 },
    );
    const message = fc.string({ unit: fc.constantFrom('a', 'B', ' ', '.', ',', 'é'), maxLength: 30 });
    fc.assert(
      fc.property(key, message, (name, msg) => {
        const err = (() => {
          try {
            interpolate(`\${${name}:?${msg}}`, lookup({}));
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).toBeInstanceOf(ComposeError);
        expect((err as ComposeError).variable).toBe(name);
        expect((err as ComposeError).detail).toBe(`required variable ${name} is missing a value${msg ? `: ${msg}` : ''}`);
      }),
    );
  });
});

const jsonString = fc.string({ maxLength: 200 });
const jsonFailure: fc.Arbitrary<DeployFailure> = fc.record(
  {
    source: fc.constantFrom('engine', 'health', 'release', 'azure', 'auth', 'probe', 'internal'),
    statusCode: fc.integer({ min: 100, max: 599 }),
    code: fc.oneof(fc.constantFrom('ECONNREFUSED', 'ENOENT', 'EACCES', 'ENOSPC', 'deadline', 'migration-deadline', 'not-yaml'), fc.string({ maxLength: 12 })),
    message: fc.oneof(
      jsonString,
      fc.constantFrom(...localPositive().map((e) => e.message)),
      fc.constantFrom('Bind for 0.0.0.0:8080 failed: port is already allocated', 'socket hang up', 'connect ENOENT /var/run/docker.sock'),
    ),
    details: fc.array(fc.record({ code: fc.string({ maxLength: 10 }), message: jsonString }), { maxLength: 3 }),
    operation: fc.constantFrom('pull', 'container.start', 'release.download', 'health.ping'),
    service: fc.constantFrom('devlake', 'mysql', 'grafana'),
    target: jsonString,
  },
  { requiredKeys: ['source', 'message'] },
);

describe('classifier round-trips', () => {
  it('property: classifier is total, deterministic and stable across a JSON round-trip of the failure', () => {
    fc.assert(
      fc.property(jsonFailure, (f) => {
        const c = classify(f);
        // Stored in the state file and read back, or carried by a DeployError through an actor:
        // the same class, facts, repair and remediation.
        expect(classify(JSON.parse(JSON.stringify(f)) as DeployFailure)).toEqual(c);
        expect(classify(toDeployFailure(new DeployError(f)))).toEqual(c);
        expect(classify(f)).toEqual(c);
      }),
      { numRuns: 2000 },
    );
    // Every real message of the corpus keeps its class through both trips.
    for (const e of localPositive()) {
      const f: DeployFailure = { source: e.source, message: e.message, ...(e.statusCode ? { statusCode: e.statusCode } : {}), ...(e.code ? { code: e.code } : {}), ...(e.operation ? { operation: e.operation } : {}) };
      expect(classify(toDeployFailure(new DeployError(JSON.parse(JSON.stringify(f)) as DeployFailure))).classId, e.message).toBe(e.classId);
    }
  });
});

const stateArb: fc.Arbitrary<LocalState> = fc.record(
  {
    deployedAt: fc.string(),
    method: fc.constantFrom('local', 'docker-compose'),
    endpoints: fc.record({ backend: fc.webUrl(), grafana: fc.webUrl(), configUi: fc.webUrl() }, { requiredKeys: ['backend'] }),
    bundle: fc.constantFrom('default' as const, 'alternate' as const),
    source: fc.constantFrom('official' as const, 'fork' as const, 'custom' as const),
    version: fc.string(),
    status: fc.constantFrom('complete' as const, 'incomplete' as const),
    mysqlUnpublished: fc.boolean(),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['deployedAt', 'method', 'endpoints'] },
);

describe('state file round-trips', () => {
  it('property: state file round-trips and bad text fails only with StateFileError', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const text = JSON.stringify({ ...state, schemaVersion: STATE_SCHEMA_VERSION }, null, 2) + '\n';
        expect(parseLocalState(text, 's.json')).toEqual(JSON.parse(text));
        // Every truncation of a written file is refused as such, never half-read.
        for (const cut of [0, 1, Math.floor(text.length / 2), text.length - 3]) {
          const e = (() => {
            try {
              parseLocalState(text.slice(0, cut), 's.json');
            } catch (err) {
              return err;
            }
            return undefined;
          })();
          expect(e).toBeInstanceOf(StateFileError);
          expect(['empty', 'not-json']).toContain((e as StateFileError).problem);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        try {
          parseLocalState(text, 's.json');
        } catch (err) {
          expect(err).toBeInstanceOf(StateFileError);
          expect((err as Error).message).toMatch(/^s\.json /);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('--dir is bounded', () => {
  it('property: checkDir ends within its deadline on any --dir, and a refused --dir leaves nothing behind', async () => {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-dir-prop-'));
    try {
      await makeDirFixtures(scratch);
      const before = (await fs.readdir(scratch)).sort();
      await fc.assert(
        fc.asyncProperty(dirInput(scratch), async (dir) => {
          // A spin (Node's recursive mkdir on /proc) fails here after 3 s instead of hanging.
          const result = await within(3_000, `checkDir(${dir})`, checkDir(dir).then((r): { created?: string } | Error => r, (e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
          if (result instanceof Error) {
            expect(result, dir).toBeInstanceOf(InputError);
            expect(result.message).toMatch(/--dir /);
            expect((await fs.readdir(scratch)).sort(), dir).toEqual(before);
          } else {
            // The product reads --dir lexically (path.resolve), so "x/.." is its parent even when x is missing.
            expect((await fs.stat(path.resolve(dir))).isDirectory(), dir).toBe(true);
            if (result.created) {
              expect(path.resolve(dir).startsWith(result.created), dir).toBe(true);
              await fs.rm(result.created, { recursive: true });
            }
          }
        }),
        { numRuns: 400 },
      );
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  });
});
