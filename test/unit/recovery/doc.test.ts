import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RECOVERY_DOC_PATH, readableTemplate, renderRecoveryDoc } from '../../../src/recovery/doc.js';
import { TAXONOMY } from '../../../src/recovery/taxonomy/index.js';
import { AZURE_CLASS_IDS, LOCAL_CLASS_IDS } from '../../../src/recovery/types.js';

describe('docs/recovery.md', () => {
  const rendered = renderRecoveryDoc();

  it('matches the taxonomy table (regenerate with `npm run docs:recovery`)', () => {
    const onDisk = readFileSync(new URL(`../../../${RECOVERY_DOC_PATH}`, import.meta.url), 'utf8');
    expect(onDisk).toBe(rendered);
  });

  it('is deterministic', () => {
    expect(renderRecoveryDoc()).toBe(rendered);
  });

  it('has an anchor for every class and every rule docs link', () => {
    for (const id of [...LOCAL_CLASS_IDS, ...AZURE_CLASS_IDS, 'unknown']) {
      expect(rendered).toContain(`<a id="${id.replace('.', '-')}"></a>`);
    }
    for (const rule of TAXONOMY) expect(rendered).toContain(`<a id="${rule.docs.split('#')[1] ?? ''}"></a>`);
  });

  it('explains the four report lines and retry-once', () => {
    for (const label of ['Detected:', 'Repair:', 'Retry 1/1:', 'Outcome:']) expect(rendered).toContain(label);
    expect(rendered).toMatch(/retries once/i);
  });

  it('shows templates readably', () => {
    expect(readableTemplate('Run `az login[[ --tenant {tenant}]]` on {hostIp|the host}.')).toBe('Run `az login[ --tenant {tenant}]` on {hostIp}.');
  });
});
