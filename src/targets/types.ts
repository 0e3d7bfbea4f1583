// What a deploy target is: one module per target (src/targets/<name>/index.ts) behind this
// interface, and one registry (src/targets/index.ts) the commands dispatch through. Every field that
// loads code is a loader, so a command pays at start-up only for the target it runs.

import type { AnyStateMachine } from 'xstate';
import type { GlobalIo } from '../io/global-io.js';
import type { CheckResult, DoctorReport } from '../doctor/types.js';
import type { ClassId } from '../recovery/types.js';
import type { TargetName } from '../recovery/taxonomy/rule.js';

export type { TargetName } from '../recovery/taxonomy/rule.js';

/** A command's body: the parsed flags in, the exit code out. */
export type Handler = (flags: unknown) => Promise<number>;
/** A handler bound to the process's streams (tests bind their own). */
export type HandlerFactory = (io: GlobalIo) => Handler;
/** Loaded on first use. */
export type Lazy<T> = () => Promise<T>;

export interface DoctorRun {
  dir: string;
  /** The target's own options (Azure: resource group, location…), already checked by the CLI. */
  options?: unknown;
  deps: { env: NodeJS.ProcessEnv } & Record<string, unknown>;
}
export type DoctorChecks = (run: DoctorRun) => Promise<{ checks: CheckResult[]; skipped: DoctorReport['skipped'] }>;

export interface Target {
  name: TargetName;
  /** The state file a deployment of this target leaves in --dir. */
  stateFile: string;
  /** The taxonomy classes this target's failures can take (its rules; shared rules apply to every target). */
  classes: readonly ClassId[];
  /** The deploy machine (machines/), pure. */
  machine: Lazy<AnyStateMachine>;
  /** The flow module that provides the machine's actors and runs it. */
  actors: Lazy<unknown>;
  deploy: Lazy<HandlerFactory>;
  start: Lazy<HandlerFactory>;
  stop: Lazy<HandlerFactory>;
  status: Lazy<HandlerFactory>;
  cleanup: Lazy<HandlerFactory>;
  doctor: Lazy<DoctorChecks>;
}
