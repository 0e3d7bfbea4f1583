import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/compose/model.js';
import { containerCreateOptions, containerNameFor, dependsOnLabelValue, imageNameFor } from '../../../src/engine/create.js';
import { COMPOSE_VERSION } from '../../../src/engine/labels.js';

const web: ServiceSpec = {
  name: 'web',
  image: 'busybox:latest',
  command: ['httpd', '-f', '-p', '8000'],
  environment: { Z: 'last', A: 'first=1' },
  ports: [
    { hostIp: '', published: 18000, target: 8000, protocol: 'tcp' },
    { hostIp: '127.0.0.1', published: 18001, target: 8000, protocol: 'tcp' },
    { hostIp: '', target: 9000, protocol: 'udp' },
  ],
  volumes: [
    { type: 'volume', source: 'data', target: '/data', readOnly: false },
    { type: 'bind', source: '/srv/conf', target: '/conf', readOnly: true },
  ],
  dependsOn: ['db', 'cache'],
  restart: 'unless-stopped',
  labels: { 'x.owner': 'me', 'com.docker.compose.project': 'spoof' },
};

const project: ComposeProject = {
  name: 'demo',
  workingDir: '/work/demo',
  configFiles: ['/work/demo/docker-compose.yml', '/work/demo/override.yml'],
  services: [web],
  volumes: ['data'],
};

describe('containerCreateOptions', () => {
  const opts = containerCreateOptions({ project, service: web, image: 'busybox:latest', imageId: 'sha256:abc', configHash: 'h1' });

  it('names like compose', () => {
    expect(containerNameFor('demo', web)).toBe('demo-web-1');
    expect(containerNameFor('demo', { ...web, containerName: 'devlake' })).toBe('devlake');
    expect(imageNameFor('demo', { name: 'ui' })).toBe('demo-ui');
    expect(opts.name).toBe('demo-web-1');
  });

  it('labels like compose, ours over the file', () => {
    expect(opts.Labels).toEqual({
      'x.owner': 'me',
      'com.docker.compose.project': 'demo',
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project.working_dir': '/work/demo',
      'com.docker.compose.project.config_files': '/work/demo/docker-compose.yml,/work/demo/override.yml',
      'com.docker.compose.config-hash': 'h1',
      'com.docker.compose.depends_on': 'db:service_started:false,cache:service_started:false',
      'com.docker.compose.version': COMPOSE_VERSION,
      'com.docker.compose.image': 'sha256:abc',
    });
    expect(dependsOnLabelValue({ dependsOn: [] })).toBe('');
  });

  it('env, ports, mounts, restart, network', () => {
    expect(opts.Env).toEqual(['A=first=1', 'Z=last']);
    expect(opts.Cmd).toEqual(['httpd', '-f', '-p', '8000']);
    expect(opts.Entrypoint).toBeUndefined();
    expect(opts.ExposedPorts).toEqual({ '8000/tcp': {}, '9000/udp': {} });
    expect(opts.HostConfig?.PortBindings).toEqual({
      '8000/tcp': [
        { HostIp: '', HostPort: '18000' },
        { HostIp: '127.0.0.1', HostPort: '18001' },
      ],
      '9000/udp': [{ HostIp: '', HostPort: '' }],
    });
    expect(opts.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: 'demo_data', Target: '/data', ReadOnly: false }]);
    expect(opts.HostConfig?.Binds).toEqual(['/srv/conf:/conf:ro']);
    expect(opts.HostConfig?.RestartPolicy).toEqual({ Name: 'unless-stopped' });
    expect(opts.HostConfig?.NetworkMode).toBe('demo_default');
    expect(opts.NetworkingConfig).toEqual({ EndpointsConfig: { demo_default: { Aliases: ['demo-web-1', 'web'] } } });
  });

  it('defaults: restart no, no command', () => {
    const bare = containerCreateOptions({
      project,
      service: { name: 'x', environment: {}, ports: [], volumes: [], dependsOn: [], labels: {} },
      image: 'demo-x',
      configHash: 'h',
    });
    expect(bare.HostConfig?.RestartPolicy).toEqual({ Name: 'no' });
    expect(bare.Cmd).toBeUndefined();
    expect(bare.Labels?.['com.docker.compose.image']).toBeUndefined();
    expect(bare.HostConfig?.Mounts).toBeUndefined();
  });
});
