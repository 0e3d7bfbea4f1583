// Splits a string `command:` / `entrypoint:` into argv the way a POSIX shell tokenizes words:
// quotes and backslashes are honoured, nothing is expanded (compose passes `$` through as is).
import { ComposeError, UNKNOWN_SOURCE } from './errors.js';
import type { SourceRef } from './errors.js';

/** Characters a backslash escapes inside double quotes; before any other it stays literal. */
const DQ_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);

export function splitShellWords(input: string, at: SourceRef = UNKNOWN_SOURCE): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false; // distinguishes an empty quoted word ('') from no word
  let i = 0;
  const fail = (message: string, hint: string): ComposeError =>
    new ComposeError({ ...at, message: `${message} in ${JSON.stringify(input)}`, hint });

  while (i < input.length) {
    const c = input[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const close = input.indexOf("'", i + 1);
      if (close === -1) throw fail('unterminated single quote', "add the closing ' or write the command as a YAML list");
      word += input.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const d = input[i] ?? '';
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        const next = input[i + 1];
        if (d === '\\' && next !== undefined && DQ_ESCAPABLE.has(next)) {
          if (next !== '\n') word += next; // backslash-newline is a line continuation
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) throw fail('unterminated double quote', 'add the closing " or write the command as a YAML list');
      inWord = true;
    } else if (c === '\\') {
      const next = input[i + 1];
      if (next === undefined) throw fail('trailing backslash', 'remove it, or write "\\\\" for a literal backslash');
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
