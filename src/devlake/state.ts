// The state-file schema: `.devlake-local.json` / `.devlake-azure.json`.
// Field names follow the Go `gh devlake` (deployedAt, method, endpoints.backend|grafana|configUi)
// so the two tools can read each other's files; our own fields are additive.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BundleName, Endpoints } from './ports.js';
import type { RecoveryRecord } from '../recovery/types.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readTextFile } from '../util/read-text.js';
import { shellArg } from '../util/shell-arg.js';

export const LOCAL_STATE_FILE = '.devlake-local.json';
export const AZURE_STATE_FILE = '.devlake-azure.json';
/** Our schema version. Files without it were written by the Go tool (treated as version 0). */
export const STATE_SCHEMA_VERSION = 1;

/** Where a local deployment's compose file comes from (`deploy local --source`). */
export const DEPLOY_SOURCES = ['official', 'fork', 'custom'] as const;
export type DeploySource = (typeof DEPLOY_SOURCES)[number];
export type LocalStatus = 'complete' | 'incomplete' | 'prepared' | 'removed';

export interface LocalState {
  schemaVersion?: number;
  deployedAt: string;
  method: string; // 'local' (Go tool also writes 'docker-compose')
  endpoints: Partial<Endpoints> & { backend: string };
  /** Port bundle in use; absent in Go-tool files (then: discover). */
  bundle?: BundleName;
  source?: DeploySource;
  version?: string;
  composeFile?: string;
  /** The Go tool's DevLake project (name, blueprintId…), after scopes are configured. Kept as it is. */
  project?: string | Record<string, unknown>;
  /**
   * The compose project name of this deployment (src/devlake/project-identity.ts). Absent in Go-tool
   * and older files: their deploy used the name compose derives from the folder.
   */
  composeProject?: string;
  /** sha256 of the release docker-compose.yml this tool wrote (src/devlake/release-files.ts): a file that differs is the user's. */
  composeSha256?: string;
  /** True when MySQL's host port was dropped as a repair. */
  mysqlUnpublished?: boolean;
  /**
   * 'complete' once healthy and migrated; 'incomplete' while a deploy is under way or after it failed;
   * 'prepared' after `deploy local --start=false` (files ready, nothing started); 'removed' after
   * `cleanup --local --keep-data` (containers gone, the data volumes kept under composeProject).
   */
  status?: LocalStatus;
  history?: RecoveryRecord[];
  /** Unknown fields from other tools are kept as they are. */
  [key: string]: unknown;
}

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(
    readonly file: string,
    readonly problem: 'empty' | 'not-json' | 'not-object' | 'missing-field' | 'newer-version' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

/** State-file problems a deploy can get past by moving the file aside (`--move-broken-state`). */
export const BROKEN_STATE_PROBLEMS: ReadonlySet<StateFileError['problem']> = new Set(['empty', 'not-json', 'not-object', 'missing-field']);

/** What to do about a broken `.devlake-local.json`: the deploy moves it aside on request; cleanup needs no state file. */
function localRemedy(file: string): string {
  const dir = shellArg(path.dirname(file));
  return (
    `To deploy again, run \`gh-devlake deploy local --dir ${dir} --move-broken-state\` (add the --source you deployed with): it moves ${path.basename(file)} aside as a numbered backup and finds this folder's containers by their labels. ` +
    `\`gh-devlake cleanup --local --dir ${dir}\` and \`gh-devlake stop --dir ${dir}\` work without it. Or restore it from a backup.`
  );
}

/**
 * The checks every state file gets: not empty, JSON, an object, not from a newer gh-devlake.
 * `remedy` says what to do about a broken one, for the messages.
 */
function parseStateObject(text: string, file: string, remedy: string): Record<string, unknown> {
  if (text.trim() === '') throw new StateFileError(file, 'empty', `${file} is empty. ${remedy}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new StateFileError(file, 'not-json', `${file} is not valid JSON (${detail}); it may be truncated. ${remedy}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new StateFileError(file, 'not-object', `${file} does not hold a JSON object. ${remedy}`);
  }
  const obj = data as Record<string, unknown>;
  const version = typeof obj.schemaVersion === 'number' ? obj.schemaVersion : 0;
  if (version > STATE_SCHEMA_VERSION) {
    throw new StateFileError(file, 'newer-version', `${file} was written by a newer gh-devlake (schema ${version}, this one reads up to ${STATE_SCHEMA_VERSION}). Upgrade gh-devlake.`);
  }
  return obj;
}

/** Read a state file in dir; undefined when there is none. */
async function readStateFile<T>(dir: string, name: string, parse: (text: string, file: string) => T): Promise<T | undefined> {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(file, 'unreadable', `cannot read ${file}: ${(err as Error).message}`);
  }
  return parse(text, file);
}

/** Write a whole state file atomically (temp + rename), mode 0600: the old file survives any failure. */
async function writeStateFile(dir: string, name: string, state: object): Promise<string> {
  const file = path.join(dir, name);
  await writeFileAtomic(file, JSON.stringify({ ...state, schemaVersion: STATE_SCHEMA_VERSION }, null, 2) + '\n', 0o600);
  return file;
}

