// Every finding doctor builds must be placed by the one taxonomy table: these are the matches
// doctor relies on. A rule change that breaks one shows here.

import { describe, expect, it } from 'vitest';
import { classifyFinding, diskLowFailure, formatBytes, portExcludedFailure, portHeldFailure, unhealthyFailure } from '../../../src/doctor/findings.js';
import {
  aciCapacityFailure,
  deploymentActiveFailure,
  mysqlStoppedFailure,
  noSubscriptionFailure,
  providerFailure,
  skuFailure,
  vaultFailure,
} from '../../../src/doctor/azure.js';

describe('local findings classify like the deploy failures they predict', () => {
  it.each([
    [8080, 'process', 'local.port-conflict', 'local.alternate-bundle', 'default'],
    [4000, 'container', 'local.port-conflict', 'local.alternate-bundle', 'default'],
    [3004, 'unknown', 'local.port-conflict', 'local.alternate-bundle', 'alternate'],
    [3306, 'container', 'local.mysql-port-conflict', 'local.unpublish-mysql', undefined],
  ] as const)('port %i held by a %s → %s', (port, holder, classId, repair, bundle) => {
    const c = classifyFinding(portHeldFailure(port, '0.0.0.0', holder));
    expect(c.classId).toBe(classId);
    expect(c.repair).toBe(repair);
    expect(c.facts.port).toBe(port);
    expect(c.facts.hostIp).toBe('0.0.0.0');
    if (bundle) expect(c.facts.bundle).toBe(bundle);
  });

  it('an IPv6 or loopback host address survives into the facts', () => {
    expect(classifyFinding(portHeldFailure(8080, '::', 'container')).facts.hostIp).toBe('::');
    expect(classifyFinding(portHeldFailure(3306, '127.0.0.1')).facts.hostIp).toBe('127.0.0.1');
    expect(classifyFinding(portHeldFailure(3306, '')).facts.hostIp).toBe('0.0.0.0');
  });

  it('a port in a Windows excluded range → local.port-excluded, no repair', () => {
    const c = classifyFinding(portExcludedFailure(4000, '0.0.0.0', '3949-4048'));
    expect(c).toMatchObject({ classId: 'local.port-excluded', repair: null });
    expect(c.facts.port).toBe(4000);
    expect(c.remediation).toContain('Windows reserves host port 4000');
  });

  it('too little disk → local.disk-full', () => {
    const c = classifyFinding(diskLowFailure('/var/lib/docker', 512 * 1024 ** 2, 4 * 1024 ** 3));
    expect(c.classId).toBe('local.disk-full');
    expect(c.failure.message).toBe('no space left on device: 512.0 MiB free under /var/lib/docker, about 4.0 GiB needed');
  });

  it('a running stack that does not answer → local.health-timeout', () => {
    const c = classifyFinding(unhealthyFailure('http://localhost:8080', 'ECONNREFUSED'));
    expect(c.classId).toBe('local.health-timeout');
    expect(c.remediation).toContain('http://localhost:8080');
  });

  it('formatBytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });
});

describe('Azure findings classify like the deploy preflight', () => {
  it('provider, vault, purge protection, MySQL, deployment, SKU, ACI', () => {
    expect(classifyFinding(providerFailure('Microsoft.DBforMySQL', 'NotRegistered'))).toMatchObject({ classId: 'azure.provider-unregistered', repair: 'azure.register-provider', facts: { namespace: 'Microsoft.DBforMySQL' } });
    expect(classifyFinding(vaultFailure('devlakekvab123', { name: 'devlakekvab123', purgeProtection: false }))).toMatchObject({ classId: 'azure.keyvault-soft-deleted', repair: 'azure.purge-vault', facts: { name: 'devlakekvab123' } });
    const protectedVault = classifyFinding(vaultFailure('devlakekvab123', { name: 'devlakekvab123', purgeProtection: true, scheduledPurgeDate: new Date('2026-04-01T00:00:00Z') }));
    expect(protectedVault).toMatchObject({ classId: 'azure.keyvault-purge-protected', repair: null, facts: { name: 'devlakekvab123', scheduledPurgeDate: '2026-04-01T00:00:00.000Z' } });
    expect(classifyFinding(mysqlStoppedFailure('devlakemysqlab123'))).toMatchObject({ classId: 'azure.mysql-stopped', repair: 'azure.start-mysql', facts: { name: 'devlakemysqlab123' } });
    expect(classifyFinding(deploymentActiveFailure('devlake-ab123', 'rg', 'Running', new Date('2026-01-01T00:00:00Z')))).toMatchObject({ classId: 'azure.deployment-active', repair: null, facts: { name: 'devlake-ab123', resourceGroup: 'rg' } });
    expect(classifyFinding(skuFailure('Standard_B1ms', 'eastus'))).toMatchObject({ classId: 'azure.sku-not-available', facts: { sku: 'Standard_B1ms', location: 'eastus' } });
    expect(classifyFinding(aciCapacityFailure('eastus', { cpu: 2, memoryInGB: 4 }))).toMatchObject({ classId: 'azure.aci-capacity', facts: { location: 'eastus' } });
  });

  it('no subscription selected: azure.subscription-not-found, with the way to pick one', () => {
    const c = classifyFinding(noSubscriptionFailure());
    expect(c.classId).toBe('azure.subscription-not-found');
    expect(c.repair).toBeNull();
    expect(c.remediation).toContain('--subscription');
  });
});
