// Local (Docker) failures, as the engine, our probes, health waits and release download report them.
// Order matters: first match wins. Port rules come first and are refined by the extracted port.

import { ALTERNATE_BUNDLE, DEFAULT_BUNDLE, MYSQL_HOST_PORT } from '../../devlake/ports.js';
import type { TaxonomyRule } from './rule.js';

/** A host IP as daemons print it: `0.0.0.0`, `127.0.0.1`, `::`, `[::]`, or empty. Lazy, so the port splits right. */
const HOST = String.raw`(?<hostIp>\[[0-9a-f:.]*\]|[0-9a-f:.]*?)`;
const PORT = String.raw`(?<port>\d{1,5})`;
const re = (source: string): RegExp => new RegExp(source, 'i');

const ports = (b: { backend: number; grafana: number; configUi: number }): string => `${b.backend}/${b.grafana}/${b.configUi}`;

/** Every form of "this host port is taken" that Docker Engine, Docker Desktop, Podman and Node print. */
const PORT_IN_USE: readonly RegExp[] = [
  re(`Bind for ${HOST}:${PORT} failed: port is already allocated`),
  re(`listen tcp[46]? ${HOST}:${PORT}: bind: (?:address already in use|Only one usage of each socket address)`),
  re(String.raw`failed to bind host port (?:for )?${HOST}:${PORT}(?:[:/][\w.:[\]/]*)?: address already in use`),
  re(String.raw`EADDRINUSE: address already in use ${HOST}:${PORT}(?![\w:.])`),
  /\bport is already allocated\b/i,
  /\bbind: address already in use\b/i,
  /\bOnly one usage of each socket address\b/i,
];

const PORT_SOURCES = ['engine', 'probe'] as const;

const PORT_IN_USE_EXAMPLES = {
  allocated: 'Bind for 0.0.0.0:8080 failed: port is already allocated',
  userland:
    'driver failed programming external connectivity on endpoint devlake-grafana-1 (0c1f2d): Error starting userland proxy: listen tcp4 0.0.0.0:3002: bind: address already in use',
  bindHost:
    'failed to set up container networking: driver failed programming external connectivity on endpoint devlake-config-ui-1 (5e0a9b): failed to bind host port for 0.0.0.0:4000:172.18.0.4:4000/tcp: address already in use',
  desktop:
    'Ports are not available: exposing port TCP 0.0.0.0:8085 -> 0.0.0.0:0: listen tcp 0.0.0.0:8085: bind: Only one usage of each socket address (protocol/network address/port) is normally permitted.',
  podman: 'rootlessport listen tcp 0.0.0.0:9000: bind: address already in use',
} as const;

const DOCKER_SOCKET: readonly RegExp[] = [
  /connect E[A-Z]+ (?<socket>\S+)/,
  /Cannot connect to the Docker daemon at (?<socket>\S+?)\.? Is the docker daemon running/i,
  /trying to connect to the Docker daemon socket at (?<socket>\S+?):? /i,
  /(?<socket>\/\/\.\/pipe\/docker_engine)/i,
];

const PERMISSION_REMEDIATION =
  'You do not have permission to use the Docker engine[[ at {socket}]]. On Linux, add yourself to the docker group ' +
  '(`sudo usermod -aG docker $USER`, then log out and back in) or use rootless Docker; on Windows, use an account ' +
  'in the docker-users group.';

const NOT_RUNNING_REMEDIATION =
  'The Docker engine is not reachable[[ at {socket}]]. Start Docker Desktop or the daemon (`sudo systemctl start docker`), ' +
  'wait until `docker info` answers, then re-run. For another engine, point DOCKER_HOST at its socket.';

const DISK_REMEDIATION =
  "The Docker engine's disk is full. See what uses it with `docker system df`, free space with `docker image prune` " +
  'and `docker builder prune`; on Docker Desktop, raise the disk limit (Settings > Resources).';

/** A DevLake release tag in a URL or message: v1.0.1, v1.0.0-beta1. */
const RELEASE_TAG = /\b(?<release>v\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?)\b/;

const RELEASE_REMEDIATION =
  'DevLake release {release|(the requested one)} could not be used: its compose file was not found or is not YAML. ' +
  'Check the tag at https://github.com/apache/incubator-devlake/releases and pass an existing release.';

