// Real compose files of well-known projects (test/fixtures/compose/README.md names each source
// and commit): each loads, or is rejected for a stated reason, and what it says reaches the model.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadComposeProject } from '../../../src/compose/load.js';
import type { ServiceSpec } from '../../../src/compose/model.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/compose/', import.meta.url));
const load = (dir: string, file: string, opts: { env?: NodeJS.ProcessEnv; profiles?: string[] } = {}) =>
  loadComposeProject({ dir: path.join(FIXTURES, dir), files: [file], env: opts.env ?? {}, ...(opts.profiles ? { profiles: opts.profiles } : {}) });
const svc = (services: ServiceSpec[], name: string): ServiceSpec => {
  const s = services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
const S = 1e9;

describe('real compose files', () => {
  it('Airflow: healthchecks, depends_on conditions, user, expose, profiles', async () => {
    const { project } = await load('airflow', 'docker-compose.yaml');
    expect(project.services.map((s) => s.name)).toEqual(['postgres', 'redis', 'airflow-apiserver', 'airflow-scheduler', 'airflow-dag-processor', 'airflow-worker', 'airflow-triggerer', 'airflow-init']);
    const postgres = svc(project.services, 'postgres');
    expect(postgres.healthcheck).toEqual({ test: ['CMD', 'pg_isready', '-U', 'airflow'], intervalNs: 10 * S, retries: 5, startPeriodNs: 5 * S });
    expect(svc(project.services, 'redis').expose).toEqual(['6379/tcp']);
    const worker = svc(project.services, 'airflow-worker');
    expect(worker.conditions).toEqual([
      { service: 'redis', condition: 'service_healthy' },
      { service: 'postgres', condition: 'service_healthy' },
      { service: 'airflow-apiserver', condition: 'service_healthy' },
      { service: 'airflow-init', condition: 'service_completed_successfully' },
    ]);
    expect(worker.options?.user).toBe('50000:0');
    expect(worker.environment.DUMB_INIT_SETSID).toBe('0');
    expect(svc(project.services, 'airflow-init').options?.user).toBe('0:0');
    const withFlower = await load('airflow', 'docker-compose.yaml', { profiles: ['flower'] });
    expect(withFlower.project.services.map((s) => s.name)).toContain('flower');
    expect(withFlower.project.services.map((s) => s.name)).not.toContain('airflow-cli');
  });

  it("Sentry self-hosted: ~1,500 alias expansions, .env's COMPOSE_PROFILES, pull_policy never, ulimits, builds", async () => {
    const { project } = await load('sentry-self-hosted', 'docker-compose.yml');
    expect(project.name).toBe('sentry-self-hosted');
    expect(project.services.length).toBeGreaterThan(50);
    const web = svc(project.services, 'web');
    expect(web.options?.ulimits).toEqual([{ name: 'nofile', soft: 4096, hard: 4096 }]);
    expect(web.pullPolicy).toBe('never'); // with build: built when missing (the engine's resolveImage), as Compose does
    expect(web.build?.args).toEqual({ SENTRY_IMAGE: 'ghcr.io/getsentry/sentry:nightly' });
    expect(web.platform).toBeUndefined(); // `${DOCKER_PLATFORM:-}` is empty
    expect(web.healthcheck?.startPeriodNs).toBe(300 * S);
    expect(web.healthcheck?.timeoutNs).toBe(90 * S);
    expect(web.conditions?.map((c) => c.condition)).toContain('service_healthy');
  });

  it('immich: name:, shm_size, healthcheck disable: false keeps the image check, binds from .env', async () => {
    const { project } = await load('immich', 'docker-compose.yml');
    expect(project.name).toBe('immich');
    const db = svc(project.services, 'database');
    expect(db.options?.shmSizeBytes).toBe(128 * 1024 * 1024);
    expect(db.healthcheck).toEqual({});
    expect(db.volumes).toEqual([{ type: 'bind', source: path.join(FIXTURES, 'immich/postgres'), target: '/var/lib/postgresql/data', readOnly: false }]);
    expect(svc(project.services, 'redis').healthcheck).toEqual({ test: ['CMD-SHELL', 'redis-cli ping || exit 1'] });
    expect(svc(project.services, 'immich-server').containerName).toBe('immich_server');
  });

  it('plausible community edition: ulimits, volume drivers, env_file', async () => {
    const { project } = await load('plausible', 'docker-compose.yml');
    expect(svc(project.services, 'plausible_events_db').options?.ulimits).toEqual([{ name: 'nofile', soft: 262144, hard: 262144 }]);
    expect(project.volumeSpecs?.['db-data']).toEqual({ name: 'plausible_db-data', external: false, driver: 'local', driverOpts: {}, labels: {} });
    expect(svc(project.services, 'plausible').environment.BASE_URL).toBe('replace-me');
  });

  it('awesome-compose pihole-cloudflared-DoH: custom network with IPAM, ipv4_address, cap_add', async () => {
    const { project } = await load('awesome-compose/pihole-cloudflared-DoH', 'compose.yaml');
    expect(project.networks?.['dns-net']?.ipam).toEqual({ config: [{ subnet: '172.20.0.0/24' }], options: {} });
    expect(svc(project.services, 'cloudflared').networks).toEqual([{ key: 'dns-net', aliases: [], ipv4Address: '172.20.0.2' }]);
    expect(svc(project.services, 'pihole').options?.capAdd).toEqual(['NET_ADMIN']);
  });

  it('awesome-compose wireguard: sysctls and capabilities', async () => {
    const { project } = await load('awesome-compose/wireguard', 'compose.yaml');
    const wg = svc(project.services, 'wireguard');
    expect(wg.options?.sysctls).toEqual({ 'net.ipv4.conf.all.src_valid_mark': '1' });
    expect(wg.options?.capAdd).toEqual(['NET_ADMIN', 'SYS_MODULE']);
    expect(wg.restart).toBe('unless-stopped');
  });

  it('awesome-compose nginx-golang-mysql: file secret, build target, service_healthy', async () => {
    const { project } = await load('awesome-compose/nginx-golang-mysql', 'compose.yaml');
    const backend = svc(project.services, 'backend');
    expect(backend.build?.target).toBe('builder');
    expect(backend.volumes).toEqual([{ type: 'bind', source: path.join(FIXTURES, 'awesome-compose/nginx-golang-mysql/db/password.txt'), target: '/run/secrets/db-password', readOnly: true }]);
    expect(backend.conditions).toEqual([{ service: 'db', condition: 'service_healthy' }]);
    expect(svc(project.services, 'db').expose).toEqual(['3306/tcp']);
  });

  it('awesome-compose react-express-mongodb: anonymous volumes, two networks, stdin_open', async () => {
    const { project } = await load('awesome-compose/react-express-mongodb', 'compose.yaml');
    const backend = svc(project.services, 'backend');
    expect(backend.volumes[1]).toEqual({ type: 'volume', source: '', target: '/usr/src/app/node_modules', readOnly: false });
    expect(backend.networks?.map((n) => n.key)).toEqual(['express-mongo', 'react-express']);
    expect(svc(project.services, 'frontend').options?.stdinOpen).toBe(true);
  });

  it('awesome-compose elasticsearch-logstash-kibana: dotted environment keys, network driver', async () => {
    const { project } = await load('awesome-compose/elasticsearch-logstash-kibana', 'compose.yaml');
    expect(svc(project.services, 'elasticsearch').environment['discovery.type']).toBe('single-node');
    expect(project.networks?.elastic?.driver).toBe('bridge');
  });
});
