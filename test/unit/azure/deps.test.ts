// Dependency hygiene: every installed @azure package accepts Node 20, and no Azure module loads
// unless an Azure command runs (only type imports and dynamic import() of @azure/*).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

/** Does an engines.node range accept Node 20? Handles the forms @azure packages use (>=N, >=N.M.P, ^, ||). */
function acceptsNode20(range: string): boolean {
  return range.split('||').some((part) => {
    const p = part.trim();
    const ge = /^>=\s*v?(\d+)/.exec(p);
    if (ge) return Number(ge[1]) <= 20;
    const caret = /^\^\s*v?(\d+)/.exec(p);
    if (caret) return Number(caret[1]) === 20;
    if (p === '*' || p === '') return true;
    return false;
  });
}

function azurePackages(dir: string, out: { name: string; version: string; node?: string; where: string }[] = []) {
  const nm = path.join(dir, 'node_modules');
  if (!existsSync(nm)) return out;
  for (const scope of ['@azure', '@azure-rest']) {
    const sdir = path.join(nm, scope);
    if (!existsSync(sdir)) continue;
    for (const name of readdirSync(sdir)) {
      const pdir = path.join(sdir, name);
      const pj = path.join(pdir, 'package.json');
      if (!existsSync(pj)) continue;
      const p = JSON.parse(readFileSync(pj, 'utf8')) as { name: string; version: string; engines?: { node?: string } };
      out.push({ name: p.name, version: p.version, ...(p.engines?.node ? { node: p.engines.node } : {}), where: pdir });
      azurePackages(pdir, out);
    }
  }
  // Nested node_modules of other packages may hold @azure packages too.
  for (const entry of readdirSync(nm)) {
    if (entry.startsWith('.') || entry.startsWith('@azure')) continue;
    const scoped = entry.startsWith('@') ? readdirSync(path.join(nm, entry)).map((n) => path.join(nm, entry, n)) : [path.join(nm, entry)];
    for (const pdir of scoped) if (existsSync(path.join(pdir, 'node_modules'))) azurePackages(pdir, out);
  }
  return out;
}

describe('@azure dependencies', () => {
  const pkgs = azurePackages(root);

  it('are installed', () => {
    for (const name of ['@azure/identity', '@azure/arm-resources', '@azure/arm-mysql-flexible', '@azure/arm-keyvault', '@azure/arm-containerinstance']) {
      expect(pkgs.map((p) => p.name)).toContain(name);
    }
  });

  it('every installed @azure package declares engines that accept Node 20', () => {
    const bad = pkgs.filter((p) => p.node !== undefined && !acceptsNode20(p.node)).map((p) => `${p.name}@${p.version} (${p.node ?? ''}) at ${p.where}`);
    expect(bad).toEqual([]);
  });

  it('arm-resources still ships deployments and deployment operations', async () => {
    const { ResourceManagementClient } = await import('@azure/arm-resources');
    const c = new ResourceManagementClient({ getToken: () => Promise.resolve(null) }, '00000000-0000-0000-0000-000000000000');
    expect(typeof c.deployments.beginCreateOrUpdateAndWait).toBe('function');
    expect(typeof c.deploymentOperations.list).toBe('function');
  });
});

describe('lazy loading', () => {
  const files = [
    ...readdirSync(path.join(root, 'src/azure')).map((f) => path.join(root, 'src/azure', f)),
    ...readdirSync(path.join(root, 'src/targets/azure')).map((f) => path.join(root, 'src/targets/azure', f)),
    path.join(root, 'machines/deploy-azure.ts'),
  ].filter((f) => f.endsWith('.ts'));

  it('no Azure file imports an @azure module statically (type imports only; values through import())', () => {
    const offenders: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(@azure[^']*)'/gm)) offenders.push(`${path.relative(root, f)}: ${m[1] ?? ''}`);
      for (const m of text.matchAll(/^export\s+(?!type\b)[^;]*?from\s+'(@azure[^']*)'/gm)) offenders.push(`${path.relative(root, f)}: ${m[1] ?? ''}`);
    }
    expect(offenders).toEqual([]);
  });
});
