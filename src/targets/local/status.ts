// `gh-devlake status` for a local deployment: the state file in --dir and the health of each endpoint;
// without a state file, a DevLake found on the well-known local bundles. The CLI has checked --dir,
// registered the secrets and wrapped the streams in the redactor (src/cli/commands/status.ts).

import path from 'node:path';
import { Output } from '../../io/output.js';
import { EXIT } from '../../io/exit-codes.js';
import type { GlobalIo } from '../../io/global-io.js';
import { readLocalState, LOCAL_STATE_FILE } from '../../devlake/state.js';
import { checkEndpoints, discoverLocal, type EndpointHealth } from '../../devlake/discovery.js';

interface StatusFlags {
  dir: string;
  json?: boolean;
}

const LABEL: Record<EndpointHealth['name'], string> = { backend: 'Backend', grafana: 'Grafana', configUi: 'Config UI' };

export function statusLocalCommand(io: GlobalIo) {
  return async (raw: unknown): Promise<number> => {
    const flags = raw as StatusFlags;
    const out = new Output({ json: Boolean(flags.json), stdout: io.stdout, stderr: io.stderr, env: io.env });
    const dir = path.resolve(flags.dir);
    const state = await readLocalState(dir);
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
