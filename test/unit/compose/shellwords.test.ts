import { describe, it, expect } from 'vitest';
import { splitShellWords } from '../../../src/compose/shellwords.js';
import { composeError } from './helpers.js';

describe('splitShellWords', () => {
  it('splits on any run of whitespace, including newlines', () => {
    expect(splitShellWords('  --a=1\t--b \n --c  ')).toEqual(['--a=1', '--b', '--c']);
    expect(splitShellWords('')).toEqual([]);
    expect(splitShellWords('   ')).toEqual([]);
  });

  it('honours single quotes literally', () => {
    expect(splitShellWords(`sh -c 'echo "$HOME" \\n; exit 1'`)).toEqual(['sh', '-c', 'echo "$HOME" \\n; exit 1']);
  });

  it('honours double quotes with the POSIX escapes only', () => {
    expect(splitShellWords('echo "a \\"b\\" \\$X \\\\ \\q"')).toEqual(['echo', 'a "b" $X \\ \\q']);
  });

  it('joins adjacent quoted and unquoted parts into one word and keeps empty quoted words', () => {
    expect(splitShellWords(`--opt="a b"'c d'e '' ""`)).toEqual(['--opt=a bc de', '', '']);
  });

  it('handles backslashes outside quotes and line continuations', () => {
    expect(splitShellWords('a\\ b c\\"d')).toEqual(['a b', 'c"d']);
    expect(splitShellWords('one \\\ntwo "x\\\ny"')).toEqual(['one', 'two', 'xy']);
  });

  it('does not expand anything', () => {
    expect(splitShellWords('echo $HOME ${X} * ~ #c')).toEqual(['echo', '$HOME', '${X}', '*', '~', '#c']);
  });

  it('rejects unterminated quotes and a trailing backslash', () => {
    expect(composeError(() => splitShellWords(`sh -c 'echo`)).detail).toMatch(/unterminated single quote/);
    expect(composeError(() => splitShellWords('echo "a')).detail).toMatch(/unterminated double quote/);
    expect(composeError(() => splitShellWords('echo "a\\"')).detail).toMatch(/unterminated double quote/);
    const err = composeError(() => splitShellWords('echo \\', { file: 'c.yaml', line: 3, column: 14 }));
    expect([err.file, err.line, err.column]).toEqual(['c.yaml', 3, 14]);
  });
});
