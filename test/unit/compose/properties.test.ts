import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseEnv, quoteEnvValue, setEnvValue } from '../../../src/compose/envfile.js';
import { interpolate } from '../../../src/compose/interpolate.js';
import { splitShellWords } from '../../../src/compose/shellwords.js';
import { parsePort } from '../../../src/compose/ports.js';
import { lookupFrom } from './helpers.js';
import { outcome } from '../../helpers/outcome.js';


// Strings dense in the characters the parsers care about, plus arbitrary Unicode.
const tricky = (pieces: string[]): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: fc.constantFrom(...pieces), maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const ENV_PIECES = ['A', 'b', '_', '=', '"', "'", '\\', '#', ' ', '\t', '\n', '\r\n', '$', '{', '}', ':-', 'export ', '\uFEFF', 'x', '.'];
const TEMPLATE_PIECES = ['$', '$$', '{', '}', '${', ':', '-', '?', '+', 'A', 'B', '_', '1', ' ', 'x'];
const SHELL_PIECES = ["'", '"', '\\', ' ', '\n', 'a', '$', '#'];
const vars = lookupFrom({ A: 'a', B: '', HOME: '/home' });

describe('properties', () => {
  it('parseEnv throws only ComposeError and is deterministic', () => {
    fc.assert(
      fc.property(tricky(ENV_PIECES), (text) => {
        expect(outcome(() => parseEnv(text, { lookup: vars }))).toEqual(outcome(() => parseEnv(text, { lookup: vars })));
      }),
      { numRuns: 2000 },
    );
  });

  it('interpolate throws only ComposeError and is deterministic', () => {
    fc.assert(
      fc.property(tricky(TEMPLATE_PIECES), (text) => {
        expect(outcome(() => interpolate(text, vars))).toEqual(outcome(() => interpolate(text, vars)));
      }),
      { numRuns: 2000 },
    );
  });

  it('interpolate is the identity on text without "$"', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('$')), (text) => interpolate(text, vars) === text));
  });

  it('splitShellWords and parsePort throw only ComposeError', () => {
    fc.assert(
      fc.property(tricky(SHELL_PIECES), (text) => {
        outcome(() => splitShellWords(text));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.oneof(tricky(['1', '8', ':', '-', '/', '[', ']', '.', 'udp', 'tcp']), fc.integer(), fc.double()), (spec) => {
        outcome(() => parsePort(spec));
      }),
      { numRuns: 1000 },
    );
  });

  it('a shell-quoted word splits back to itself', () => {
    const word = fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', '$', '#', '\n', "'"), maxLength: 20 });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 5 }), (words) => {
        const quoted = words.map((w) => `'${w.replaceAll("'", `'"'"'`)}'`).join(' ');
        expect(splitShellWords(quoted)).toEqual(words);
      }),
    );
  });

  const key = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,11}$/);
  const value = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '#', '"', "'", '\\', '$', '{', '}', '=', ':', '/', '\n', 'é'), maxLength: 30 });

  it('parseEnv(KEY=quoteEnvValue(v)) round-trips', () => {
    fc.assert(
      fc.property(key, value, (k, v) => {
        expect(parseEnv(`${k}=${quoteEnvValue(v)}\n`, { lookup: () => 'INJECTED' })).toEqual({ [k]: v });
      }),
      { numRuns: 2000 },
    );
  });

  it('safe values are written unquoted', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_./-]{1,20}$/), (v) => quoteEnvValue(v) === v));
  });

  it('setEnvValue changes only the target key', () => {
    const entries = fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(entries, fc.nat(), value, fc.boolean(), (list, pick, newValue, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = list.map(([k, v]) => `${k}=${quoteEnvValue(v)}`).join(eol) + eol;
        const [target] = list[pick % list.length] ?? ['X'];
        const updated = setEnvValue(text, target, newValue);
        const expected = Object.fromEntries(list.map(([k, v]) => [k, k === target ? newValue : v]));
        expect(parseEnv(updated)).toEqual(expected);
        // every other line is byte-identical (quoteEnvValue never writes a raw newline)
        const others = (t: string): string[] => t.split(eol).filter((line) => !line.startsWith(`${target}=`));
        expect(others(updated)).toEqual(others(text));
      }),
      { numRuns: 1000 },
    );
  });
});
