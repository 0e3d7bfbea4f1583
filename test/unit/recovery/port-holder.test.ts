import { describe, expect, it } from 'vitest';
import { OUTSIDE_DOCKER, describeHolderText, describePortHolder } from '../../../src/recovery/port-holder.js';
import type { PublisherInfo } from '../../../src/recovery/port-holder.js';

const FILE = '/home/u/devlake/docker-compose.yml';
const publisher: PublisherInfo = {
  name: '/devlake-devlake-1',
  project: 'devlake',
  configFiles: [FILE],
  workingDir: '/home/u/devlake',
};
const noProcess = (): Promise<undefined> => Promise.resolve(undefined);

describe('describePortHolder', () => {
  it('a compose container whose file exists: compose stop with that file (never down: it removes)', async () => {
    const holder = await describePortHolder(8080, {
      findPublishers: () => [publisher],
      exists: (f) => f === FILE,
      findProcess: noProcess,
    });
    expect(holder).toEqual({
      kind: 'container',
      name: 'devlake-devlake-1',
      project: 'devlake',
      composeFile: FILE,
      stopCommand: `docker compose -f "${FILE}" stop`,
    });
    expect(describeHolderText(holder)).toBe(`in use by container devlake-devlake-1 of compose project devlake (${FILE})`);
  });

  it("another folder's gh-devlake deployment: its own stop (its containers and data stay)", async () => {
    const holder = await describePortHolder(8080, {
      findPublishers: () => [{ ...publisher, workingDir: '/home/u/other lake' }],
      exists: (f) => f === '/home/u/other lake/.devlake-local.json',
      findProcess: noProcess,
    });
    expect(holder).toMatchObject({ kind: 'container', stopCommand: "gh-devlake stop --dir '/home/u/other lake'" });
  });

  it('config_files as the label text: the first existing one', async () => {
    const holder = await describePortHolder(8080, {
      findPublishers: () => Promise.resolve([{ ...publisher, configFiles: `/gone/compose.yml,${FILE}` }]),
      exists: (f) => Promise.resolve(f === FILE),
      findProcess: noProcess,
    });
    expect(holder).toMatchObject({ composeFile: FILE });
  });

  it('config file gone: falls back to a compose file in working_dir', async () => {
    const holder = await describePortHolder(8080, {
      findPublishers: () => [{ ...publisher, configFiles: ['/tmp/gone.yml'] }],
      exists: (f) => f === '/home/u/devlake/compose.yaml',
      findProcess: noProcess,
    });
    expect(holder).toMatchObject({ composeFile: '/home/u/devlake/compose.yaml', stopCommand: 'docker compose -f "/home/u/devlake/compose.yaml" stop' });
  });

  it('no compose file left: docker stop <name>', async () => {
    const holder = await describePortHolder(8080, { findPublishers: () => [publisher], exists: () => false, findProcess: noProcess });
    expect(holder).toEqual({ kind: 'container', name: 'devlake-devlake-1', project: 'devlake', composeFile: undefined, stopCommand: 'docker stop devlake-devlake-1' });
    expect(describeHolderText(holder)).toBe('in use by container devlake-devlake-1 of compose project devlake');
  });

  it('a project name compose would not derive from the directory is passed with -p', async () => {
    const holder = await describePortHolder(8080, {
      findPublishers: () => [{ ...publisher, project: 'mylake' }],
      exists: (f) => f.endsWith('.yml'),
      findProcess: noProcess,
    });
    expect(holder).toMatchObject({ stopCommand: `docker compose -p mylake -f "${FILE}" stop` });
  });

  it('a plain container (no compose labels)', async () => {
    const holder = await describePortHolder(8080, { findPublishers: () => [{ name: 'web' }], exists: () => true, findProcess: noProcess });
    expect(holder).toEqual({ kind: 'container', name: 'web', project: undefined, composeFile: undefined, stopCommand: 'docker stop web' });
    expect(describeHolderText(holder)).toBe('in use by container web');
  });

  it('no container: the host process', async () => {
    const holder = await describePortHolder(8080, {
      findPublishers: () => [],
      findProcess: () => Promise.resolve({ pid: 4242, command: 'python3' }),
    });
    expect(holder).toEqual({ kind: 'process', pid: 4242, command: 'python3' });
    expect(describeHolderText(holder)).toBe('in use by a host process (pid 4242, python3)');
  });

  it('nothing found, or the lookups fail: a process outside Docker', async () => {
    const holder = await describePortHolder(8080, {
      findPublishers: () => Promise.reject(new Error('engine down')),
      findProcess: () => Promise.reject(new Error('no /proc')),
    });
    expect(holder).toEqual({ kind: 'unknown', note: OUTSIDE_DOCKER });
    expect(describeHolderText(holder)).toBe('in use by a process outside Docker');
  });

  it('a throwing exists() counts as missing', async () => {
    const holder = await describePortHolder(8080, {
      findPublishers: () => [publisher],
      exists: () => {
        throw new Error('EPERM');
      },
      findProcess: noProcess,
    });
    expect(holder).toMatchObject({ stopCommand: 'docker stop devlake-devlake-1' });
  });

  describe('a port held through docker-proxy is a container\'s', () => {
    const proxy = { pid: 900, command: 'docker-proxy', proxy: { proto: 'tcp', hostIp: '127.0.0.1', hostPort: 3306, containerIp: '172.18.0.2', containerPort: 3306 } };

    it('resolved by the address it forwards to: the container, its project, file and stop command', async () => {
      const asked: string[] = [];
      const holder = await describePortHolder(3306, {
        findPublishers: () => [],
        findProcess: () => Promise.resolve(proxy),
        findByAddress: (ip) => {
          asked.push(ip);
          return [{ ...publisher, name: '/devlake-mysql-1' }];
        },
        exists: (f) => f === FILE,
      });
      expect(asked).toEqual(['172.18.0.2']);
      expect(holder).toEqual({ kind: 'container', name: 'devlake-mysql-1', project: 'devlake', composeFile: FILE, stopCommand: `docker compose -f "${FILE}" stop` });
      expect(describeHolderText(holder)).toBe(`in use by container devlake-mysql-1 of compose project devlake (${FILE})`);
    });

    it('a publisher in the list wins without looking at /proc', async () => {
      let looked = false;
      const holder = await describePortHolder(3306, {
        findPublishers: () => [publisher],
        findProcess: () => {
          looked = true;
          return Promise.resolve(proxy);
        },
        exists: () => false,
      });
      expect(holder).toMatchObject({ kind: 'container', name: 'devlake-devlake-1' });
      expect(looked).toBe(false);
    });

    it('no container has that address (another engine), or the lookup fails: never "a host process"', async () => {
      for (const findByAddress of [() => [], () => Promise.reject(new Error('engine down')), undefined]) {
        const holder = await describePortHolder(3306, {
          findPublishers: () => [],
          findProcess: () => Promise.resolve(proxy),
          ...(findByAddress ? { findByAddress } : {}),
        });
        expect(holder).toEqual({ kind: 'unknown', note: 'a Docker container this engine does not list (docker-proxy pid 900 forwards it to 172.18.0.2:3306)' });
        expect(describeHolderText(holder)).not.toContain('host process');
      }
    });

    it('a proxy whose command line could not be read is still a container\'s', async () => {
      const holder = await describePortHolder(3306, { findPublishers: () => [], findProcess: () => Promise.resolve({ pid: 900, command: 'docker-proxy' }), findByAddress: () => [publisher] });
      expect(describeHolderText(holder)).toBe('in use by a Docker container this engine does not list (docker-proxy pid 900)');
    });
  });
});
