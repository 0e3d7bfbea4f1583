import { describe, it, expect } from 'vitest';
import { dependencyWaves, parseDependsOn, stopWaves, withDependencies } from '../../../src/compose/order.js';
import { composeError } from './helpers.js';

const svc = (name: string, ...dependsOn: string[]): { name: string; dependsOn: string[] } => ({ name, dependsOn });

describe('parseDependsOn', () => {
  it('list form', () => {
    expect(parseDependsOn(['mysql', 'grafana', 'mysql'])).toEqual([
      { service: 'mysql', condition: 'service_started', required: true },
      { service: 'grafana', condition: 'service_started', required: true },
    ]);
    expect(parseDependsOn(null)).toEqual([]);
  });

  it('map form with conditions', () => {
    expect(
      parseDependsOn({
        mysql: { condition: 'service_healthy' },
        init: { condition: 'service_completed_successfully', restart: true },
        cache: { required: false },
        plain: null,
      }),
    ).toEqual([
      { service: 'mysql', condition: 'service_healthy', required: true },
      { service: 'init', condition: 'service_completed_successfully', required: true },
      { service: 'cache', condition: 'service_started', required: false },
      { service: 'plain', condition: 'service_started', required: true },
    ]);
  });

  it('rejects bad forms', () => {
    expect(composeError(() => parseDependsOn({ a: { condition: 'service_ready' } })).detail).toMatch(/unknown condition/);
    expect(composeError(() => parseDependsOn({ a: { wait: true } })).detail).toMatch(/unknown key "wait"/);
    expect(composeError(() => parseDependsOn({ a: { required: 'yes' } })).detail).toMatch(/required/);
    expect(composeError(() => parseDependsOn([1])).detail).toMatch(/service names/);
    expect(composeError(() => parseDependsOn('mysql')).detail).toMatch(/list or a mapping/);
  });
});

const names = (waves: { name: string }[][]): string[][] => waves.map((w) => w.map((x) => x.name));

describe('dependencyWaves', () => {
  const devlake = [svc('mysql'), svc('grafana', 'mysql'), svc('devlake', 'mysql'), svc('config-ui', 'devlake')];

  it('groups services into waves that depend only on earlier waves, in file order', () => {
    expect(names(dependencyWaves(devlake))).toEqual([['mysql'], ['grafana', 'devlake'], ['config-ui']]);
    expect(names(dependencyWaves([svc('c', 'a', 'b'), svc('b', 'a'), svc('a'), svc('z')]))).toEqual([['a', 'z'], ['b'], ['c']]);
    expect(dependencyWaves([])).toEqual([]);
  });

  it('stop order is the reverse', () => {
    expect(names(stopWaves(devlake))).toEqual([['config-ui'], ['grafana', 'devlake'], ['mysql']]);
  });

  it('unknown dependency names both services and uses the locator', () => {
    const err = composeError(() => dependencyWaves([svc('a', 'ghost')], (s) => ({ file: 'compose.yaml', line: s === 'a' ? 5 : 0 })));
    expect(err.detail).toBe('service "a" depends on undefined service "ghost"');
    expect(err.line).toBe(5);
  });

  it('names the cycle', () => {
    expect(composeError(() => dependencyWaves([svc('a', 'b'), svc('b', 'a')])).detail).toBe('dependency cycle: a -> b -> a');
    expect(composeError(() => dependencyWaves([svc('a', 'a')])).detail).toBe('dependency cycle: a -> a');
    // The engine reads depends_on labels of a subset: a dependency outside it holds nothing back, a cycle still throws.
    expect(names(dependencyWaves([svc('d', 'b', 'c'), svc('b', 'a'), svc('c', 'a', 'a'), svc('a', 'external')], { unknown: 'satisfied' }))).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(composeError(() => dependencyWaves([svc('a', 'b'), svc('b', 'a'), svc('c')], { unknown: 'satisfied' })).detail).toBe('dependency cycle: a -> b -> a');
    expect(composeError(() => dependencyWaves([svc('x'), svc('d', 'c'), svc('a', 'x', 'b'), svc('b', 'c'), svc('c', 'a')])).detail).toBe(
      'dependency cycle: c -> a -> b -> c',
    );
  });
});

describe('withDependencies', () => {
  it('adds transitive dependencies and keeps file order', () => {
    const services = [svc('mysql'), svc('grafana', 'mysql'), svc('devlake', 'mysql'), svc('config-ui', 'devlake'), svc('extra')];
    expect(withDependencies(services, ['config-ui']).map((s) => s.name)).toEqual(['mysql', 'devlake', 'config-ui']);
    expect(withDependencies(services, ['grafana', 'config-ui']).map((s) => s.name)).toEqual(['mysql', 'grafana', 'devlake', 'config-ui']);
    expect(withDependencies(services)).toHaveLength(5);
    expect(composeError(() => withDependencies(services, ['nope'])).detail).toBe('no such service: nope');
  });
});
