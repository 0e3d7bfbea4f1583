import { describe, it, expect } from 'vitest';
import { parsePort, parsePorts } from '../../../src/compose/ports.js';
import { composeError } from './helpers.js';

const tcp = (target: number, published?: number, hostIp = ''): object =>
  published === undefined ? { hostIp, target, protocol: 'tcp' } : { hostIp, published, target, protocol: 'tcp' };

describe('parsePort short syntax', () => {
  it('HOST:CONTAINER, IP:HOST:CONTAINER and CONTAINER', () => {
    expect(parsePort('8080:8080')).toEqual([tcp(8080, 8080)]);
    expect(parsePort('3002:3000')).toEqual([tcp(3000, 3002)]);
    expect(parsePort('127.0.0.1:3306:3306')).toEqual([tcp(3306, 3306, '127.0.0.1')]);
    expect(parsePort('3000')).toEqual([tcp(3000)]);
    expect(parsePort('3000')[0]).not.toHaveProperty('published');
  });

  it('a YAML integer is a container port', () => {
    expect(parsePort(3000)).toEqual([tcp(3000)]);
  });

  it('protocols', () => {
    expect(parsePort('8080:8080/udp')).toEqual([{ hostIp: '', published: 8080, target: 8080, protocol: 'udp' }]);
    expect(parsePort('53/UDP')).toEqual([{ hostIp: '', target: 53, protocol: 'udp' }]);
    expect(parsePort('80/tcp')).toEqual([tcp(80)]);
  });

  it('IPv6 host addresses, bracketed or not', () => {
    expect(parsePort('[::1]:8080:80')).toEqual([tcp(80, 8080, '::1')]);
    expect(parsePort('::1:8080:80')).toEqual([tcp(80, 8080, '::1')]);
  });

  it('an IP with an empty host port asks for an ephemeral port', () => {
    expect(parsePort('127.0.0.1::80')).toEqual([tcp(80, undefined, '127.0.0.1')]);
  });

  it('expands equal-length ranges', () => {
    expect(parsePort('8000-8001:9000-9001')).toEqual([tcp(9000, 8000), tcp(9001, 8001)]);
    expect(parsePort('127.0.0.1:8000-8002:8000-8002/udp').map((p) => [p.published, p.target, p.protocol, p.hostIp])).toEqual([
      [8000, 8000, 'udp', '127.0.0.1'],
      [8001, 8001, 'udp', '127.0.0.1'],
      [8002, 8002, 'udp', '127.0.0.1'],
    ]);
    expect(parsePort('7000-7001')).toEqual([tcp(7000), tcp(7001)]);
  });

  it.each([
    ['99999', /not between 1 and 65535/],
    ['0', /not between 1 and 65535/],
    ['abc:80', /"abc" is not a host port/],
    ['8080:', /container port is missing/],
    [':80', /host port is missing/],
    ['8000-8001:80', /same length/],
    ['80:8000-8001', /same length/],
    ['8000-8002:9000-9001', /same length/],
    ['9001-9000:9001-9000', /reversed/],
    ['80/sctp', /unsupported protocol/],
    ['300.1.1.1:80:80', /not an IP address/],
    ['[::1]80:80', /bracketed/],
    ['1.5', /not a container port/],
    ['', /container port is missing/],
  ])('rejects %j', (spec, why) => {
    const err = composeError(() => parsePort(spec, { file: 'compose.yaml', line: 12, column: 9 }));
    expect(err.detail).toContain(`invalid port ${JSON.stringify(spec)}`);
    expect(err.detail).toMatch(why);
    expect([err.file, err.line, err.column]).toEqual(['compose.yaml', 12, 9]);
  });

  it('rejects non-integer numbers and other types', () => {
    expect(composeError(() => parsePort(80.5)).detail).toMatch(/not between/);
    expect(composeError(() => parsePort(-1)).detail).toMatch(/not between/);
    expect(composeError(() => parsePort(true)).detail).toMatch(/expected a string/);
    expect(composeError(() => parsePort(['80'])).detail).toMatch(/expected a string/);
  });
});

describe('parsePort long syntax', () => {
  it('reads target, published (number or string), host_ip and protocol', () => {
    expect(parsePort({ target: 80, published: 8080, host_ip: '127.0.0.1', protocol: 'udp', mode: 'host' })).toEqual([
      { hostIp: '127.0.0.1', published: 8080, target: 80, protocol: 'udp' },
    ]);
    expect(parsePort({ target: 80, published: '8080' })).toEqual([tcp(80, 8080)]);
    expect(parsePort({ target: '80' })).toEqual([tcp(80)]);
  });

  it('rejects bad long entries', () => {
    expect(composeError(() => parsePort({ published: 80 })).detail).toMatch(/"target" is required/);
    expect(composeError(() => parsePort({ target: 80, published: 'x' })).detail).toMatch(/not a host port/);
    expect(composeError(() => parsePort({ target: 80, published: '8000-8001' })).detail).toMatch(/range/);
    expect(composeError(() => parsePort({ target: 80, host_ip: 'localhost' })).detail).toMatch(/host_ip/);
    expect(composeError(() => parsePort({ target: 80, mode: 'bridge' })).detail).toMatch(/mode/);
    expect(composeError(() => parsePort({ target: 80, extra: 1 })).detail).toMatch(/unknown key "extra"/);
    expect(composeError(() => parsePort({ target: 80, protocol: { x: 1 } })).detail).toMatch(/unsupported protocol/);
  });
});

describe('parsePorts', () => {
  it('flattens a list and accepts null', () => {
    expect(parsePorts(['8080:8080', 4000, { target: 3000, published: 3002 }])).toEqual([tcp(8080, 8080), tcp(4000), tcp(3000, 3002)]);
    expect(parsePorts(null)).toEqual([]);
    expect(composeError(() => parsePorts('8080:8080')).detail).toMatch(/must be a list/);
  });
});
