// TEST ONLY: a fake Microsoft Entra ID authority on 127.0.0.1 over HTTPS, enough for
// @azure/identity's DeviceCodeCredential (MSAL Node) with `authorityHost` pointing here and
// `disableInstanceDiscovery`. Modelled on Microsoft's documented protocol, "Microsoft identity
// platform and the OAuth 2.0 device authorization grant flow"
// (learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code, after RFC 8628):
//   POST /{tenant}/oauth2/v2.0/devicecode  → device_code, user_code, verification_uri,
//        expires_in, interval, message
//   POST /{tenant}/oauth2/v2.0/token (grant_type urn:ietf:params:oauth:grant-type:device_code)
//        → 400 { error: "authorization_pending" } until the user signs in, then the tokens
//          (token_type, scope, expires_in, access_token, id_token, refresh_token)
// and the OpenID configuration MSAL reads first (/{tenant}/v2.0/.well-known/openid-configuration).
// "The user signs in" after `pendingPolls` polls. The access token is the fake ARM's.

import https from 'node:https';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { testCerts } from './certs.js';
import { FAKE_TENANT } from './subscriptions.js';

export interface FakeAad {
  authorityHost: string;
  ca: string;
  /** Device codes issued, token polls answered pending, tokens issued. */
  counts: { deviceCodes: number; pending: number; tokens: number; refreshes: number };
  /** The scopes of the device-code request (what the credential asked for). */
  scopes: string[];
  close(): Promise<void>;
}

const DEVICE_CODE = 'fake-device-code-0001';
const USER_CODE = 'FAKE-CODE';
const REFRESH_TOKEN = 'fake-refresh-token';

function b64url(v: unknown): string {
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
}

async function form(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startFakeAad(opts: { pendingPolls?: number; accessToken?: string } = {}): Promise<FakeAad> {
  const certs = testCerts();
  let pendingLeft = opts.pendingPolls ?? 1;
  const counts = { deviceCodes: 0, pending: 0, tokens: 0, refreshes: 0 };
  const scopes: string[] = [];
  let base = '';
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const server = https.createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    void (async () => {
      const url = new URL(`https://127.0.0.1${req.url ?? '/'}`);
      const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/devicecode|oauth2\/v2\.0\/token)$/.exec(url.pathname);
      if (!m) return send(res, 404, { error: 'not_found', error_description: `${url.pathname} is not served by the fake authority` });
      const tenant = m[1] ?? 'organizations';
      if (m[2]?.startsWith('v2.0')) {
        return send(res, 200, {
          token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer: `${base}/${FAKE_TENANT}/v2.0`,
          authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
          tenant_region_scope: null,
          cloud_instance_name: 'microsoftonline.com',
        });
      }
      const params = await form(req);
      if (m[2] === 'oauth2/v2.0/devicecode') {
        counts.deviceCodes++;
        scopes.push(...(params.get('scope') ?? '').split(' ').filter(Boolean));
        return send(res, 200, {
          user_code: USER_CODE,
          device_code: DEVICE_CODE,
          verification_uri: 'https://microsoft.com/devicelogin',
          expires_in: 900,
          interval: 1,
          message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${USER_CODE} to authenticate.`,
        });
      }
      // The token endpoint: only the device-code grant with the code we issued. The doc names the
      // grant `urn:ietf:params:oauth:grant-type:device_code`; MSAL sends the short `device_code`,
      // which the service accepts too.
      // A client with a refresh token asks for another resource's token with the refresh_token grant
      // (the doc's "Successful authentication response": refresh_token is returned for offline_access).
      const grant = params.get('grant_type');
      const refreshing = grant === 'refresh_token' && params.get('refresh_token') === REFRESH_TOKEN;
      if (!refreshing && ((grant !== 'urn:ietf:params:oauth:grant-type:device_code' && grant !== 'device_code') || params.get('device_code') !== DEVICE_CODE)) {
        return send(res, 400, { error: 'invalid_grant', error_description: 'AADSTS70000: The provided value for the input parameter is not valid.', error_codes: [70000] });
      }
      if (refreshing) counts.refreshes++;
      else if (pendingLeft > 0) {
        pendingLeft--;
        counts.pending++;
        return send(res, 400, {
          error: 'authorization_pending',
          error_description: 'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
          error_codes: [70016],
          timestamp: new Date().toISOString(),
        });
      }
      if (!refreshing) counts.tokens++;
      const now = Math.floor(Date.now() / 1000);
      const oid = '99999999-8888-7777-6666-555555555555';
      const idToken = `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url({
        aud: params.get('client_id'),
        iss: `${base}/${FAKE_TENANT}/v2.0`,
        iat: now,
        nbf: now,
        exp: now + 3600,
        name: 'Test User',
        oid,
        preferred_username: 'test.user@example.test',
        sub: 'fake-subject',
        tid: FAKE_TENANT,
        ver: '2.0',
      })}.`;
      send(res, 200, {
        token_type: 'Bearer',
        scope: (params.get('scope') ?? '').split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s)).join(' '),
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: opts.accessToken ?? 'fake-arm-token',
        refresh_token: REFRESH_TOKEN,
        id_token: idToken,
        client_info: b64url({ uid: oid, utid: FAKE_TENANT }),
      });
    })().catch((err: unknown) => send(res, 500, { error: 'server_error', error_description: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authorityHost: base,
    ca: certs.ca,
    counts,
    scopes,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
