// TEST ONLY: a throwaway CA and a server certificate for 127.0.0.1, made at test time with the
// `openssl` binary (Debian's openssl package). Node's crypto cannot issue X.509 certificates.
// The keys live in a temp directory for the life of the process and are never committed.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCerts {
  /** PEM of the test CA: what the SDK clients trust (tlsOptions.ca). */
  ca: string;
  /** Server certificate (127.0.0.1, localhost) signed by the CA, and its key. */
  cert: string;
  key: string;
}

let cached: TestCerts | undefined;

export function testCerts(): TestCerts {
  if (cached) return cached;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gh-devlake-fake-arm-'));
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=gh-devlake test CA (test only)', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf'));
  cached = { ca: readFileSync(f('ca.pem'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8'), key: readFileSync(f('server.key'), 'utf8') };
  return cached;
}
