import { describe, expect, it } from 'vitest';
import { parseDependsOnLabel } from '../../../src/engine/start.js';
import { dependencyWaves, withDependencies } from '../../../src/engine/waves.js';

const n = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });
const names = (waves: { name: string }[][]) => waves.map((w) => w.map((x) => x.name));

describe('dependencyWaves', () => {
  it("groups DevLake's shape into waves, file order inside a wave", () => {
    const services = [n('grafana', 'mysql'), n('mysql'), n('devlake', 'mysql'), n('config-ui', 'devlake')];
    expect(names(dependencyWaves(services))).toEqual([['mysql'], ['grafana', 'devlake'], ['config-ui']]);
  });

  it('diamond, unknown dependencies, duplicates', () => {
    expect(names(dependencyWaves([n('d', 'b', 'c'), n('b', 'a'), n('c', 'a', 'a'), n('a', 'external')]))).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('throws on a cycle instead of looping', () => {
    expect(() => dependencyWaves([n('a', 'b'), n('b', 'a'), n('c')])).toThrow(/cycle.*a, b/);
    expect(() => dependencyWaves([n('a', 'a')])).toThrow(/cycle/);
  });
});

describe('withDependencies', () => {
  const services = [n('mysql'), n('grafana', 'mysql'), n('devlake', 'mysql'), n('config-ui', 'devlake')];
  it('adds transitive dependencies, keeps file order', () => {
    expect(withDependencies(services, ['config-ui']).map((s) => s.name)).toEqual(['mysql', 'devlake', 'config-ui']);
    expect(withDependencies(services).length).toBe(4);
    expect(() => withDependencies(services, ['nope'])).toThrow(/no such service: nope/);
  });
});

describe('parseDependsOnLabel', () => {
  it('reads compose v2 depends_on labels', () => {
    expect(parseDependsOnLabel('mysql:service_started:false,devlake:service_healthy:true')).toEqual(['mysql', 'devlake']);
    expect(parseDependsOnLabel('')).toEqual([]);
    expect(parseDependsOnLabel(undefined)).toEqual([]);
  });
});
