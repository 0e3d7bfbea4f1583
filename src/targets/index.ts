// The targets, by name: every command that acts on a deployment dispatches through here. Adding a
// target (say Kubernetes through the Helm chart) is a folder under src/targets/ and one line below.

import { azure } from './azure/index.js';
import { local } from './local/index.js';
import type { Target, TargetName } from './types.js';

export const TARGETS: Readonly<Record<TargetName, Target>> = { local, azure };

/** The order in which `status` looks for a state file in --dir (the first found wins). */
export const STATUS_ORDER: readonly TargetName[] = ['azure', 'local'];

export type { Target, TargetName } from './types.js';
