// Generated secrets: from node:crypto (randomInt), DevLake's charset, a tested length constant.
// Row of docs/reliability.md ("Secrets").

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ENCRYPTION_SECRET_CHARSET, ENCRYPTION_SECRET_LENGTH, generateEncryptionSecret } from '../../../src/devlake/secrets.js';

describe('ENCRYPTION_SECRET', () => {
  it('secrets: generated ENCRYPTION_SECRET uses crypto, the DevLake charset and the tested length', () => {
    // DevLake's own generator makes 128 uppercase letters.
    expect(ENCRYPTION_SECRET_LENGTH).toBe(128);
    expect(ENCRYPTION_SECRET_CHARSET).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const s = generateEncryptionSecret();
      expect(s).toMatch(/^[A-Z]{128}$/);
      seen.add(s);
      for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(seen.size).toBe(200);
    // 25 600 draws over 26 letters: every letter shows up, none wildly over- or under-drawn.
    expect(counts.size).toBe(26);
    for (const n of counts.values()) expect(n).toBeGreaterThan(700);
    for (const n of counts.values()) expect(n).toBeLessThan(1300);
    // From the CSPRNG, not Math.random.
    const src = readFileSync(new URL('../../../src/devlake/secrets.ts', import.meta.url), 'utf8');
    expect(src).toMatch(/import \{ randomInt \} from 'node:crypto'/);
    expect(src).not.toMatch(/Math\.random/);
  });
});
