// `gh-devlake status`: the deployment recorded in --dir and the health of each endpoint;
// without a state file, a DevLake found on the well-known local bundles.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Output } from '../output.js';
import { EXIT } from '../exit-codes.js';
import type { GlobalIo } from '../main.js';
import { readLocalState, AZURE_STATE_FILE, LOCAL_STATE_FILE } from '../../devlake/state.js';
import { checkEndpoints, discoverLocal, type EndpointHealth } from '../../devlake/discovery.js';
import { redactingIo, registerEnvironmentSecrets } from '../../util/redact.js';
import { registerDeploymentSecrets } from '../../devlake/known-secrets.js';
import { checkExistingDir } from '../dir-checks.js';

interface StatusFlags {
  dir: string;
  json?: boolean;
}

const LABEL: Record<EndpointHealth['name'], string> = { backend: 'Backend', grafana: 'Grafana', configUi: 'Config UI' };

export function statusCommand(processIo: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as StatusFlags;
    registerEnvironmentSecrets(processIo.env);
    const io = redactingIo(processIo);
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    await checkExistingDir(flags.dir);
    const dir = path.resolve(flags.dir);
    await registerDeploymentSecrets(dir, io.env);
    const state = await readLocalState(dir);
    // The Azure command module (and later the SDK) only when there is an Azure deployment here.
    if (existsSync(path.join(dir, AZURE_STATE_FILE))) return (await import('./azure.js')).azureStatus(dir, out, io);
    if (state) {
      const health = await checkEndpoints(state.endpoints);
      if (out.json) {
        out.document({
          deployment: {
            kind: 'local',
            stateFile: path.join(dir, LOCAL_STATE_FILE),
            method: state.method,
            deployedAt: state.deployedAt,
            source: state.source ?? null,
            version: state.version ?? null,
            bundle: state.bundle ?? null,
            status: state.status ?? 'complete',
          },
          endpoints: health,
          history: state.history ?? [],
        });
        return EXIT.ok;
      }
      out.line(`Local DevLake in ${dir}${state.version ? ` (${state.version}` : ''}${state.source ? `${state.version ? ', ' : ' ('}${state.source})` : state.version ? ')' : ''}`);
      out.line(`  Deployed:  ${state.deployedAt}${state.status === 'incomplete' ? '  (the last deploy did not finish)' : ''}`);
      if (state.bundle) out.line(`  Bundle:    ${state.bundle}`);
      for (const h of health) out.line(`  ${(LABEL[h.name] + ':').padEnd(11)}${h.url}  ${h.healthy ? out.green('healthy') : out.red(`not healthy (${h.status !== undefined ? `HTTP ${h.status}` : (h.error ?? 'no answer')})`)}`);
      const last = state.history?.at(-1);
      if (last) out.line(`  Last recovery: ${last.classId} → ${last.repair ?? 'no repair'} (${last.outcome}, ${last.at})`);
      return EXIT.ok;
    }
    const found = await discoverLocal();
    if (out.json) {
      out.document({ deployment: null, discovered: found ? { bundle: found.bundle, endpoints: await checkEndpoints(found.endpoints) } : null });
      return EXIT.ok;
    }
    if (!found) {
      out.line(`No deployment in ${dir} (no ${LOCAL_STATE_FILE}), and no DevLake answers on the local bundles (8080 or 8085).`);
      out.line('Deploy one with `gh-devlake deploy local --dir DIR`.');
      return EXIT.ok;
    }
    out.line(`No state file in ${dir}; found a DevLake on the ${found.bundle} bundle:`);
    for (const h of await checkEndpoints(found.endpoints)) out.line(`  ${(LABEL[h.name] + ':').padEnd(11)}${h.url}  ${h.healthy ? out.green('healthy') : out.red('not healthy')}`);
    return EXIT.ok;
  };
}
