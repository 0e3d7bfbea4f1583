import { describe, expect, it } from 'vitest';
import { EngineError, toEngineError } from '../../../src/engine/errors.js';

/** What docker-modem rejects with when the daemon answers with an error status. */
function modemError(statusCode: number, reason: string, json: unknown, cause: string): Error {
  const e = new Error(`(HTTP code ${statusCode}) ${reason} - ${cause} `) as Error & Record<string, unknown>;
  e.reason = reason;
  e.statusCode = statusCode;
  e.json = json;
  return e;
}

describe('toEngineError', () => {
  it('keeps the daemon message from json.message, without the dockerode prefix', () => {
    const daemon =
      'driver failed programming external connectivity on endpoint x-web-1 (abc): Bind for 0.0.0.0:8080 failed: port is already allocated';
    const err = toEngineError(modemError(500, 'server error', { message: daemon }, daemon), 'container.start', { service: 'web', target: 'abc' });
    expect(err).toBeInstanceOf(EngineError);
    expect(err.facts).toEqual({ operation: 'container.start', statusCode: 500, rawMessage: daemon, service: 'web', target: 'abc' });
    expect(err.message).toBe(daemon);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('streaming endpoints: json is null, the message is cut out of the text', () => {
    const daemon = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host';
    const err = toEngineError(modemError(500, 'server error', null, daemon), 'pull');
    expect(err.facts.rawMessage).toBe(daemon);
    expect(err.facts.statusCode).toBe(500);
    const unexpected = toEngineError(modemError(404, 'unexpected', null, 'pull access denied for x'), 'pull');
    expect(unexpected.facts.rawMessage).toBe('pull access denied for x');
  });

  it('a non-JSON body (Buffer) is kept as text', () => {
    const err = toEngineError(modemError(502, 'unexpected', Buffer.from('Bad Gateway\n'), 'Bad Gateway'), 'list');
    expect(err.facts).toMatchObject({ statusCode: 502, rawMessage: 'Bad Gateway' });
  });

  it('socket errors carry the syscall code', () => {
    const e = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT', errno: -2, syscall: 'connect', address: '/var/run/docker.sock' });
    const err = toEngineError(e, 'ping');
    expect(err.facts).toEqual({ operation: 'ping', rawMessage: 'connect ENOENT /var/run/docker.sock', syscallCode: 'ENOENT' });
    expect(err.facts.statusCode).toBeUndefined();
    const denied = toEngineError(Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }), 'ping');
    expect(denied.facts.syscallCode).toBe('EACCES');
    const nodeCode = toEngineError(Object.assign(new Error('bad url'), { code: 'ERR_INVALID_URL' }), 'connect');
    expect(nodeCode.facts.syscallCode).toBeUndefined();
  });

  it('an EngineError passes through, gaining missing context', () => {
    const original = new EngineError({ operation: 'pull', rawMessage: 'manifest unknown' });
    expect(toEngineError(original, 'container.create')).toBe(original);
    const withService = toEngineError(original, 'container.create', { service: 'mysql' });
    expect(withService.facts).toEqual({ operation: 'pull', rawMessage: 'manifest unknown', service: 'mysql' });
  });

  it('anything else becomes a message', () => {
    expect(toEngineError('boom', 'build').facts).toEqual({ operation: 'build', rawMessage: 'boom' });
  });
});
