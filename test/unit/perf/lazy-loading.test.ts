// Start-up stays cheap because heavy modules load only for the commands that use them: the
// Azure SDK never for `deploy local` (its whole code path, not just --help), dockerode never
// for --help or status, and dockerode's gRPC/ssh2 parts only when an ssh:// host or a BuildKit
// session needs them. Each case runs the built CLI in a fresh process and records every module.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, assertBuilt, azureModules, runRecorded } from './helpers.js';
import { freePort } from '../../helpers/free-port.js';

// gRPC/protobuf (BuildKit sessions), ssh2 (ssh:// hosts), tar-stream (tar-fs: builds), readable-stream
// (exec/attach). The deferred modules themselves are stand-ins in the cache; these are what they load.
const heavyDockerodeParts = (mods: readonly string[]) => mods.filter((m) => /[\\/]node_modules[\\/](@grpc|ssh2|protobufjs|tar-stream|readable-stream)[\\/]/.test(m));
const loaded = (mods: readonly string[], re: RegExp) => mods.some((m) => re.test(m));

beforeAll(() => assertBuilt());

describe('deploy local loads no @azure/* module', () => {
  it('deploy local --help', () => {
    const r = runRecorded([CLI, 'deploy', 'local', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('--source');
    expect(r.modules.length).toBeGreaterThan(3);
    expect(azureModules(r.modules)).toEqual([]);
    expect(loaded(r.modules, /[\\/]node_modules[\\/]dockerode[\\/]/)).toBe(false);
  });

  it('deploy local through the whole local flow (the release download fails, the failure is classified and reported)', async () => {
    const port = await freePort();
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'gdl-perf-deploy-')), 'stack');
    const r = runRecorded([CLI, 'deploy', 'local', '--dir', dir, '--version', 'v1.0.1'], {
      DEVLAKE_RELEASE_BASE_URL: `http://127.0.0.1:${port}`,
      DEVLAKE_GITHUB_API_URL: `http://127.0.0.1:${port}`,
      DOCKER_HOST: `unix://${path.join(dir, 'no-engine.sock')}`,
    });
    // It got through the flow: the failure report, not a usage or start-up error.
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^Outcome: +failed/m);
    expect(loaded(r.modules, /dist[\\/]src[\\/]targets[\\/]local[\\/]flow\.js$/)).toBe(true);
    expect(loaded(r.modules, /dist[\\/]src[\\/]engine[\\/]up\.js$/)).toBe(true);
    expect(loaded(r.modules, /[\\/]node_modules[\\/]dockerode[\\/]lib[\\/]docker\.js$/)).toBe(true);
    expect(azureModules(r.modules)).toEqual([]);
    // dockerode without its gRPC (BuildKit session), ssh2, build-context and hijack-stream parts.
    expect(heavyDockerodeParts(r.modules)).toEqual([]);
  });

  it('status with nothing deployed loads neither the Azure SDK nor dockerode', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdl-perf-status-'));
    const r = runRecorded([CLI, 'status', '--dir', dir]);
    // 6: nothing deployed here (docs/status.md).
    expect(r.code, r.stderr).toBe(6);
    expect(azureModules(r.modules)).toEqual([]);
    expect(loaded(r.modules, /[\\/]node_modules[\\/]dockerode[\\/]/)).toBe(false);
  });

  it('the recorder does see @azure modules when something loads them (the checks above can fail)', () => {
    const r = runRecorded(['--input-type=module', '-e', "await import('@azure/arm-resources')"]);
    expect(r.code, r.stderr).toBe(0);
    expect(azureModules(r.modules).length).toBeGreaterThan(0);
  });
});

describe("dockerode's deferred parts", () => {
  it('load and work on first use: the ssh transport and the BuildKit session helper', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { openEngine } = await import('./dist/src/engine/client.js');
      openEngine({ env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
      const require = createRequire(import.meta.url);
      const heavy = () => Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/](@grpc|ssh2)[\\\\/]/.test(f)).length;
      const before = heavy();
      const modemRequire = createRequire(require.resolve('dockerode'));
      const ssh = modemRequire('docker-modem/lib/ssh.js');
      const agent = ssh({ host: '127.0.0.1', port: 1 });
      const sshOk = typeof agent.createConnection === 'function';
      agent.destroy();
      const withSession = require('dockerode/lib/session.js');
      const sessionErr = await new Promise((resolve) => withSession({ modem: { dial: (_o, cb) => cb(new Error('no engine')) } }, {}, (err) => resolve(err && err.message)));
      console.log(JSON.stringify({ before, after: heavy(), sshOk, sessionErr }));
    `;
    const r = runRecorded(['--input-type=module', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ before: 0, after: expect.any(Number) as number, sshOk: true, sessionErr: 'no engine' });
    expect((JSON.parse(r.stdout.trim()) as { after: number }).after).toBeGreaterThan(0);
  });

  it('load and work on first use: the build-context packer and the stream of hijacked connections', () => {
    const script = `
      import { createRequire } from 'node:module';
      import { EventEmitter } from 'node:events';
      import { mkdtempSync, writeFileSync } from 'node:fs';
      import os from 'node:os';
      import path from 'node:path';
      const { openEngine } = await import('./dist/src/engine/client.js');
      openEngine({ env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
      const require = createRequire(import.meta.url);
      const loaded = (re) => Object.keys(require.cache).some((f) => re.test(f));
      const fromDockerode = createRequire(require.resolve('dockerode'));
      const fromModem = createRequire(fromDockerode.resolve('docker-modem'));
      const before = { tar: loaded(/[\\/]tar-stream[\\/]/), stream: loaded(/[\\/]readable-stream[\\/]/) };
      // The build context packer: a tar stream of a directory.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gdl-defer-'));
      writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch');
      const chunks = [];
      for await (const c of fromDockerode('tar-fs').pack(dir)) chunks.push(c);
      const tarHasDockerfile = Buffer.concat(chunks).includes(Buffer.from('Dockerfile'));
      // A hijacked connection's duplex, constructed with new: data from the response comes out.
      const HttpDuplex = fromModem('docker-modem/lib/http_duplex.js');
      const res = new EventEmitter();
      res.pause = () => {};
      res.resume = () => {};
      const written = [];
      const duplex = new HttpDuplex({ write: (c) => written.push(String(c)) }, res);
      const out = [];
      duplex.on('data', (c) => out.push(String(c)));
      res.emit('data', Buffer.from('hello'));
      res.emit('end');
      await new Promise((r) => duplex.on('end', r));
      duplex.write('in');
      const after = { tar: loaded(/[\\/]tar-stream[\\/]/), stream: loaded(/[\\/]readable-stream[\\/]/) };
      console.log(JSON.stringify({ before, after, tarHasDockerfile, out: out.join(''), written, isStream: typeof duplex.pipe === 'function' && typeof duplex.write === 'function' }));
    `;
    const r = runRecorded(['--input-type=module', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({
      before: { tar: false, stream: false },
      after: { tar: true, stream: true },
      tarHasDockerfile: true,
      out: 'hello',
      written: ['in'],
      isStream: true,
    });
  });
});
