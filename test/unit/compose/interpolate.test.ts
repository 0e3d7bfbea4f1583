import { describe, it, expect } from 'vitest';
import { formatPath, interpolate, interpolateTree } from '../../../src/compose/interpolate.js';
import { composeError, lookupFrom } from './helpers.js';

const vars = lookupFrom({ SET: 'value', EMPTY: '', B: 'bee', NAME_2: 'n2' });
const run = (s: string): string => interpolate(s, vars);

describe('interpolate', () => {
  it('substitutes $V and ${V}; unset is empty and reported', () => {
    expect(run('a $SET b ${SET}c $NAME_2')).toBe('a value b valuec n2');
    const unset: string[] = [];
    expect(interpolate('[$NOPE][${NOPE2}]', vars, { onUnset: (n) => unset.push(n) })).toBe('[][]');
    expect(unset).toEqual(['NOPE', 'NOPE2']);
  });

  it('turns $$ into $ and leaves a lone $ alone', () => {
    expect(run('$$SET $${SET} cost $5 end$ $')).toBe('$SET ${SET} cost $5 end$ $');
  });

  it(':- and - defaults', () => {
    expect(run('${SET:-d} ${EMPTY:-d} ${UNSET:-d}')).toBe('value d d');
    expect(run('${SET-d} ${EMPTY-d} ${UNSET-d}')).toBe('value  d');
    expect(run('${UNSET:-}')).toBe('');
    expect(run('${UNSET:-a b:c}')).toBe('a b:c');
  });

  it(':+ and + alternatives', () => {
    expect(run('${SET:+a} ${EMPTY:+a} ${UNSET:+a}|')).toBe('a  |');
    expect(run('${SET+a} ${EMPTY+a} ${UNSET+a}|')).toBe('a a |');
  });

  it(':? and ? required variables', () => {
    expect(run('${SET:?x} ${EMPTY?x}')).toBe('value ');
    const err = composeError(() => run('${EMPTY:?please set EMPTY}'));
    expect(err.variable).toBe('EMPTY');
    expect(err.detail).toBe('required variable EMPTY is missing a value: please set EMPTY');
    expect(composeError(() => run('${UNSET?}')).detail).toBe('required variable UNSET is missing a value');
    expect(composeError(() => run('${UNSET:?}')).variable).toBe('UNSET');
  });

  it('nests defaults and evaluates them lazily', () => {
    expect(run('${UNSET:-${B}}')).toBe('bee');
    expect(run('${UNSET:-${ALSO_UNSET:-deep-$SET}}')).toBe('deep-value');
    expect(run('${SET:-${UNSET:?never evaluated}}')).toBe('value');
    expect(run('${UNSET:-x}}')).toBe('x}');
    expect(run('${UNSET:-$$}')).toBe('$');
    expect(composeError(() => run('${UNSET:-${NEEDED:?inner}}')).variable).toBe('NEEDED');
  });

  it('rejects unterminated and malformed braces', () => {
    expect(composeError(() => run('abc ${SET')).detail).toMatch(/unterminated "\$\{"/);
    expect(composeError(() => run('${')).detail).toMatch(/unterminated/);
    expect(composeError(() => run('${UNSET:-${B}')).detail).toMatch(/unterminated/);
    expect(composeError(() => run('${}')).detail).toMatch(/variable name/);
    expect(composeError(() => run('${1A}')).detail).toMatch(/variable name/);
    expect(composeError(() => run('${A B}')).detail).toMatch(/unexpected " "/);
    expect(composeError(() => run('${A:x}')).detail).toMatch(/unexpected ":"/);
    // syntax is checked even in a branch that is not taken
    expect(composeError(() => run('${SET:-${}}')).detail).toMatch(/variable name/);
  });

  it('uses the position it is given', () => {
    const err = composeError(() => interpolate('${X:?}', vars, { at: { file: 'f.yaml', line: 4, column: 2 } }));
    expect(err.message.startsWith('f.yaml:4:2: required variable X')).toBe(true);
  });
});

describe('interpolateTree', () => {
  it('interpolates string values at any depth but never keys or non-strings', () => {
    const tree = { services: { $SET: { image: 'img:${SET}', ports: ['${B}', 3000], tty: true, x: null } } };
    expect(interpolateTree(tree, vars)).toEqual({ services: { $SET: { image: 'img:value', ports: ['bee', 3000], tty: true, x: null } } });
    expect(tree.services.$SET.image).toBe('img:${SET}');
  });

  it('errors carry the path and the located position', () => {
    const seen: string[] = [];
    const err = composeError(() =>
      interpolateTree({ services: { db: { environment: ['OK=1', 'PW=${PW:?need a password}'] } } }, vars, {
        locate: (p) => {
          seen.push(formatPath(p));
          return { file: 'compose.yaml', line: 7, column: 9 };
        },
      }),
    );
    expect(seen).toEqual(['services.db.environment[1]']);
    expect(err.message).toMatch(/^compose\.yaml:7:9: services\.db\.environment\[1\]: required variable PW is missing a value: need a password/);
    expect(err.variable).toBe('PW');
  });

  it('reports unset variables with their path', () => {
    const unset: string[] = [];
    interpolateTree({ a: ['$NOPE'] }, vars, { onUnset: (n, p) => unset.push(`${n}@${formatPath(p)}`) });
    expect(unset).toEqual(['NOPE@a[0]']);
  });
});
