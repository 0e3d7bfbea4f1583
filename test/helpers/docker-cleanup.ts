// Removing compose projects that tests created (through the product or by hand), via label filters.
// Compose's labels are the standard ones, so what `docker compose` would clean is what we clean.

import Docker from 'dockerode';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
/** Every compose project a test creates has a name starting with this. */
export const TEST_PROJECT_PREFIX = 'gdl-test-';

/**
 * A compose project name for a test: `gdl-test-<slug>-p<pid>`. The pid lets a later run tell a
 * leftover of a dead run from a project another (live) test run is using right now.
 */
export function testProjectName(slug: string): string {
  const clean = slug
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${TEST_PROJECT_PREFIX}${clean || 'x'}-p${process.pid}`;
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** 404 (gone) and 409 (removal already in progress) count as done. */
async function ignoreGone(op: Promise<unknown>, what: string, errors: string[]): Promise<void> {
  try {
    await op;
  } catch (err) {
    const status = statusOf(err);
    if (status === 404) return;
    if (status === 409 && /already in progress|is being removed/i.test((err as Error).message)) return;
    errors.push(`${what}: ${(err as Error).message}`);
  }
}

export interface RemoveProjectOptions {
  /** Remove the project's named volumes too (default true). */
  volumes?: boolean;
  docker?: Docker;
}

/**
 * Remove a compose project: its containers (forced), networks and, by default, volumes.
 * Matches the compose project label, plus networks/volumes named `<project>_…` without labels.
 * Never throws because something is already gone; throws once, listing everything else that failed.
 */
export async function removeComposeProject(name: string, opts: RemoveProjectOptions = {}): Promise<void> {
  const docker = opts.docker ?? new Docker();
  const removeVolumes = opts.volumes ?? true;
  const filter = JSON.stringify({ label: [`${COMPOSE_PROJECT_LABEL}=${name}`] });
  const errors: string[] = [];

  const containers = await docker.listContainers({ all: true, filters: filter });
  await Promise.all(
    containers.map((c) => ignoreGone(docker.getContainer(c.Id).remove({ force: true, v: removeVolumes }), `container ${c.Names[0] ?? c.Id}`, errors)),
  );

  const networks = await docker.listNetworks({});
  const ownNetworks = networks.filter((n) => n.Labels?.[COMPOSE_PROJECT_LABEL] === name || n.Name.startsWith(`${name}_`));
  for (const n of ownNetworks) await ignoreGone(docker.getNetwork(n.Id).remove(), `network ${n.Name}`, errors);

  if (removeVolumes) {
    const { Volumes: volumes } = await docker.listVolumes({});
    const own = (volumes ?? []).filter((v) => v.Labels?.[COMPOSE_PROJECT_LABEL] === name || v.Name.startsWith(`${name}_`));
    for (const v of own) await ignoreGone(docker.getVolume(v.Name).remove({ force: true }), `volume ${v.Name}`, errors);
  }

  if (errors.length > 0) throw new Error(`removing compose project ${name} left things behind:\n  ${errors.join('\n  ')}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface StaleCleanupOptions {
  docker?: Docker;
  /** Remove every `gdl-test-*` project, whatever its age or owner (default: under CI=true). */
  all?: boolean;
  /** A project without a live owner pid counts as stale once this old (default 30 min). */
  minAgeMs?: number;
  /** Pid liveness check (tests override it). */
  isAlive?: (pid: number) => boolean;
}

/**
 * Remove leftovers of earlier, aborted test runs: compose projects named `gdl-test-*`.
 * Other engineers may be running tests on this engine right now, so outside CI a project is only
 * removed when the pid in its name (`-p<pid>`) is dead, or, without a pid, when it is older than
 * `minAgeMs`. Returns the projects removed.
 */
export async function removeStaleTestProjects(opts: StaleCleanupOptions = {}): Promise<string[]> {
  const docker = opts.docker ?? new Docker();
  const all = opts.all ?? process.env.CI === 'true';
  const minAgeMs = opts.minAgeMs ?? 30 * 60_000;
  const isAlive = opts.isAlive ?? pidAlive;
  const now = Date.now();

  // project → newest creation time seen (ms)
  const projects = new Map<string, number>();
  const see = (project: string | undefined, createdMs: number): void => {
    if (!project?.startsWith(TEST_PROJECT_PREFIX)) return;
    const prev = projects.get(project);
    projects.set(project, Math.max(prev ?? 0, Number.isFinite(createdMs) ? createdMs : now));
  };
  const filter = JSON.stringify({ label: [COMPOSE_PROJECT_LABEL] });
  for (const c of await docker.listContainers({ all: true, filters: filter })) see(c.Labels[COMPOSE_PROJECT_LABEL], c.Created * 1000);
  for (const n of await docker.listNetworks({ filters: filter })) see(n.Labels?.[COMPOSE_PROJECT_LABEL], Date.parse(n.Created));
  const { Volumes: volumes } = await docker.listVolumes({ filters: filter });
  for (const v of volumes ?? []) {
    const created = (v as { CreatedAt?: string }).CreatedAt;
    see(v.Labels?.[COMPOSE_PROJECT_LABEL], created ? Date.parse(created) : now);
  }

  const stale: string[] = [];
  for (const [project, createdMs] of projects) {
    const pid = /-p(\d+)$/.exec(project)?.[1];
    const owned = pid !== undefined && isAlive(Number(pid));
    if (all || (pid !== undefined && !owned) || (pid === undefined && now - createdMs >= minAgeMs)) stale.push(project);
  }
  for (const project of stale) await removeComposeProject(project, { docker, volumes: true });
  return stale;
}
