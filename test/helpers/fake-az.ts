// TEST ONLY: a stand-in `az` executable on a temp PATH, for the real AzureCliCredential (which
// runs `az account get-access-token --output json --resource <r>` through a shell) and the real
// `az login` repair (spawned with an argv array). What it prints follows azure-cli:
// - signed in: the JSON of `az account get-access-token` (accessToken, expiresOn, expires_on,
//   subscription, tenant, tokenType), as src/azure-cli/azure/cli/command_modules/profile/custom.py
//   returns it;
// - signed out: "ERROR: Please run 'az login' to setup account." (azure-cli-core _profile.py);
// - MFA required: the AADSTS50076 message and "To re-authenticate, please run:\naz login --scope
//   https://management.core.windows.net//.default", verbatim as reported in Azure/azure-cli#21519;
// - Conditional Access: AADSTS53003 "Access has been blocked by Conditional Access policies…".
// `az login <args>` records its arguments and signs in (the state file says 'signed-in').

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type FakeAzState = 'signed-in' | 'signed-out' | 'mfa' | 'blocked';

export interface FakeAz {
  /** Directory to put first on PATH. */
  bin: string;
  setState(s: FakeAzState): Promise<void>;
  /** The argv of every `az login` run, in order. */
  logins(): Promise<string[][]>;
  close(): Promise<void>;
}

const MFA =
  "ERROR: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'. Trace ID: 00000000-0000-0000-0000-000000000000 Correlation ID: 00000000-0000-0000-0000-000000000000 Timestamp: 2026-01-01 00:00:00Z\nTo re-authenticate, please run:\naz login --scope https://management.core.windows.net//.default";
const BLOCKED =
  'ERROR: AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance. Trace ID: 00000000-0000-0000-0000-000000000000 Correlation ID: 00000000-0000-0000-0000-000000000000 Timestamp: 2026-01-01 00:00:00Z';

export async function startFakeAz(initial: FakeAzState, token = 'fake-arm-token'): Promise<FakeAz> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-devlake-fake-az-'));
  const bin = path.join(dir, 'bin');
  await fs.mkdir(bin);
  const stateFile = path.join(dir, 'state');
  const loginsFile = path.join(dir, 'logins');
  await fs.writeFile(stateFile, initial);
  await fs.writeFile(loginsFile, '');
  await fs.writeFile(path.join(dir, 'mfa.txt'), MFA);
  await fs.writeFile(path.join(dir, 'blocked.txt'), BLOCKED);
  const script = `#!/bin/sh
# TEST ONLY stand-in for azure-cli (see test/helpers/fake-az.ts)
state=$(cat '${stateFile}')
if [ "$1" = "login" ]; then
  shift
  printf 'login %s\\n' "$*" >> '${loginsFile}'
  printf 'signed-in' > '${stateFile}'
  echo '[{"cloudName": "AzureCloud", "isDefault": true, "state": "Enabled"}]'
  exit 0
fi
if [ "$1" = "account" ] && [ "$2" = "get-access-token" ]; then
  case "$state" in
    signed-in)
      echo '{"accessToken": "${token}", "expiresOn": "2099-01-01 00:00:00.000000", "expires_on": 4070908800, "subscription": "00000000-0000-0000-0000-00000000f00d", "tenant": "11111111-2222-3333-4444-555555555555", "tokenType": "Bearer"}'
      exit 0 ;;
    signed-out) echo "ERROR: Please run 'az login' to setup account." >&2; exit 1 ;;
    mfa) cat '${path.join(dir, 'mfa.txt')}' >&2; exit 1 ;;
    blocked) cat '${path.join(dir, 'blocked.txt')}' >&2; exit 1 ;;
  esac
fi
echo "ERROR: 'az $*' is not modelled by the fake az" >&2
exit 2
`;
  await fs.writeFile(path.join(bin, 'az'), script, { mode: 0o755 });
  return {
    bin,
    setState: (s) => fs.writeFile(stateFile, s),
    logins: async () => (await fs.readFile(loginsFile, 'utf8')).split('\n').filter(Boolean).map((l) => l.split(' ').slice(1).filter(Boolean)),
    close: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
