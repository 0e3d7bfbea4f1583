// The redactor (src/util/redact.ts) and where it is applied: error messages printed by the CLI, and
// recovery records before they reach the state file. Rows of docs/reliability.md ("Secrets").

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { REDACTED, Redactor, isSecretKey, redactShapes, redactingStream, urlPassword } from '../../../src/util/redact.js';
import { reportUnexpected } from '../../../src/cli/unexpected.js';
import { secrets } from '../../../src/util/redact.js';
import { ComposeError } from '../../../src/compose/errors.js';
import { envVariables, scanEnvLeniently } from '../../../src/devlake/env-variables.js';
import type { RecoveryRecord } from '../../../src/recovery/types.js';

const secretValue = fc.stringMatching(/^[A-Za-z0-9_@%+=:,./-]{6,40}$/).filter((s) => !/^\d+$/.test(s) && s !== 'true' && s !== 'false');
const text = fc.string({ unit: fc.constantFrom('a', 'B', ' ', '=', ':', '/', '@', '"', "'", '\n', 'x', 'ENCRYPTION_SECRET', 'mysql://', 'u:', 'DB_URL', 'TOKEN'), maxLength: 60 });

describe('redactor', () => {
  it('property: redactor removes every registered secret, is idempotent, never throws', () => {
    fc.assert(
      fc.property(fc.array(secretValue, { minLength: 1, maxLength: 4 }), text, text, (values, before, after) => {
        const r = new Redactor();
        for (const v of values) r.add(v);
        const input = before + values.join(before) + after;
        const out = r.redact(input);
        for (const v of values) expect(out).not.toContain(v);
        expect(r.redact(out)).toBe(out);
        expect(r.redact(input)).toBe(out);
      }),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.anything(), (x) => {
        const r = new Redactor();
        r.add(x as string);
        r.redact(x as string);
        r.redactDeep(x);
      }),
      { numRuns: 500 },
    );
  });

  it('catches credential shapes it was never told about', () => {
    expect(redactShapes('cannot connect to mysql://merico:hunter2@db:3306/lake')).toBe(`cannot connect to mysql://merico:${REDACTED}@db:3306/lake`);
    expect(redactShapes('ENCRYPTION_SECRET=abc MYSQL_PASSWORD: "p w" api_key=k1')).toBe(`ENCRYPTION_SECRET=${REDACTED} MYSQL_PASSWORD: "${REDACTED}" api_key=${REDACTED}`);
    expect(redactShapes('{"GITHUB_TOKEN":"ghp_abc"}')).toBe(`{"GITHUB_TOKEN":"${REDACTED}"}`);
    expect(redactShapes('token ghp_0123456789abcdefghij0123456789abcdef here')).toBe(`token ${REDACTED} here`);
    expect(redactShapes('Authorization: Bearer eyJhbGciOi.payload.sig')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactShapes('key ' + 'Q'.repeat(128))).toBe(`key ${REDACTED}`);
    // Words we print are left alone.
    for (const s of ['Backed up the previous .env to .env.bak (ENCRYPTION_SECRET kept).', 'Detected: port conflict — 8080 (backend)', 'http://localhost:8080/ping']) {
      expect(redactShapes(s)).toBe(s);
    }
  });

  it('knows which variables are secrets, and finds passwords in URLs', () => {
    for (const k of ['ENCRYPTION_SECRET', 'MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'GITHUB_TOKEN', 'DB_URL', 'E2E_DB_URL', 'ADMIN_PASS', 'AZURE_CLIENT_SECRET', 'API_KEY', 'NOTIFICATION_SECRET']) expect(isSecretKey(k), k).toBe(true);
    for (const k of ['PORT', 'MODE', 'ADMIN_USER', 'LOGGING_DIR', 'PLUGIN_DIR', 'TZ', 'DEVLAKE_ENDPOINT']) expect(isSecretKey(k), k).toBe(false);
    expect(urlPassword('mysql://merico:s3cr3t@mysql:3306/lake?x=1')).toBe('s3cr3t');
    expect(urlPassword('http://localhost:8080')).toBeUndefined();
    const r = new Redactor();
    r.addVariables({ DB_URL: 'mysql://merico:p%40ssw0rd!@db/lake', PORT: '8080', MODE: 'release' });
    expect(r.redact('p@ssw0rd! and p%40ssw0rd! on 8080 in release mode')).toBe(`${REDACTED} and ${REDACTED} on 8080 in release mode`);
  });

  it('reads secrets from a .env that does not even parse', () => {
    const text = '\uFEFFENCRYPTION_SECRET=ABCDEFGHIJ\r\nDB_URL="mysql://u:pw123456@db/x\r\nPORT=8080\r\n';
    expect(scanEnvLeniently(text)).toMatchObject({ ENCRYPTION_SECRET: 'ABCDEFGHIJ', DB_URL: 'mysql://u:pw123456@db/x', PORT: '8080' });
    expect(envVariables(text, '.env').ENCRYPTION_SECRET).toBe('ABCDEFGHIJ');
  });

  it('wraps a stream: strings are redacted, everything else is the stream', () => {
    const r = new Redactor();
    r.add('s3cr3t-value');
    const sink = Object.assign(new PassThrough(), { isTTY: true as const });
    const chunks: string[] = [];
    sink.on('data', (d: Buffer) => chunks.push(d.toString()));
    const wrapped = redactingStream(sink, r);
    wrapped.write('the value is s3cr3t-value\n');
    expect(wrapped.isTTY).toBe(true);
    expect(chunks.join('')).toBe(`the value is ${REDACTED}\n`);
  });
});

describe('where redaction is applied', () => {
  it('secrets: error messages and records are redacted', () => {
    secrets.add('Sup3r-Secret-Pw');
    // An error that quotes a secret (a compose value) is printed without it, with no stack trace.
    const err = new ComposeError({ file: '/d/docker-compose.yml', line: 4, column: 9, message: 'invalid port "Sup3r-Secret-Pw:80": "Sup3r-Secret-Pw" is not a host port or range', hint: 'use "[HOST_IP:]HOST_PORT:CONTAINER_PORT"' });
    let written = '';
    const code = reportUnexpected(err, { stderr: { write: (s: string) => ((written += s), true) } as unknown as NodeJS.WritableStream, env: {} });
    expect(code).toBe(3);
    expect(written).toBe(`error: /d/docker-compose.yml:4:9: invalid port "${REDACTED}:80": "${REDACTED}" is not a host port or range\nuse "[HOST_IP:]HOST_PORT:CONTAINER_PORT"\n`);
    // With DEBUG the stack is shown, redacted too.
    written = '';
    reportUnexpected(new Error('cannot reach mysql://root:Sup3r-Secret-Pw@db'), { stderr: { write: (s: string) => ((written += s), true) } as unknown as NodeJS.WritableStream, env: { DEBUG: '1' } });
    expect(written).not.toContain('Sup3r-Secret-Pw');
    expect(written).toMatch(/\n\s+at /);
    // A recovery record on its way to the state file.
    const record: RecoveryRecord = {
      at: '2024-01-01T00:00:00.000Z',
      flow: 'deploy-local',
      classId: 'unknown',
      facts: { detail: 'DB_URL=mysql://u:Sup3r-Secret-Pw@db/x failed', target: 'http://u:tok3n-value@host/' },
      repair: null,
      attempts: 1,
      outcome: 'failed',
      detail: 'unrecognised failure: Sup3r-Secret-Pw',
    };
    const clean = JSON.stringify(secrets.redactDeep(record));
    expect(clean).not.toContain('Sup3r-Secret-Pw');
    expect(clean).not.toContain('tok3n-value');
  });
});
