// TEST ONLY: an Output whose two streams are captured as strings (no TTY, no colour).

import { Output } from '../../src/io/output.js';

export function captureOutput(json = false): { stdout: string; stderr: string; out: Output } {
  const c = { stdout: '', stderr: '' };
  const out = new Output({
    json,
    stdout: { write: (s: string) => ((c.stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((c.stderr += s), true), isTTY: false },
    env: { NO_COLOR: '1' },
  });
  return Object.assign(c, { out });
}
