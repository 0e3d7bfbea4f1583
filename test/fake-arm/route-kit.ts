// TEST ONLY: what the fake ARM hands to route modules kept outside server.ts (subscriptions,
// container registries), so each family of routes lives in its own file.

import type http from 'node:http';
import type { ArmErrorBody } from './server.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, m: RegExpExecArray, body: unknown) => void;

export interface RouteKit {
  subscriptionId: string;
  /** `/subscriptions/<id>` and `/subscriptions/<id>/resourcegroups/([^/]+)` (regex sources). */
  SUB: string;
  RG: string;
  route: (method: string, re: string, handle: Handler) => void;
  json: (res: http.ServerResponse, status: number, body?: unknown, headers?: Record<string, string>) => void;
  armError: (res: http.ServerResponse, status: number, error: ArmErrorBody) => void;
  /** Start a long-running operation; `done` runs when its status first reads Succeeded. */
  startOp: (status: 'Succeeded' | 'Failed', done?: () => void, error?: ArmErrorBody) => string;
  /** The Azure-AsyncOperation URL of an operation. */
  opUrl: (id: string) => string;
  /** The Location (operation result) URL of an operation. */
  resultUrl: (id: string) => string;
  resourceGroupLocation: (name: string) => string | undefined;
}
