import { describe, expect, it } from 'vitest';
import { findHostProcess } from '../../../src/recovery/port-holder.js';
import type { ProcFs } from '../../../src/recovery/proc-net.js';
import { TCP_LISTEN, decodeProcAddress, findInodeOwner, listeningInodes, parseDockerProxyArgs, parseProcNetTcp } from '../../../src/recovery/proc-net.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 555 1 0000000000000000 20 4 30 10 -1
   3: garbage line
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0FA0 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 778 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 779 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNetTcp', () => {
  it('reads IPv4 rows: address, port, state, uid, inode', () => {
    const rows = parseProcNetTcp(TCP, 4);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      family: 4,
      localAddress: '0.0.0.0',
      localPort: 8080,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      state: TCP_LISTEN,
      uid: 1000,
      inode: 424242,
    });
    expect(rows[1]).toMatchObject({ localAddress: '127.0.0.1', localPort: 3306, uid: 0, inode: 31337 });
    expect(rows[2]).toMatchObject({ state: 1, remotePort: 50000 });
  });

  it('reads IPv6 rows', () => {
    const rows = parseProcNetTcp(TCP6, 6);
    expect(rows.map((r) => [r.localAddress, r.localPort])).toEqual([
      ['::', 4000],
      ['::1', 3306],
      ['::ffff:127.0.0.1', 8081],
    ]);
  });

  it('skips rows of the other family and junk', () => {
    expect(parseProcNetTcp(TCP6, 4)).toEqual([]);
    expect(parseProcNetTcp('', 4)).toEqual([]);
    expect(parseProcNetTcp('0: zz:zz 00:00 0A 0 0 0 0 0 0', 4)).toEqual([]);
  });
});

describe('decodeProcAddress', () => {
  it.each([
    ['0100007F', '127.0.0.1'],
    ['00000000', '0.0.0.0'],
    ['0101A8C0', '192.168.1.1'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000001000000', '::1'],
    ['000080FE00000000000000000100000000', undefined],
    ['000080FE000000000000000001000000', 'fe80::1'],
    ['B80D0120000000000000000001000000', '2001:db8::1'],
    ['nothex!!', undefined],
  ])('%s → %s', (hex, want) => expect(decodeProcAddress(hex)).toBe(want));
});

describe('listeningInodes', () => {
  it('only LISTEN sockets on the port, both families, deduplicated', () => {
    const rows = [...parseProcNetTcp(TCP, 4), ...parseProcNetTcp(TCP6, 6)];
    expect(listeningInodes(rows, 8080)).toEqual([424242]);
    expect(listeningInodes(rows, 3306)).toEqual([31337, 778]);
    expect(listeningInodes(rows, 9)).toEqual([]);
  });
});

/** A fake /proc: files, directories and symlinks; paths not listed fail like the kernel would. */
function fakeProc(spec: {
  files?: Record<string, string>;
  dirs?: Record<string, string[]>;
  links?: Record<string, string>;
  denied?: string[];
}): ProcFs & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile: (p) => {
      reads.push(p);
      const v = spec.files?.[p];
      return v === undefined ? Promise.reject(new Error(`ENOENT ${p}`)) : Promise.resolve(v);
    },
    readdir: (p) => {
      reads.push(p);
      if (spec.denied?.some((d) => p.startsWith(d))) return Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' }));
      const v = spec.dirs?.[p];
      return v === undefined ? Promise.reject(new Error(`ENOENT ${p}`)) : Promise.resolve(v);
    },
    readlink: (p) => {
      reads.push(p);
      const v = spec.links?.[p];
      return v === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(v);
    },
  };
}

describe('findInodeOwner', () => {
  const proc = fakeProc({
    dirs: {
      '/proc': ['1', '17', 'self', '4242', 'net', '99'],
      '/proc/4242/fd': ['0', '1', '2', '7'],
      '/proc/17/fd': ['0', '3'],
    },
    links: {
      '/proc/4242/fd/0': '/dev/null',
      '/proc/4242/fd/7': 'socket:[424242]',
      '/proc/17/fd/3': 'socket:[424242]',
    },
    files: { '/proc/4242/comm': 'python3\n' },
    denied: ['/proc/1/', '/proc/99/'],
  });

  it('finds the pid holding the socket and its command, newest pids first, skipping EACCES', async () => {
    await expect(findInodeOwner([424242], proc)).resolves.toEqual({ pid: 4242, command: 'python3' });
  });

  it('command falls back to "unknown" when comm is unreadable', async () => {
    await expect(findInodeOwner([424242], proc, { maxPids: 10 }).then((r) => r?.pid)).resolves.toBe(4242);
    const other = fakeProc({ dirs: { '/proc': ['17'], '/proc/17/fd': ['3'] }, links: { '/proc/17/fd/3': 'socket:[5]' } });
    await expect(findInodeOwner([5], other)).resolves.toEqual({ pid: 17, command: 'unknown' });
  });

  it('is bounded by maxPids', async () => {
    const many: Record<string, string[]> = { '/proc': Array.from({ length: 500 }, (_, i) => String(i + 1)) };
    const bounded = fakeProc({ dirs: many });
    await expect(findInodeOwner([1], bounded, { maxPids: 20 })).resolves.toBeUndefined();
    expect(bounded.reads.filter((p) => p.endsWith('/fd')).length).toBe(20);
  });

  it('no inodes or no /proc: undefined', async () => {
    await expect(findInodeOwner([], proc)).resolves.toBeUndefined();
    await expect(findInodeOwner([1], fakeProc({}))).resolves.toBeUndefined();
  });
});

