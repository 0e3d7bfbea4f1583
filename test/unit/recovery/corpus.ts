// Loading the error corpora in test/fixtures/errors/.

import { readFileSync } from 'node:fs';
import type { ClassId, DeployFailure, FactValue, FailureSource, RepairId } from '../../../src/recovery/types.js';

export interface LocalPositive {
  classId: ClassId;
  source: FailureSource;
  statusCode?: number;
  code?: string;
  operation?: string;
  service?: string;
  target?: string;
  message: string;
  port?: number;
  hostIp?: string;
  facts?: Record<string, FactValue>;
  noFacts?: string[];
  noClass?: ClassId;
  remediationIncludes?: string;
}

export interface LocalNegative {
  classId?: ClassId;
  source: FailureSource;
  statusCode?: number;
  code?: string;
  operation?: string;
  message: string;
  note?: string;
}

interface ArmError {
  code: string;
  message: string;
  details?: unknown[];
}

export type AzureEntry = {
  classId: ClassId;
  facts?: Record<string, FactValue>;
  repair?: RepairId | null;
  remediationIncludes?: string;
  note?: string;
} & (
  | { kind: 'rest'; statusCode: number; error: ArmError }
  | { kind: 'credential'; name: string; message: string }
  | { kind: 'failure'; failure: DeployFailure }
  | { kind: 'raw'; raw: Record<string, unknown> }
);

function load<T>(file: string): T[] {
  const url = new URL(`../../fixtures/errors/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { entries: T[] }).entries;
}

export const localPositive = (): LocalPositive[] => load<LocalPositive>('local-positive.json');
export const localNegative = (): LocalNegative[] => load<LocalNegative>('local-negative.json');
export const azureCorpus = (): AzureEntry[] => load<AzureEntry>('azure.json');

export function failureOf(e: LocalPositive | LocalNegative): DeployFailure {
  const f: DeployFailure = { source: e.source, message: e.message };
  if (e.statusCode !== undefined) f.statusCode = e.statusCode;
  if (e.code !== undefined) f.code = e.code;
  if (e.operation !== undefined) f.operation = e.operation;
  if ('service' in e && e.service !== undefined) f.service = e.service;
  if ('target' in e && e.target !== undefined) f.target = e.target;
  return f;
}

/** What an Azure corpus entry looks like when it is thrown. */
export function thrownOf(e: AzureEntry): unknown {
  switch (e.kind) {
    case 'rest':
      return Object.assign(new Error(e.error.message), {
        name: 'RestError',
        statusCode: e.statusCode,
        code: e.error.code,
        details: e.error.details,
      });
    case 'credential':
      return Object.assign(new Error(e.message), { name: e.name });
    case 'failure':
      return e.failure;
    case 'raw':
      return e.raw;
  }
}

export const PORT_CLASSES: readonly ClassId[] = ['local.port-conflict', 'local.mysql-port-conflict'];

// ── The real-world corpora: verbatim messages users met, each with its source ─────────────────

export interface RealLocal {
  /** Where the message was met: an issue, a pull request, or an upstream file. */
  source: string;
  classId: ClassId;
  title?: string;
  failure: DeployFailure;
  facts?: Record<string, FactValue>;
  note?: string;
}

export interface RealNegative {
  source: string;
  failure: DeployFailure;
  /** What it is, when we know (it is never a port conflict). */
  classId?: ClassId;
  note?: string;
}

export type RealAzure = AzureEntry & { source: string };

export const realLocal = (): RealLocal[] => load<RealLocal>('real-local.json');
export const realNegative = (): RealNegative[] => load<RealNegative>('real-negative.json');
export const realAzure = (): RealAzure[] => load<RealAzure>('real-azure.json');