export const LOCAL_RULES: readonly TaxonomyRule[] = [
  // ── Host ports ─────────────────────────────────────────────────────────────
  {
    id: 'local.mysql-port-conflict',
    title: 'MySQL port conflict',
    match: { sources: PORT_SOURCES, patterns: PORT_IN_USE, factIn: { port: [MYSQL_HOST_PORT] } },
    repair: 'local.unpublish-mysql',
    remediation:
      `Host port ${MYSQL_HOST_PORT} (MySQL) on {hostIp|the host} is already in use, usually by a local MySQL. ` +
      'DevLake does not need MySQL published on the host (its services reach it over the compose network): ' +
      `drop the \`${MYSQL_HOST_PORT}:3306\` mapping from the compose file, or stop the local MySQL.`,
    docs: 'recovery.md#local-mysql-port-conflict',
    examples: [`Bind for 0.0.0.0:${MYSQL_HOST_PORT} failed: port is already allocated`],
    note: `A port conflict whose port is ${MYSQL_HOST_PORT}.`,
  },
  {
    id: 'local.port-conflict',
    title: 'port conflict',
    match: { sources: PORT_SOURCES, patterns: PORT_IN_USE, factIn: { bundle: [DEFAULT_BUNDLE.name] } },
    repair: 'local.alternate-bundle',
    remediation:
      'Host port {port} ({roleLabel}) on {hostIp|the host} is already in use. Free it (stop whatever holds it), ' +
      `or deploy on the alternate port bundle (${ports(ALTERNATE_BUNDLE)}).`,
    docs: 'recovery.md#local-port-conflict',
    examples: [PORT_IN_USE_EXAMPLES.allocated, PORT_IN_USE_EXAMPLES.userland, PORT_IN_USE_EXAMPLES.bindHost],
    note: `The port is one of the default bundle's (${ports(DEFAULT_BUNDLE)}).`,
  },
  {
    id: 'local.port-conflict',
    title: 'port conflict',
    match: { sources: PORT_SOURCES, patterns: PORT_IN_USE, factIn: { bundle: [ALTERNATE_BUNDLE.name] } },
    repair: 'local.alternate-bundle',
    remediation:
      'Host port {port} ({roleLabel} of the alternate bundle) on {hostIp|the host} is already in use, so switching ' +
      `to the alternate bundle cannot help. Free that port, or free the default bundle's ports (${ports(DEFAULT_BUNDLE)}).`,
    docs: 'recovery.md#local-port-conflict',
    examples: [PORT_IN_USE_EXAMPLES.desktop],
    note: `The port is one of the alternate bundle's (${ports(ALTERNATE_BUNDLE)}): the repair's guard declines.`,
  },
  {
    id: 'local.port-conflict',
    title: 'port conflict',
    match: { sources: PORT_SOURCES, patterns: PORT_IN_USE },
    repair: 'local.alternate-bundle',
    remediation:
      'Host port {port|(unknown)} on {hostIp|the host} is already in use. It is not one of DevLake\'s bundle ports, ' +
      'so switching bundles does not help: free the port, or change that mapping in the compose file.',
    docs: 'recovery.md#local-port-conflict',
    examples: [PORT_IN_USE_EXAMPLES.podman, 'Bind for :::9090 failed: port is already allocated'],
    note: "Any other port (no `role`/`bundle` facts): the repair's guard declines.",
  },
  {
    id: 'local.port-excluded',
    title: 'port in a Windows excluded range',
    match: {
      sources: PORT_SOURCES,
      patterns: [
        re(`listen tcp[46]? ${HOST}:${PORT}: bind: An attempt was made to access a socket in a way forbidden by its access permissions`),
        /\bAn attempt was made to access a socket in a way forbidden by its access permissions\b/i,
      ],
    },
    facts: { extract: [re(`exposing port TCP ${HOST}:${PORT}\\b`)] },
    repair: null,
    remediation:
      'Windows reserves host port {port|(unknown)} (a Hyper-V/WinNAT excluded port range), so nothing may bind it. ' +
      'List the reserved ranges with `netsh int ipv4 show excludedportrange protocol=tcp` and use ports outside them; ' +
      'restarting WinNAT as administrator (`net stop winnat`, then `net start winnat`) often releases dynamic reservations.',
    docs: 'recovery.md#local-port-excluded',
    examples: [
      'Ports are not available: exposing port TCP 0.0.0.0:4000 -> 0.0.0.0:0: listen tcp 0.0.0.0:4000: bind: An attempt was made to access a socket in a way forbidden by its access permissions.',
    ],
  },
  {
    id: 'local.port-unassignable',
    title: 'host address not available',
    match: {
      sources: PORT_SOURCES,
      patterns: [
        re(`listen tcp[46]? ${HOST}:${PORT}: bind: cannot assign requested address`),
        re(String.raw`failed to bind host port (?:for )?${HOST}:${PORT}(?:[:/][\w.:[\]/]*)?: cannot assign requested address`),
        /\bbind: cannot assign requested address\b/i,
      ],
    },
    repair: null,
    remediation:
      'Host address {hostIp|(the one in the port mapping)} is not an address of this machine, so port {port|(unknown)} ' +
      'cannot be published on it. Publish on 0.0.0.0 (all interfaces) or 127.0.0.1 instead, or bring that interface up.',
    docs: 'recovery.md#local-port-unassignable',
    examples: [
      'driver failed programming external connectivity on endpoint devlake-devlake-1 (9f8e7d): Error starting userland proxy: listen tcp4 192.168.1.50:8080: bind: cannot assign requested address',
    ],
  },
  {
    id: 'local.port-privileged',
    title: 'privileged port on rootless engine',
    match: { sources: PORT_SOURCES, patterns: [/\bcannot expose privileged port (?<port>\d{1,5})/i] },
    facts: { extract: [re(`listen tcp[46]? ${HOST}:\\d{1,5}: bind`)] },
    repair: null,
    remediation:
      'Rootless Docker or Podman cannot publish privileged port {port|(below 1024)}. Publish on a port >= 1024, or allow ' +
      'low ports: `sudo sysctl net.ipv4.ip_unprivileged_port_start={port|80}`.',
    docs: 'recovery.md#local-port-privileged',
    examples: [
      "Error starting userland proxy: error while calling RootlessKit PortManager.AddPort(): cannot expose privileged port 80, you can add 'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024), or set CAP_NET_BIND_SERVICE on rootlesskit binary, or choose a larger port number (>= 1024): listen tcp4 0.0.0.0:80: bind: permission denied",
    ],
  },

  // ── The engine itself ──────────────────────────────────────────────────────
  {
    id: 'local.docker-unavailable',
    title: 'no permission to use the Docker engine',
    match: { sources: ['engine'], codes: ['EACCES', 'EPERM'] },
    facts: { extract: DOCKER_SOCKET },
    repair: null,
    remediation: PERMISSION_REMEDIATION,
    docs: 'recovery.md#local-docker-unavailable',
    examples: ['connect EACCES /var/run/docker.sock'],
  },
  {
    id: 'local.docker-unavailable',
    title: 'no permission to use the Docker engine',
    match: {
      sources: ['engine'],
      patterns: [
        /connect EACCES (?<socket>\S+)/,
        /permission denied while trying to connect to the Docker daemon socket at (?<socket>\S+?):? /i,
        /(?<socket>\/\/\.\/pipe\/docker_engine)\S*: Access is denied/i,
      ],
    },
    repair: null,
    remediation: PERMISSION_REMEDIATION,
    docs: 'recovery.md#local-docker-unavailable',
    examples: ['open //./pipe/docker_engine: Access is denied.'],
  },
  {
    id: 'local.docker-unavailable',
    title: 'Docker engine not running',
    match: { sources: ['engine'], codes: ['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'] },
    facts: { extract: DOCKER_SOCKET },
    repair: null,
    remediation: NOT_RUNNING_REMEDIATION,
    docs: 'recovery.md#local-docker-unavailable',
    examples: ['connect ENOENT /var/run/docker.sock', 'connect ECONNREFUSED /home/u/.docker/desktop/docker.sock'],
  },
  {
    id: 'local.docker-unavailable',
    title: 'Docker engine not running',
    match: {
      sources: ['engine'],
      patterns: [
        /connect (?:ENOENT|ECONNREFUSED) (?<socket>\S+)/,
        /Cannot connect to the Docker daemon at (?<socket>\S+?)\.? Is the docker daemon running/i,
        /(?<socket>\/\/\.\/pipe\/docker_engine)/i,
        /\bsocket hang up\b/i,
      ],
    },
    repair: null,
    remediation: NOT_RUNNING_REMEDIATION,
    docs: 'recovery.md#local-docker-unavailable',
    examples: [
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      'open //./pipe/docker_engine: The system cannot find the file specified.',
      'socket hang up',
    ],
  },

  // ── Images ─────────────────────────────────────────────────────────────────
  {
    id: 'local.image-pull-failed',
    title: 'image pull failed: registry not reachable',
    match: {
      sources: ['engine'],
      patterns: [
        /\blookup (?<registry>[a-z0-9.-]+\.[a-z]{2,})(?: on [0-9a-f.:[\]]+)?: (?:no such host|server misbehaving|i\/o timeout|Temporary failure in name resolution)/i,
      ],
    },
    facts: { fromTarget: { fact: 'image', operations: ['pull'] } },
    repair: null,
    remediation:
      'Docker could not resolve {registry|the registry}[[ while pulling {image}]]. Check the network, DNS and proxy ' +
      'settings of the Docker engine (Docker Desktop: Settings > Resources > Proxies), then re-run.',
    docs: 'recovery.md#local-image-pull-failed',
    examples: ['Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host'],
  },
  {
    id: 'local.image-pull-failed',
    title: 'image pull failed: rate limit',
    match: { sources: ['engine'], patterns: [/\btoomanyrequests\b/i, /\bpull rate limit\b/i] },
    facts: { fromTarget: { fact: 'image', operations: ['pull'] } },
    repair: null,
    remediation:
      "Docker Hub's pull rate limit was reached[[ pulling {image}]]. Sign in with `docker login` (authenticated pulls " +
      'get a higher limit) or wait and re-run.',
    docs: 'recovery.md#local-image-pull-failed',
    examples: [
      'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
    ],
  },
  {
    id: 'local.image-pull-failed',
    title: 'image pull failed: image not found',
    match: {
      sources: ['engine'],
      patterns: [
        /\bpull access denied for (?<image>[^\s,]+)/i,
        /\bfailed to resolve reference "(?<image>[^"]+)": (?:.*\bnot found\b|.*\bpull access denied\b)/i,
        /\bmanifest for (?<image>\S+) not found/i,
        /\bmanifest unknown\b/i,
        /\brepository does not exist or may require 'docker login'/i,
        /\bdenied: requested access to the resource is denied\b/i,
      ],
    },
    facts: { fromTarget: { fact: 'image', operations: ['pull'] } },
    repair: null,
    remediation:
      'Image {image|(the requested one)} does not exist or needs a login. Check that the DevLake version exists ' +
      '(a wrong tag gives `manifest unknown`), and run `docker login` if the registry is private.',
    docs: 'recovery.md#local-image-pull-failed',
    examples: [
      "pull access denied for devlake-custom, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      'manifest for apache/devlake:v9.9.9 not found: manifest unknown: manifest unknown',
    ],
  },
  {
    id: 'local.image-pull-failed',
    title: 'image pull failed: no image for this platform',
    match: { sources: ['engine'], patterns: [/\bno matching manifest for (?<platform>\S+) in the manifest list entries/i] },
    facts: { fromTarget: { fact: 'image', operations: ['pull'] } },
    repair: null,
    remediation:
      'Image {image|(the requested one)} has no build for {platform|this platform}. Use a version published for it, ' +
      'or enable emulation in the engine.',
    docs: 'recovery.md#local-image-pull-failed',
    examples: ['no matching manifest for linux/arm64/v8 in the manifest list entries'],
  },
  {
    id: 'local.image-pull-failed',
    title: 'image pull failed: network error',
    match: {
      sources: ['engine'],
      patterns: [
        /\bGet "?https?:\/\/(?<registry>[^/\s"]+)[^\s"]*"?: (?:unexpected )?EOF\b/i,
        /\bGet "?https?:\/\/(?<registry>[^/\s"]+)[^\s"]*"?: (?:net\/http|dial tcp|read tcp|proxyconnect|context deadline exceeded|x509|tls)/i,
        /\bnet\/http: (?:request canceled|TLS handshake timeout)/i,
      ],
    },
    facts: { fromTarget: { fact: 'image', operations: ['pull'] } },
    repair: null,
    remediation:
      'The network failed while pulling {image|the image}[[ from {registry}]]. Check the connection and the ' +
      "engine's proxy settings (a TLS-intercepting proxy needs its CA certificate in Docker), then re-run.",
    docs: 'recovery.md#local-image-pull-failed',
    examples: [
      'Get "https://registry-1.docker.io/v2/apache/devlake/manifests/v1.0.1": EOF',
      'Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    ],
  },

  // ── Containers and disk ────────────────────────────────────────────────────
  {
    id: 'local.container-name-conflict',
    title: 'container name in use',
    match: {
      sources: ['engine'],
      patterns: [/\bcontainer name "\/?(?<name>[^"]+)" is already in use by (?:container )?"?(?<container>[0-9a-f]{6,64})/i],
    },
    repair: null,
    remediation:
      'A container named {name} already exists[[ ({container})]]. If it is left over from an earlier deploy, remove it ' +
      'with `docker rm -f {name}`; if it belongs to something else, rename or remove it first.',
    docs: 'recovery.md#local-container-name-conflict',
    examples: [
      'Conflict. The container name "/devlake-devlake-1" is already in use by container "3f9c2a7b1d0e4c5f8a6b2d1e0f9c8b7a6d5e4f3c2b1a0f9e8d7c6b5a4f3e2d1c". You have to remove (or rename) that container to be able to reuse that name.',
    ],
  },
  {
    id: 'local.disk-full',
    title: 'disk full',
    match: {
      sources: ['engine', 'probe', 'internal', 'release'],
      patterns: [/\bno space left on device\b/i, /\bThere is not enough space on the disk\b/i],
    },
    repair: null,
    remediation: DISK_REMEDIATION,
    docs: 'recovery.md#local-disk-full',
    examples: ['failed to register layer: write /usr/lib/x86_64-linux-gnu/libicudata.so.72.1: no space left on device'],
  },
  {
    id: 'local.disk-full',
    title: 'disk full',
    match: { sources: ['engine', 'probe', 'internal', 'release'], codes: ['ENOSPC'] },
    repair: null,
    remediation: DISK_REMEDIATION,
    docs: 'recovery.md#local-disk-full',
    examples: ["ENOSPC: no space left on device, write '.devlake-local.json'"],
  },

  // ── Our own typed failures ─────────────────────────────────────────────────
  {
    id: 'local.migration-timeout',
    title: 'database migration timed out',
    match: { sources: ['health'], codes: ['migration-deadline'] },
    repair: null,
    remediation:
      "DevLake's database migration did not finish before the deadline. First starts can take minutes: watch " +
      '`docker compose logs devlake` in the deploy directory for progress or an error, then re-run.',
    docs: 'recovery.md#local-migration-timeout',
    examples: ['Migration still running: http://localhost:8080/version did not become ready within 600 s (last: HTTP 428)'],
    note: 'Reported by our health wait with code `migration-deadline`.',
  },
  {
    id: 'local.health-timeout',
    title: 'health check timed out',
    match: { sources: ['health'], codes: ['deadline'] },
    repair: null,
    remediation:
      'DevLake did not answer its health check[[ at {target}]] before the deadline. Look at the backend logs ' +
      '(`docker compose logs devlake` in the deploy directory) for the cause, then re-run.',
    docs: 'recovery.md#local-health-timeout',
    examples: ['Waiting for the backend: http://localhost:8080/ping did not become ready within 300 s (last: connect ECONNREFUSED 127.0.0.1:8080)'],
    note: 'Reported by our health wait with code `deadline`.',
  },
  {
    id: 'local.release-not-found',
    title: 'release not found',
    match: { sources: ['release'], statusCodes: [404] },
    facts: { extract: [RELEASE_TAG], fromTarget: { fact: 'release' } },
    repair: null,
    remediation: RELEASE_REMEDIATION,
    docs: 'recovery.md#local-release-not-found',
    examples: ['https://github.com/apache/incubator-devlake/releases/download/v9.9.9/docker-compose.yml answered HTTP 404'],
    note: 'Reported by our release download: HTTP 404, or code `not-found` / `not-yaml`.',
  },
  {
    id: 'local.release-not-found',
    title: 'release not found',
    match: { sources: ['release'], codes: ['not-found', 'not-yaml'] },
    facts: { extract: [RELEASE_TAG], fromTarget: { fact: 'release' } },
    repair: null,
    remediation: RELEASE_REMEDIATION,
    docs: 'recovery.md#local-release-not-found',
    examples: ["https://github.com/apache/incubator-devlake/releases/download/v1.0.0-beta1/docker-compose.yml returned HTML, not the release's docker-compose.yml"],
  },
  {
    id: 'local.release-not-found',
    title: 'release not found',
    match: { sources: ['release'], patterns: [/\b404 Not Found\b/i, /\bnot (?:valid |a )?YAML\b/i] },
    facts: { extract: [RELEASE_TAG], fromTarget: { fact: 'release' } },
    repair: null,
    remediation: RELEASE_REMEDIATION,
    docs: 'recovery.md#local-release-not-found',
    examples: ['https://raw.githubusercontent.com/apache/incubator-devlake/v0.0.1/docker-compose.yml: 404 Not Found'],
  },
];
