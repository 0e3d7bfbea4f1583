// The Outcome's advice follows what the run observed (issue 18 case 7): no "deploy on the alternate
// port bundle" after the alternate bundle was found busy, or for a custom deploy.

import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/recovery/classify.js';
import { observedRemediation } from '../../../src/recovery/advice.js';

const conflict = classify({ source: 'engine', operation: 'container.start', message: 'Bind for 0.0.0.0:8080 failed: port is already allocated' });

describe('observedRemediation', () => {
  it('keeps the alternate bundle as a way out when nothing said it cannot help', () => {
    expect(observedRemediation(conflict, { source: 'official', bundle: 'default' })).toContain('or deploy on the alternate port bundle (8085/3004/4004)');
  });

  it('drops it when the alternate bundle is busy too, and says so', () => {
    const r = observedRemediation(conflict, { source: 'official', bundle: 'default', alternateBusy: '8085 is in use' });
    expect(r).not.toContain('deploy on the alternate port bundle');
    expect(r).toContain('the alternate port bundle is busy too');
  });

  it('for a custom deploy points at the compose file instead', () => {
    const r = observedRemediation(conflict, { source: 'custom', bundle: 'default' });
    expect(r).not.toContain('alternate');
    expect(r).toContain('publish another host port in your compose file');
  });

  it('leaves other classes as they are', () => {
    const mysql = classify({ source: 'engine', operation: 'container.start', message: 'Bind for 0.0.0.0:3306 failed: port is already allocated' });
    expect(observedRemediation(mysql, { source: 'custom', bundle: 'default', alternateBusy: 'x' })).toBe(mysql.remediation);
  });
});