// The argv the daemon gives its userland proxy (moby/moby libnetwork/portmapper/proxy_linux.go).
const PROXY_ARGV = ['/usr/bin/docker-proxy', '-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', '3306', '-container-ip', '172.18.0.2', '-container-port', '3306'];

describe('parseDockerProxyArgs', () => {
  it('reads the host and container sides from the NUL-separated cmdline', () => {
    expect(parseDockerProxyArgs(`${PROXY_ARGV.join('\0')}\0`)).toEqual({ proto: 'tcp', hostIp: '127.0.0.1', hostPort: 3306, containerIp: '172.18.0.2', containerPort: 3306 });
  });

  it('an IPv6 container address', () => {
    const argv = PROXY_ARGV.map((a) => (a === '172.18.0.2' ? 'fd00::2' : a === '127.0.0.1' ? '::' : a));
    expect(parseDockerProxyArgs(argv.join('\0'))).toMatchObject({ hostIp: '::', containerIp: 'fd00::2' });
  });

  it.each([
    ['empty', ''],
    ['a flag without its value', PROXY_ARGV.slice(0, -1).join('\0')],
    ['a port out of range', PROXY_ARGV.map((a, i) => (i === 6 ? '70000' : a)).join('\0')],
    ['a port that is not a number', PROXY_ARGV.map((a, i) => (i === 10 ? 'http' : a)).join('\0')],
    ['no container address', PROXY_ARGV.filter((_, i) => i !== 7 && i !== 8).join('\0')],
  ])('%s: undefined', (_, cmdline) => expect(parseDockerProxyArgs(cmdline)).toBeUndefined());
});

describe('findHostProcess', () => {
  const proc = fakeProc({
    files: { '/proc/net/tcp': TCP, '/proc/4242/comm': 'python3\n' },
    dirs: { '/proc': ['4242'], '/proc/4242/fd': ['7'] },
    links: { '/proc/4242/fd/7': 'socket:[424242]' },
  });

  it('Linux: port → listening inode → pid and command (tcp6 missing is fine)', async () => {
    await expect(findHostProcess(8080, proc, { platform: 'linux' })).resolves.toEqual({ pid: 4242, command: 'python3' });
  });

  it('a docker-proxy holder carries the container address it forwards to', async () => {
    const withProxy = fakeProc({
      files: { '/proc/net/tcp': TCP, '/proc/900/comm': 'docker-proxy\n', '/proc/900/cmdline': `${PROXY_ARGV.join('\0')}\0` },
      dirs: { '/proc': ['900'], '/proc/900/fd': ['4'] },
      links: { '/proc/900/fd/4': 'socket:[31337]' },
    });
    await expect(findHostProcess(3306, withProxy, { platform: 'linux' })).resolves.toEqual({
      pid: 900,
      command: 'docker-proxy',
      proxy: { proto: 'tcp', hostIp: '127.0.0.1', hostPort: 3306, containerIp: '172.18.0.2', containerPort: 3306 },
    });
    const unreadable = fakeProc({
      files: { '/proc/net/tcp': TCP, '/proc/900/comm': 'docker-proxy\n' },
      dirs: { '/proc': ['900'], '/proc/900/fd': ['4'] },
      links: { '/proc/900/fd/4': 'socket:[31337]' },
    });
    await expect(findHostProcess(3306, unreadable, { platform: 'linux' })).resolves.toEqual({ pid: 900, command: 'docker-proxy' });
  });

  it('nobody listening: undefined', async () => {
    await expect(findHostProcess(9999, proc, { platform: 'linux' })).resolves.toBeUndefined();
  });

  it('other platforms: undefined without reading anything', async () => {
    const p = fakeProc({});
    await expect(findHostProcess(8080, p, { platform: 'darwin' })).resolves.toBeUndefined();
    await expect(findHostProcess(8080, p, { platform: 'win32' })).resolves.toBeUndefined();
    expect(p.reads).toEqual([]);
  });
});

describe('findHostProcess on the real /proc', () => {
  it.runIf(process.platform === 'linux')('finds this very process listening on an ephemeral port', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const found = await findHostProcess(port);
      // Sandboxes may hide /proc/<pid>/fd; when the kernel lets us look, it must be us.
      if (found) expect(found.pid).toBe(process.pid);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
