// Progress events of the project verbs (up/down/start/stop), for the CLI's reporter.

import type { BuildProgress, PullProgress } from './images.js';

export type ContainerAction = 'created' | 'recreated' | 'started' | 'unchanged' | 'stopped' | 'removed';

export type EngineEvent =
  | { type: 'network'; name: string; action: 'created' | 'exists' | 'removed' }
  | { type: 'volume'; name: string; action: 'created' | 'exists' | 'removed' }
  | { type: 'image'; service: string; image: string; action: 'present' | 'pulling' | 'pulled' | 'building' | 'built'; id?: string }
  | { type: 'pull-progress'; service: string; progress: PullProgress }
  | { type: 'build-progress'; service: string; progress: BuildProgress }
  | { type: 'wave'; index: number; services: string[] }
  | {
      type: 'container';
      service: string;
      /** Container name. */
      name: string;
      /** Container id. `created`/`recreated` carry the new container's id: collect them to undo one attempt. */
      containerId: string;
      action: ContainerAction;
      /** For `recreated`: the id of the container it replaced. */
      previousId?: string;
    };

export type EngineEventListener = (event: EngineEvent) => void;