/** Parse a state file's text. Pure, for tests and for readers of either tool's files. */
export function parseLocalState(text: string, file: string): LocalState {
  const obj = parseStateObject(text, file, localRemedy(file));
  const endpoints = obj.endpoints;
  if (typeof endpoints !== 'object' || endpoints === null || typeof (endpoints as Record<string, unknown>).backend !== 'string') {
    throw new StateFileError(file, 'missing-field', `${file} has no endpoints.backend. ${localRemedy(file)}`);
  }
  return obj as LocalState;
}

export function readLocalState(dir: string): Promise<LocalState | undefined> {
  return readStateFile(dir, LOCAL_STATE_FILE, parseLocalState);
}

export function writeLocalState(dir: string, state: LocalState): Promise<string> {
  return writeStateFile(dir, LOCAL_STATE_FILE, state);
}

/** History is capped so a state file cannot grow without bound. */
export const HISTORY_LIMIT = 50;

export function appendHistory(state: LocalState, record: RecoveryRecord): LocalState {
  const history = [...(state.history ?? []), record].slice(-HISTORY_LIMIT);
  return { ...state, history };
}

// ── Azure ────────────────────────────────────────────────────────────────────────────────
// `.devlake-azure.json`, field names as the Go `gh devlake` writes them (resourceGroup, region,
// suffix, resources{keyVault,mysql,containers,acr}, endpoints, subscriptionId, deployedAt, method).
// Secrets never go here: the MySQL password and ENCRYPTION_SECRET live in the Key Vault only.

export interface AzureResources {
  keyVault: string;
  mysql: string;
  /** The MySQL database DevLake uses ('lake'). */
  database?: string;
  /** Container group names: backend, grafana, config UI. */
  containers: string[];
  /** Container registry for custom images; null with the official images (as the Go tool writes it). */
  acr: string | null;
}

export interface AzureState {
  schemaVersion?: number;
  /** Absent while the deploy is under way (partial state written right after the resource group exists). */
  deployedAt?: string;
  method: string; // 'azure' (the Go tool writes 'bicep' / 'bicep-official')
  subscriptionId: string;
  /** Subscription display name, when known (the Go tool writes it). */
  subscription?: string;
  resourceGroup: string;
  region: string;
  suffix: string;
  baseName?: string;
  useOfficialImages?: boolean;
  version?: string;
  /** The ARM deployment's name in the resource group. */
  deploymentName?: string;
  resources: AzureResources;
  endpoints?: Partial<Endpoints>;
  status?: 'complete' | 'incomplete';
  /** The Go tool's partial file (its deploy failed after the group existed). */
  partial?: boolean;
  /** References to the secrets in the vault (never their values). */
  secrets?: { keyVault: string; mysqlPassword: string; encryptionSecret: string };
  /** SHA-256 of the last template deployed (with its location): an equal one needs no new submission. */
  templateHash?: string;
  history?: RecoveryRecord[];
  [key: string]: unknown;
}

/**
 * Parse `.devlake-azure.json` text. Pure. Accepts Go-tool files (no schemaVersion, no status),
 * including the partial file the Go tool writes when its deploy fails after creating the group:
 * `{ deployedAt, resourceGroup, region, partial: true }` — no subscription, no resources. Such a
 * file comes back with `subscriptionId: ''` and `status: 'incomplete'`; the command resolves the
 * subscription as a deploy does, and derives the resource names itself.
 */
export function parseAzureState(text: string, file: string): AzureState {
  const obj = parseStateObject(text, file, 'Restore it from a backup, or remove it and run `gh-devlake deploy azure` again to rewrite it.');
  if (typeof obj.resourceGroup !== 'string' || obj.resourceGroup === '') throw new StateFileError(file, 'missing-field', `${file} has no resourceGroup.`);
  if (obj.partial === true) {
    return {
      ...obj,
      method: typeof obj.method === 'string' ? obj.method : 'bicep',
      subscriptionId: typeof obj.subscriptionId === 'string' ? obj.subscriptionId : '',
      region: typeof obj.region === 'string' ? obj.region : '',
      suffix: typeof obj.suffix === 'string' ? obj.suffix : '',
      resources: (typeof obj.resources === 'object' && obj.resources !== null ? obj.resources : { keyVault: '', mysql: '', containers: [], acr: null }) as AzureResources,
      status: 'incomplete',
    } as AzureState;
  }
  if (typeof obj.subscriptionId !== 'string' || obj.subscriptionId === '') throw new StateFileError(file, 'missing-field', `${file} has no subscriptionId.`);
  const resources = obj.resources;
  if (typeof resources !== 'object' || resources === null) throw new StateFileError(file, 'missing-field', `${file} has no resources.`);
  return obj as AzureState;
}

export function readAzureState(dir: string): Promise<AzureState | undefined> {
  return readStateFile(dir, AZURE_STATE_FILE, parseAzureState);
}

export function writeAzureState(dir: string, state: AzureState): Promise<string> {
  return writeStateFile(dir, AZURE_STATE_FILE, state);
}

export async function removeAzureState(dir: string): Promise<boolean> {
  const file = path.join(dir, AZURE_STATE_FILE);
  try {
    await fs.rm(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export function appendAzureHistory(state: AzureState, record: RecoveryRecord): AzureState {
  return { ...state, history: [...(state.history ?? []), record].slice(-HISTORY_LIMIT) };
}
