import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/engine/errors.js';
import { classify } from '../../../src/recovery/classify.js';
import { normalizeFailure, toDeployFailure } from '../../../src/recovery/failure.js';
import type { DeployFailure } from '../../../src/recovery/types.js';

describe('toDeployFailure', () => {
  it('EngineError: the daemon words and facts, source engine', () => {
    const err = new EngineError({
      operation: 'container.start',
      statusCode: 500,
      rawMessage: 'Bind for 0.0.0.0:8080 failed: port is already allocated',
      service: 'devlake',
      target: 'devlake-devlake-1',
    });
    expect(toDeployFailure(err, { source: 'health' })).toEqual({
      source: 'engine',
      statusCode: 500,
      message: 'Bind for 0.0.0.0:8080 failed: port is already allocated',
      operation: 'container.start',
      service: 'devlake',
      target: 'devlake-devlake-1',
    });
  });

  it('EngineError with a syscall code', () => {
    const err = new EngineError({ operation: 'ping', rawMessage: 'connect EACCES /var/run/docker.sock', syscallCode: 'EACCES' });
    const f = toDeployFailure(err);
    expect(f).toMatchObject({ source: 'engine', code: 'EACCES', operation: 'ping' });
    expect(classify(f).classId).toBe('local.docker-unavailable');
  });

  it('DeployError (our typed failures) gives back its failure', () => {
    const failure: DeployFailure = { source: 'health', code: 'deadline', message: 'no answer', target: 'http://localhost:8080/ping' };
    const err = Object.assign(new Error('no answer'), { name: 'DeployError', failure });
    expect(toDeployFailure(err)).toEqual(failure);
  });

  it('a DeployFailure passes through, with context filling gaps only', () => {
    const f: DeployFailure = { source: 'release', statusCode: 404, message: 'x answered HTTP 404', operation: 'release.download' };
    expect(toDeployFailure(f, { operation: 'other', target: 't' })).toEqual({ ...f, target: 't' });
  });

  it('a Node socket error naming the docker socket is an engine failure', () => {
    const err = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), {
      code: 'ENOENT',
      errno: -2,
      syscall: 'connect',
      address: '/var/run/docker.sock',
    });
    const f = toDeployFailure(err);
    expect(f).toEqual({ source: 'engine', code: 'ENOENT', message: 'connect ENOENT /var/run/docker.sock' });
    expect(classify(f).facts.socket).toBe('/var/run/docker.sock');
  });

  it('other socket errors take the context source', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(toDeployFailure(err, { source: 'health', operation: 'health.ping' })).toEqual({
      source: 'health',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:8080',
      operation: 'health.ping',
    });
    expect(toDeployFailure(err).source).toBe('internal');
  });

  it("fetch's TypeError: the cause's code and words", () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
    const err = new TypeError('fetch failed', { cause });
    expect(toDeployFailure(err, { source: 'health' })).toMatchObject({
      source: 'health',
      code: 'ECONNREFUSED',
      message: 'fetch failed: connect ECONNREFUSED 127.0.0.1:8080',
    });
  });

  it("Node's AggregateError with an empty message uses its errors' messages", () => {
    const err = Object.assign(
      new AggregateError([new Error('connect ECONNREFUSED ::1:8080'), new Error('connect ECONNREFUSED 127.0.0.1:8080')], ''),
      { code: 'ECONNREFUSED' },
    );
    const f = toDeployFailure(err, { source: 'health' });
    expect(f.code).toBe('ECONNREFUSED');
    expect(f.message).toBe('connect ECONNREFUSED ::1:8080; connect ECONNREFUSED 127.0.0.1:8080');
  });

  it("dockerode's raw error: the daemon words without its prefix", () => {
    const err = Object.assign(new Error('(HTTP code 409) unexpected - Conflict. The container name "/x" is already in use by container "abcdef0123". '), {
      statusCode: 409,
      reason: 'unexpected',
      json: { message: 'Conflict. The container name "/x" is already in use by container "abcdef0123".' },
    });
    const f = toDeployFailure(err);
    expect(f).toEqual({ source: 'engine', statusCode: 409, message: 'Conflict. The container name "/x" is already in use by container "abcdef0123".' });
    expect(classify(f).classId).toBe('local.container-name-conflict');
  });

  it('credential errors are auth failures named by their class', () => {
    for (const name of ['CredentialUnavailableError', 'AggregateAuthenticationError', 'AuthenticationRequiredError']) {
      const err = Object.assign(new Error('please sign in'), { name });
      expect(toDeployFailure(err, { source: 'azure' })).toEqual({ source: 'auth', code: name, message: 'please sign in' });
    }
  });

  it('RestError: status, code and flattened inner details', () => {
    const err = Object.assign(new Error('At least one resource deployment operation failed.'), {
      name: 'RestError',
      statusCode: 400,
      code: 'DeploymentFailed',
      details: {
        error: {
          code: 'DeploymentFailed',
          message: 'At least one resource deployment operation failed.',
          details: [{ code: 'BadRequest', message: '{"error":{"code":"SkuNotAvailable","message":"no SKU"}}', details: [{ code: 'Inner', message: 'deep' }] }],
        },
      },
    });
    expect(toDeployFailure(err)).toEqual({
      source: 'azure',
      statusCode: 400,
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed.',
      details: [
        { code: 'BadRequest', message: '{"error":{"code":"SkuNotAvailable","message":"no SKU"}}' },
        { code: 'SkuNotAvailable', message: 'no SKU' },
        { code: 'Inner', message: 'deep' },
      ],
    });
  });

  it('an ARM error body handed over with source azure', () => {
    const body = { error: { code: 'QuotaExceeded', message: 'over quota', details: [] } };
    expect(toDeployFailure(body, { source: 'azure' })).toEqual({ source: 'azure', code: 'QuotaExceeded', message: 'over quota' });
  });

  it('strings, undefined and odd values', () => {
    expect(toDeployFailure('boom')).toEqual({ source: 'internal', message: 'boom' });
    expect(toDeployFailure(undefined, { source: 'probe' })).toEqual({ source: 'probe', message: 'unknown error' });
    expect(toDeployFailure(42).message).toBe('42');
    expect(toDeployFailure({ weird: true }).message).toBe('{"weird":true}');
  });

  it('never throws, even on hostile objects', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
        getPrototypeOf() {
          throw new Error('no');
        },
      },
    );
    expect(toDeployFailure(hostile, { source: 'engine' })).toMatchObject({ source: 'engine' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    cyclic.cause = cyclic;
    expect(() => toDeployFailure(cyclic)).not.toThrow();
  });
});

describe('normalizeFailure', () => {
  it('coerces what it can and drops what it cannot', () => {
    expect(
      normalizeFailure({
        source: 'nope',
        message: 7,
        statusCode: '500',
        code: '',
        details: [{ code: 'A', message: 'a', target: 't' }, 'junk', { code: 3 }],
        operation: 'pull',
      }),
    ).toEqual({
      source: 'internal',
      message: '7',
      details: [
        { code: 'A', message: 'a', target: 't' },
        { code: '', message: '' },
      ],
      operation: 'pull',
    });
  });
});
