// depends_on conditions, waited on like Compose v2 does (pkg/compose/convergence.go,
// waitDependencies): service_healthy polls the engine's own health status (State.Health, set by
// the Healthcheck in the create body) until "healthy"; service_completed_successfully polls until
// the container exited, and exit code 0 is success. Compose's failures are ours: no healthcheck,
// "unhealthy", exited while awaited to be healthy, a non-zero exit. Every wait is bounded by the
// deadline and the signal; the poll interval is Compose's (500 ms).

import type { DependencyCondition } from '../compose/model.js';
import type { Engine } from './client.js';
import { abortOpt } from './client.js';
import { sleep } from '../util/sleep.js';

export const POLL_INTERVAL_MS = 500;

export class DependencyFailed extends Error {
  override readonly name = 'DependencyFailed';
  constructor(
    /** The service that was waiting. */
    readonly service: string,
    readonly dependency: string,
    readonly condition: DependencyCondition,
    readonly reason: 'no-healthcheck' | 'unhealthy' | 'exited' | 'failed' | 'timeout',
    detail: string,
  ) {
    super(`service "${service}" waits for "${dependency}" (${condition}): ${detail}`);
  }

  get hint(): string {
    switch (this.reason) {
      case 'no-healthcheck':
        return `add a healthcheck: to "${this.dependency}" (or to its image), or use condition: service_started`;
      case 'timeout':
        return `"${this.dependency}" did not get there in time: check its logs (gh-devlake logs ${this.dependency}), or raise --timeout`;
      default:
        return `check the logs of "${this.dependency}" (gh-devlake logs ${this.dependency})`;
    }
  }
}

interface ContainerState {
  Status: string;
  ExitCode: number;
  Health?: { Status: string; Log?: { Output?: string }[] };
}

export interface WaitOptions {
  service: string;
  dependency: string;
  /** Epoch ms. */
  deadline: number;
  signal?: AbortSignal;
}

/** Resolves when the dependency's container satisfies the condition; throws DependencyFailed otherwise. */
export async function waitForCondition(engine: Engine, containerId: string, condition: DependencyCondition, opts: WaitOptions): Promise<void> {
  if (condition === 'service_started') return;
  const fail = (reason: DependencyFailed['reason'], detail: string): DependencyFailed => new DependencyFailed(opts.service, opts.dependency, condition, reason, detail);
  for (;;) {
    opts.signal?.throwIfAborted();
    const info = await engine.call('container.inspect', (d) => d.getContainer(containerId).inspect(abortOpt(opts.signal)) as Promise<{ State: ContainerState; Config: { Healthcheck?: { Test?: string[] } } }>, {
      service: opts.dependency,
      target: containerId,
      signal: opts.signal,
    });
    const state = info.State;
    if (condition === 'service_healthy') {
      const test = info.Config.Healthcheck?.Test;
      if (!state.Health || test?.[0] === 'NONE') throw fail('no-healthcheck', 'it has no healthcheck');
      if (state.Health.Status === 'healthy') return;
      if (state.Health.Status === 'unhealthy') {
        const last = state.Health.Log?.at(-1)?.Output?.trim();
        throw fail('unhealthy', `it is unhealthy${last ? ` (last check: ${last.slice(0, 200)})` : ''}`);
      }
      if (state.Status === 'exited' || state.Status === 'dead') throw fail('exited', `it exited with code ${state.ExitCode} before it was healthy`);
    } else {
      if (state.Status === 'exited' || state.Status === 'dead') {
        if (state.ExitCode === 0) return;
        throw fail('failed', `it did not complete successfully: exit code ${state.ExitCode}`);
      }
    }
    const left = opts.deadline - Date.now();
    if (left <= 0) {
      const now = condition === 'service_healthy' ? `health "${state.Health?.Status ?? 'none'}"` : `state "${state.Status}"`;
      throw fail('timeout', `still ${now} at the deadline`);
    }
    await sleep(Math.min(POLL_INTERVAL_MS, left), opts.signal);
  }
}
