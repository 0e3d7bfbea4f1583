import { describe, expect, it } from 'vitest';
import { parseDependsOnLabel } from '../../../src/engine/start.js';

describe('parseDependsOnLabel', () => {
  it('reads compose v2 depends_on labels', () => {
    expect(parseDependsOnLabel('mysql:service_started:false,devlake:service_healthy:true')).toEqual(['mysql', 'devlake']);
    expect(parseDependsOnLabel('')).toEqual([]);
    expect(parseDependsOnLabel(undefined)).toEqual([]);
  });
});
