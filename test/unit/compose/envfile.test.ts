import { describe, it, expect } from 'vitest';
import { parseEnv, quoteEnvValue, setEnvValue } from '../../../src/compose/envfile.js';
import { composeError, lookupFrom } from './helpers.js';

describe('parseEnv', () => {
  it('parses KEY=VALUE, KEY= and skips blank and comment lines', () => {
    const text = '# comment\n\nA=1\n  # indented comment\nB=\nC = spaced  \n';
    expect(parseEnv(text)).toEqual({ A: '1', B: '', C: 'spaced' });
  });

  it('strips a UTF-8 BOM and handles CRLF', () => {
    expect(parseEnv('\uFEFFA=1\r\nB=two\r\n')).toEqual({ A: '1', B: 'two' });
    expect(parseEnv('A="x"\r\nB=\'y\'\r\n')).toEqual({ A: 'x', B: 'y' });
  });

  it('accepts the export prefix', () => {
    expect(parseEnv('export A=1\nexport\tB="2"\n')).toEqual({ A: '1', B: '2' });
    expect(parseEnv('export=3')).toEqual({ export: '3' });
  });

  it('treats " #" as an inline comment on unquoted values only', () => {
    expect(parseEnv('A=value # comment\nB=a#b\nC=x\t# tab comment\nD= # only comment\nE=#literal')).toEqual({
      A: 'value',
      B: 'a#b',
      C: 'x',
      D: '',
      E: '#literal',
    });
    expect(parseEnv('A="v # not a comment" # comment\nB=\'w # kept\'')).toEqual({ A: 'v # not a comment', B: 'w # kept' });
  });

  it('keeps single-quoted values literal', () => {
    expect(parseEnv("A='$HOME \\n ${X}'", { lookup: lookupFrom({ HOME: '/h', X: 'x' }) })).toEqual({ A: '$HOME \\n ${X}' });
  });

  it('unescapes double-quoted values', () => {
    expect(parseEnv('A="a\\nb\\tc\\\\d\\"e"')).toEqual({ A: 'a\nb\tc\\d"e' });
    expect(parseEnv('A="keep \\q"')).toEqual({ A: 'keep \\q' });
    expect(parseEnv('A="cost \\$5"', { lookup: lookupFrom({ '5': 'no' }) })).toEqual({ A: 'cost $5' });
  });

  it('reads multi-line double-quoted values and keeps counting lines', () => {
    const text = 'A="line1\nline2\r\nline3"\nB=after\nC="open\n';
    const err = composeError(() => parseEnv(text, { file: 'x.env' }));
    expect(err.line).toBe(5);
    expect(parseEnv('A="line1\nline2\r\nline3"\nB=after')).toEqual({ A: 'line1\nline2\nline3', B: 'after' });
  });

  it('reports an unterminated quote with file, line and column', () => {
    const err = composeError(() => parseEnv('A=1\nB=2\nC=  "oops\nD=4\n', { file: '/p/.env' }));
    expect(err.file).toBe('/p/.env');
    expect(err.line).toBe(3);
    expect(err.column).toBe(5);
    expect(err.message).toMatch(/^\/p\/\.env:3:5: unterminated double-quoted value for C/);
    expect(composeError(() => parseEnv("\n\nX='abc")).line).toBe(3);
  });

  it('rejects text after a closing quote and bad keys', () => {
    expect(composeError(() => parseEnv('A="x" y')).detail).toMatch(/after the closing quote/);
    expect(composeError(() => parseEnv('MY KEY=1')).detail).toMatch(/contains a space/);
    expect(composeError(() => parseEnv('=1')).detail).toMatch(/missing variable name/);
    expect(composeError(() => parseEnv('A$=1')).detail).toMatch(/invalid character/);
  });

  it('takes a bare KEY from the lookup, or omits it', () => {
    expect(parseEnv('HOME\nMISSING\n', { lookup: lookupFrom({ HOME: '/home/me' }) })).toEqual({ HOME: '/home/me' });
    expect(parseEnv('export HOME', { lookup: lookupFrom({ HOME: '' }) })).toEqual({ HOME: '' });
  });

  it('interpolates unquoted and double-quoted values: lookup first, then earlier lines', () => {
    const env = parseEnv('A=1\nB=${A}-$A\nC="${A:-x}/${NOPE:-d}"\nHOME=file\nD=$HOME', { lookup: lookupFrom({ HOME: '/os' }) });
    expect(env).toEqual({ A: '1', B: '1-1', C: '1/d', HOME: 'file', D: '/os' });
    expect(parseEnv('A=${B}', { interpolate: false })).toEqual({ A: '${B}' });
  });

  it('reports interpolation errors at the value position', () => {
    const err = composeError(() => parseEnv('\nA=${NEED:?set it}', { file: 'e' }));
    expect([err.line, err.column, err.variable]).toEqual([2, 3, 'NEED']);
  });

  it('later definitions win and keys like __proto__ stay ordinary', () => {
    const env = parseEnv('A=1\nA=2\n__proto__=x');
    expect(env.A).toBe('2');
    expect(Object.hasOwn(env, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
  });
});

describe('setEnvValue', () => {
  const original = '# DevLake\r\nPLUGIN_DIR=bin/plugins\r\n\r\nENCRYPTION_SECRET=\r\n# trailing comment\r\nexport  X="a b" # note\r\n';

  it('replaces an existing value and keeps every other byte', () => {
    const out = setEnvValue(original, 'ENCRYPTION_SECRET', 'S3CRET');
    expect(out).toBe(original.replace('ENCRYPTION_SECRET=\r\n', 'ENCRYPTION_SECRET=S3CRET\r\n'));
    expect(parseEnv(out).ENCRYPTION_SECRET).toBe('S3CRET');
  });

  it('keeps the export prefix, spacing and inline comment of the edited line', () => {
    const out = setEnvValue(original, 'X', 'new value');
    expect(out).toBe(original.replace('export  X="a b" # note', "export  X='new value' # note"));
  });

  it('appends with the file line ending when the key is absent', () => {
    expect(setEnvValue('A=1\n', 'B', '2')).toBe('A=1\nB=2\n');
    expect(setEnvValue('A=1', 'B', '2')).toBe('A=1\nB=2\n');
    expect(setEnvValue('A=1\r\n', 'B', '2')).toBe('A=1\r\nB=2\r\n');
    expect(setEnvValue('', 'B', '2')).toBe('B=2\n');
  });

  it('edits the last definition, replaces multi-line values and bare keys', () => {
    expect(setEnvValue('A=1\nA=2\nB=3\n', 'A', 'z')).toBe('A=1\nA=z\nB=3\n');
    expect(setEnvValue('A="x\ny"\nB=3\n', 'A', 'z')).toBe('A=z\nB=3\n');
    expect(setEnvValue('A\nB=3\n', 'A', 'z')).toBe('A=z\nB=3\n');
    expect(setEnvValue('A="x"#c\n', 'A', 'z')).toBe('A=z #c\n');
  });

  it('quotes values so they parse back exactly', () => {
    for (const value of ['plain', '', 'with space', "it's", 'a#b c', 'x $HOME ${Y}', 'multi\nline', 'back\\slash "q"', '\ttab']) {
      const out = setEnvValue('K=old\n', 'K', value);
      expect(parseEnv(out, { lookup: () => 'WRONG' }).K).toBe(value);
    }
    expect(quoteEnvValue('abc-1.2')).toBe('abc-1.2');
    expect(quoteEnvValue('a b')).toBe("'a b'");
  });

  it('rejects an invalid key', () => {
    expect(composeError(() => setEnvValue('', '1A', 'x')).detail).toMatch(/invalid variable name/);
  });
});
