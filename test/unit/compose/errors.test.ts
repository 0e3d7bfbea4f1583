import { describe, it, expect } from 'vitest';
import { ComposeError } from '../../../src/compose/errors.js';

describe('ComposeError', () => {
  it('formats file:line:col: message and the hint on the next line', () => {
    const err = new ComposeError({ file: 'compose.yaml', line: 3, column: 7, message: 'bad port', hint: 'fix it' });
    expect(err.message).toBe('compose.yaml:3:7: bad port\nfix it');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ComposeError');
    expect([err.file, err.line, err.column, err.detail, err.hint]).toEqual(['compose.yaml', 3, 7, 'bad port', 'fix it']);
  });

  it('omits the parts of the position it does not know', () => {
    expect(new ComposeError({ file: 'a.env', line: 2, message: 'x', hint: '' }).message).toBe('a.env:2: x');
    expect(new ComposeError({ file: 'a.env', message: 'x', hint: 'h' }).message).toBe('a.env: x\nh');
  });

  it('relocate keeps detail, hint and variable and adds a prefix', () => {
    const err = new ComposeError({ file: '<input>', message: 'required variable X is missing a value', hint: 'set X', variable: 'X' });
    const moved = err.relocate({ file: 'compose.yaml', line: 9, column: 12 }, 'services.db.image');
    expect(moved.message).toBe('compose.yaml:9:12: services.db.image: required variable X is missing a value\nset X');
    expect(moved.variable).toBe('X');
  });
});
