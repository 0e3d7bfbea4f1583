// Local (Docker) failures, as the engine, our probes, health waits and release download report them.
// Order matters: first match wins. Port rules come first and are refined by the extracted port.

import { ALTERNATE_BUNDLE, DEFAULT_BUNDLE, MYSQL_HOST_PORT } from '../../devlake/ports.js';
import type { TaxonomyRule } from './rule.js';

/**
 * A host IP as daemons print it: `0.0.0.0`, `127.0.0.1`, `::`, `[::]`, empty, or a word the message
 * uses instead of an address (`localhost`, a masked `MYIP`, `xxx.xxx.xxx.xxx`). Lazy, so the port splits right.
 */
const HOST = String.raw`(?<hostIp>\[[0-9a-f:.%\w]*\]|[0-9a-f:.]*?|[\w*-][\w.*-]*)`;
const PORT = String.raw`(?<port>\d{1,5})`;
/** `tcp`, `tcp4`, `udp6`…: the protocol fact is the word without its family digit. */
const PROTO = String.raw`(?<protocol>tcp|udp|sctp)[46]?`;
const re = (source: string): RegExp => new RegExp(source, 'i');

const ports = (b: { backend: number; grafana: number; configUi: number }): string => `${b.backend}/${b.grafana}/${b.configUi}`;

/**
 * Every form of "this host port is taken" that Docker Engine, Docker Desktop (old vpnkit forwarder
 * included), Podman and Node print. UDP publishes fail the same way and carry their protocol.
 */
const PORT_IN_USE: readonly RegExp[] = [
  re(`Bind for ${HOST}:${PORT} failed: port is already allocated`),
  re(`listen ${PROTO} ${HOST}:${PORT}: bind: (?:address already in use|Only one usage of each socket address)`),
  re(String.raw`failed to bind host port (?:for )?${HOST}:${PORT}(?:[:/][\w.:[\]/]*)?: address already in use`),
  re(String.raw`EADDRINUSE: address already in use ${HOST}:${PORT}(?![\w:.])`),
  // Docker for Mac's old forwarder (vpnkit): "Bind for 0.0.0.0:80: unexpected error (Failure EADDRINUSE)".
  re(String.raw`Bind for ${HOST}:${PORT}: unexpected error (?:\(Failure EADDRINUSE\)|address already in use)`),
  /\bport is already allocated\b/i,
  /\bbind: address already in use\b/i,
  /\bOnly one usage of each socket address\b/i,
  /\bError starting userland proxy: Failed to bind: EADDRINUSE\b/i,
];

/** The protocol when the message names it elsewhere ("exposing port UDP …", "0.0.0.0:53/udp"). */
const PROTOCOL_EXTRACT: readonly RegExp[] = [
  re(`exposing port (?<protocol>TCP|UDP|SCTP) `),
  re(String.raw`:\d{1,5}/(?<protocol>tcp|udp|sctp)\b`),
  re(`listen ${PROTO} `),
];

const PORT_SOURCES = ['engine', 'probe'] as const;

/**
 * The port-conflict remediation's second way out. A run that saw it cannot help (a custom deploy
 * keeps its ports, the alternate bundle is busy too, the stack is on it already) drops it from the
 * advice: src/recovery/advice.ts.
 */
export const ALTERNATE_BUNDLE_ADVICE = `, or deploy on the alternate port bundle (${ports(ALTERNATE_BUNDLE)})`;

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

/** Docker Desktop's named pipes: `\\.\pipe\docker_engine_linux`, `//./pipe/dockerDesktopLinuxEngine`… */
const PIPE = String.raw`(?:\\\\\.\\pipe\\|\/\/\.\/pipe\/)(?:docker_engine(?:_linux|_windows)?|dockerDesktop(?:Linux|Windows)Engine|dockerLifecycleServer)`;

const DOCKER_SOCKET: readonly RegExp[] = [
  /connect E[A-Z]+ (?<socket>\S+)/,
  /Cannot connect to the Docker daemon at (?<socket>\S+?)\.? Is the docker daemon running/i,
  /trying to connect to the Docker daemon socket at (?<socket>\S+?):? /i,
  new RegExp(`(?<socket>${PIPE})`, 'i'),
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
  'Check the tag at https://github.com/apache/incubator-devlake/releases and pass an existing release (with a ' +
  'mirror in DEVLAKE_RELEASE_BASE_URL, check that it has `<tag>/docker-compose.yml` and `<tag>/env.example`).';

/** How to deploy without reaching GitHub: the one sentence every network remediation ends with. */
const OFFLINE_HINT =
  'To deploy without GitHub, serve a release\'s docker-compose.yml and env.example from a mirror you can reach ' +
  '(`DEVLAKE_RELEASE_BASE_URL=http://mirror/releases` with the files under `<tag>/`) and pass `--version vX.Y.Z` ' +
  '(no API call is made then).';

/** The host of the URL that failed, for the remediations. */
const HOST_OF_TARGET = /^https?:\/\/(?<host>[^/:\s]+)/;

export const LOCAL_RULES: readonly TaxonomyRule[] = [
  // ── Host ports ─────────────────────────────────────────────────────────────
  {
    id: 'local.mysql-port-conflict',
    title: 'MySQL port conflict',
    match: { sources: PORT_SOURCES, patterns: PORT_IN_USE, factIn: { port: [MYSQL_HOST_PORT] } },
    facts: { extract: PROTOCOL_EXTRACT },
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
    facts: { extract: PROTOCOL_EXTRACT },
    repair: 'local.alternate-bundle',
    remediation: `Host port {port} ({roleLabel}) on {hostIp|the host} is already in use. Free it (stop whatever holds it)${ALTERNATE_BUNDLE_ADVICE}.`,
    docs: 'recovery.md#local-port-conflict',
    examples: [PORT_IN_USE_EXAMPLES.allocated, PORT_IN_USE_EXAMPLES.userland, PORT_IN_USE_EXAMPLES.bindHost],
    note: `The port is one of the default bundle's (${ports(DEFAULT_BUNDLE)}).`,
  },
  {
    id: 'local.port-conflict',
    title: 'port conflict',
    match: { sources: PORT_SOURCES, patterns: PORT_IN_USE, factIn: { bundle: [ALTERNATE_BUNDLE.name] } },
    facts: { extract: PROTOCOL_EXTRACT },
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
    facts: { extract: PROTOCOL_EXTRACT },
    repair: 'local.alternate-bundle',
    remediation:
      'Host port {port|(unknown)} on {hostIp|the host} is already in use. It is not one of DevLake\'s bundle ports, ' +
      'so switching bundles does not help: free the port, or change that mapping in the compose file.',
    docs: 'recovery.md#local-port-conflict',
    examples: [
      PORT_IN_USE_EXAMPLES.podman,
      'Bind for :::9090 failed: port is already allocated',
      'Error starting userland proxy: listen udp 0.0.0.0:53: bind: address already in use',
      'Error starting userland proxy: Bind for 0.0.0.0:443: unexpected error (Failure EADDRINUSE).',
    ],
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

  {
    id: 'local.ipv6-unavailable',
    title: 'IPv6 not available on this host',
    match: {
      sources: PORT_SOURCES,
      patterns: [
        re(`listen tcp6 ${HOST}:${PORT}: socket: address family not supported by protocol`),
        re(String.raw`socket\(\) ${HOST}:${PORT} failed \(97: Address family not supported by protocol\)`),
        re(String.raw`listen EAFNOSUPPORT: address family not supported ${HOST}:${PORT}(?![\w:.])`),
        re(String.raw`error binding to ${HOST}:${PORT}: .*Address family not supported by protocol`),
        /\baddress family not supported by protocol\b/i,
        /\bEAFNOSUPPORT\b/,
      ],
    },
    repair: null,
    remediation:
      'This host has IPv6 turned off, so nothing can listen on an IPv6 address[[ (port {port})]]. Publish on IPv4 only ' +
      '(a host IP of `0.0.0.0` or `127.0.0.1` in the port mapping), or turn IPv6 back on (`sysctl net.ipv6.conf.all.disable_ipv6=0`).',
    docs: 'recovery.md#local-ipv6-unavailable',
    examples: [
      'Error starting userland proxy: listen tcp6 [::]:8080: socket: address family not supported by protocol',
      'nginx: [emerg] socket() [::]:443 failed (97: Address family not supported by protocol)',
    ],
  },
  {
    id: 'local.port-forwarder-failed',
    title: "Docker Desktop's port forwarder not answering",
    match: {
      sources: ['engine', 'probe'],
      patterns: [/\bunable to list exposed ports\b/i, /\bhttp:\/\/unix\/forwards\/(?:list|expose)\b/i],
    },
    repair: null,
    remediation:
      "Docker Desktop's port forwarder did not answer, so no port could be published (no port is taken and no image " +
      'was involved). Restart Docker Desktop; if it keeps happening on Windows, run `netsh winsock reset` as ' +
      'administrator and reboot.',
    docs: 'recovery.md#local-port-forwarder-failed',
    link: 'https://github.com/docker/for-win/issues/9273',
    examples: [
      'Ports are not available: unable to list exposed ports: Get "http://unix/forwards/list": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    ],
    note: 'Before the image rules: its "context deadline exceeded" is the forwarder, not a registry.',
  },
  {
    id: 'local.firewall-chain-missing',
    title: "the engine's firewall chains are missing",
    match: {
      sources: ['engine', 'probe'],
      patterns: [
        /\bNo chain\/target\/match by that name\b/i,
        /\bCouldn't load target `DOCKER[\w-]*'/i,
        /\bCHAIN_ADD failed\b/i,
        /\bCould not process rule: No such file or directory\b/i,
      ],
    },
    repair: null,
    remediation:
      "The engine's iptables/nftables chains (DOCKER, DOCKER-ISOLATION…) are gone, usually because a firewall " +
      '(firewalld, ufw, `iptables -F`) reloaded after the engine started. Restart the engine so it recreates them ' +
      '(`sudo systemctl restart docker`), then re-run.',
    docs: 'recovery.md#local-firewall-chain-missing',
    examples: [
      'driver failed programming external connectivity on endpoint bind (14e1a515): iptables failed: iptables --wait -t nat -A DOCKER -p tcp -d 0/0 --dport 10000 -j DNAT --to-destination 172.17.0.2:10000 ! -i docker0: iptables: No chain/target/match by that name.',
    ],
    note: 'A port in the message (`--dport`) does not make it a port conflict.',
  },
  {
    id: 'local.container-ip-in-use',
    title: 'container IP address in use',
    match: {
      sources: ['engine'],
      // libnetwork's ipamapi.ErrIPAlreadyAllocated: the whole message, no host port in it.
      patterns: [/^(?:Error response from daemon: )?Address already in use\.?$/i, /\bfailed to allocate (?:requested|gateway) address (?<detail>\S+): Address already in use\b/i],
    },
    repair: null,
    remediation:
      'A fixed container address (`ipv4_address` in the compose file) is already taken by another container on that ' +
      'network, often one that got it dynamically after a restart. Remove the fixed address, or give the other ' +
      'container one too (`docker network inspect <network>` shows who holds it).',
    docs: 'recovery.md#local-container-ip-in-use',
    link: 'https://github.com/docker/compose/issues/11899',
    examples: ['Error response from daemon: Address already in use'],
  },
  {
    id: 'local.address-pool-exhausted',
    title: 'no free network address pool',
    match: {
      sources: ['engine'],
      patterns: [/\bcould not find an available, non-overlapping IPv[46] address pool\b/i],
    },
    repair: null,
    remediation:
      "The engine has no free subnet for DevLake's network: its default address pools are used up by other networks " +
      '(or overlap a VPN route). Remove networks you no longer need (`docker network prune`), disconnect the VPN, or ' +
      'give the engine more pools (`default-address-pools` in /etc/docker/daemon.json), then re-run.',
    docs: 'recovery.md#local-address-pool-exhausted',
    link: 'https://docs.docker.com/reference/cli/dockerd/#default-address-pools',
    examples: ['Error response from daemon: could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network'],
  },
  {
    id: 'local.network-gone',
    title: 'network of an existing container is gone',
    match: {
      sources: ['engine'],
      patterns: [
        /\bnetwork id "(?<network>[0-9a-f]{12,64})" not found\b/i,
        /\bnetwork (?<network>[\w.-]+) not found\b/i,
        /\bfailed to get network during CreateEndpoint\b/i,
        /\badding interface \S+ to bridge \S+ failed: Device does not exist\b/i,
      ],
    },
    repair: 'local.recreate-container',
    remediation:
      'A container of this deployment still points at a network that no longer exists[[ ({network})]]: the network was ' +
      're-created, or removed while the stack was stopped. gh-devlake recreates the containers it created itself (their ' +
      'data volumes kept); by hand, run `docker compose up -d --force-recreate` in the deploy directory.',
    docs: 'recovery.md#local-network-gone',
    link: 'https://github.com/docker/compose/issues/8539',
    examples: ['Error response from daemon: network 7e00e96ef2ba724ba405ab263b23274909bd3c789de72f3081012fe69dbb391a not found'],
    note: 'The repair recreates only containers labelled with this deployment\'s project (never anyone else\'s).',
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
        new RegExp(`(?<socket>${PIPE})\\S*: Access is denied`, 'i'),
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
        /\bCannot connect to the Docker daemon\. Is (?:the docker daemon|'docker -d') running on this host\?/i,
        new RegExp(`(?<socket>${PIPE})`, 'i'),
        /\bsocket hang up\b/i,
      ],
    },
    repair: null,
    remediation: NOT_RUNNING_REMEDIATION,
    docs: 'recovery.md#local-docker-unavailable',
    examples: [
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      'Cannot connect to the Docker daemon. Is the docker daemon running on this host?',
      'open //./pipe/docker_engine: The system cannot find the file specified.',
      'error during connect: Get "http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/v1.51/version": open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified.',
      'open \\\\.\\pipe\\docker_engine_linux: The system cannot find the file specified.',
      'socket hang up',
    ],
  },
  {
    id: 'local.docker-unavailable',
    title: "Docker Desktop's engine not running",
    match: {
      sources: ['engine'],
      // Desktop's API proxy answers 500 for every route while its VM is down; the docker CLI words it so.
      patterns: [/\brequest returned (?:500 )?Internal Server Error for API route and version\b/i],
    },
    facts: { extract: [/for API route and version (?<socket>http:\/\/%2F\S+?)\/(?:v[\d.]+\/|_ping)/i] },
    repair: null,
    remediation:
      "Docker Desktop's engine is not running: its API answers HTTP 500 for every request while its VM is down or " +
      'starting. Restart Docker Desktop (Troubleshoot > Restart), wait until `docker info` answers, then re-run.',
    docs: 'recovery.md#local-docker-unavailable',
    examples: [
      'request returned 500 Internal Server Error for API route and version http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/v1.47/containers/json, check if the server supports the requested API version',
    ],
  },
  {
    id: 'local.docker-unavailable',
    title: "Docker Desktop's engine not running",
    match: { sources: ['engine'], operations: ['connect', 'ping'], statusCodes: [500, 502, 503] },
    repair: null,
    remediation:
      'The Docker engine answered its health ping with an error (Docker Desktop does that while its VM is down or ' +
      'starting). Restart Docker Desktop or the daemon, wait until `docker info` answers, then re-run.',
    docs: 'recovery.md#local-docker-unavailable',
    examples: ['Internal Server Error'],
    note: 'Any 5xx answer to the ping: no engine worth the name is behind it.',
  },

  {
    id: 'local.windows-containers',
    title: 'engine in Windows-containers mode',
    match: {
      sources: ['engine'],
      patterns: [/\bimage operating system "linux" cannot be used on this platform\b/i, /\bno matching manifest for windows\/[\w/.-]+ in the manifest list entries/i],
    },
    facts: { fromTarget: { fact: 'image', operations: ['pull'] } },
    repair: null,
    remediation:
      'Docker Desktop runs Windows containers, and DevLake\'s images are Linux images. Switch to Linux containers ' +
      '(right-click the Docker icon > "Switch to Linux containers…", or `& "$Env:ProgramFiles\\Docker\\Docker\\DockerCli.exe" -SwitchLinuxEngine`), then re-run.',
    docs: 'recovery.md#local-windows-containers',
    link: 'https://docs.docker.com/desktop/troubleshoot-and-support/faqs/windowsfaqs/',
    examples: ['image operating system "linux" cannot be used on this platform'],
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

  {
    id: 'local.out-of-memory',
    title: 'out of memory',
    match: {
      sources: ['engine', 'health', 'probe'],
      patterns: [
        /\bcannot allocate memory\b/i,
        /\bruntime: out of memory\b/i,
        /\bOOMKilled\b/,
        /(?<![\w.-])(?<service>[\w.-]{1,64}) exited with code 137\b/,
      ],
    },
    repair: null,
    remediation:
      'The engine ran out of memory[[ ({service} was killed)]]: MySQL and DevLake need about 2 GB together. Give the ' +
      'engine more memory (Docker Desktop: Settings > Resources > Memory), stop other containers, or add swap, then re-run.',
    docs: 'recovery.md#local-out-of-memory',
    examples: [
      'OCI runtime create failed: container_linux.go:370: starting container process caused: process_linux.go:326: applying cgroup configuration for process caused: mkdir /sys/fs/cgroup/memory/docker/48f8: cannot allocate memory: unknown',
      'mysql exited with code 137',
    ],
    note: 'Exit code 137 is SIGKILL, which the kernel\'s OOM killer sends.',
  },

  // ── Containers and disk ────────────────────────────────────────────────────
  {
    id: 'local.container-name-conflict',
    title: 'container name in use',
    match: {
      sources: ['engine'],
      patterns: [
        /\bcontainer name "\/?(?<name>[^"]+)" is already in use by (?:container )?"?(?<container>[0-9a-f]{6,64})/i,
        // The engine's wording before 2016 (moby/moby#9765, #25932).
        /\bConflict, The name \/?(?<name>\S+) is already assigned to (?<container>\w+)/i,
      ],
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
      "DevLake's database migration was still running at the deadline: a route behind its 428 gate (`GET /plugins`) " +
      'still answered 428 Precondition Required, although `/ping` answers 200. Nothing was stopped: the migration goes ' +
      'on inside the backend (first installs can take minutes). Wait, then run `gh-devlake start --dir <dir>` (with a ' +
      'larger `--timeout`) to wait for it again and record the deploy as complete; `docker compose logs devlake` in the ' +
      'deploy directory shows its progress or an error.',
    docs: 'recovery.md#local-migration-timeout',
    examples: [
      'the database migration did not finish within 600 s: http://localhost:8080/plugins still answers 428 Precondition Required; DevLake goes on migrating',
    ],
    note: 'Reported by our migration wait with code `migration-deadline` (the gated route still answered 428).',
  },
  {
    id: 'local.migration-failed',
    title: 'database migration failed',
    match: { sources: ['health'], codes: ['migration-failed'] },
    repair: null,
    remediation:
      "DevLake's `GET /proceed-db-migration` answered with a server error: a migration script failed, and the backend " +
      'stays in its "migrating" state (428 on its API) until it is restarted. Read the error in `docker compose logs ' +
      'devlake` in the deploy directory, fix its cause (often the database), then run `gh-devlake start --dir <dir>`.',
    docs: 'recovery.md#local-migration-failed',
    examples: ['the database migration failed: GET http://localhost:8080/proceed-db-migration answered HTTP 500'],
    note: 'Reported by our migration wait with code `migration-failed` (services.ExecuteMigration() returned an error).',
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
    id: 'local.release-rate-limited',
    title: "GitHub's rate limit reached",
    match: { sources: ['release'], codes: ['rate-limited'], patterns: [/\bwith the token that was sent\b/] },
    repair: null,
    remediation:
      "GitHub's rate limit is used up even for the token gh-devlake sent (GITHUB_TOKEN or GH_TOKEN); the message says " +
      'when it resets. Wait until then, or pass `--version vX.Y.Z` so no API call is needed. ' + OFFLINE_HINT,
    docs: 'recovery.md#local-release-rate-limited',
    link: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
    examples: ["https://api.github.com/repos/apache/incubator-devlake/releases/latest answered HTTP 403: GitHub's rate limit is used up (x-ratelimit-remaining: 0; it resets at 10:42 UTC), with the token that was sent"],
  },
  {
    id: 'local.release-rate-limited',
    title: "GitHub's rate limit reached",
    match: { sources: ['release'], codes: ['rate-limited'] },
    repair: null,
    remediation:
      "GitHub's limit for unauthenticated requests (60 an hour per address) is used up. Give gh-devlake a token in " +
      'GH_TOKEN or GITHUB_TOKEN (with the GitHub CLI, the output of `gh auth token`); it is sent to the GitHub API ' +
      'only and never printed. Or pass `--version vX.Y.Z` so no API call is needed.',
    docs: 'recovery.md#local-release-rate-limited',
    link: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
    examples: ["https://api.github.com/repos/apache/incubator-devlake/releases/latest answered HTTP 403: GitHub's rate limit is used up (x-ratelimit-remaining: 0; it resets at 10:42 UTC), for unauthenticated requests from this address"],
    note: 'Reported by our release download (code `rate-limited`): HTTP 403 or 429 with `x-ratelimit-remaining: 0`.',
  },
  {
    id: 'local.release-offline',
    title: 'no network: cannot resolve the release host',
    match: { sources: ['release'], codes: ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME'] },
    facts: { extract: [HOST_OF_TARGET] },
    repair: null,
    remediation:
      'gh-devlake could not resolve {host|the release host}: this machine has no network or no DNS. Check the ' +
      'connection (behind a proxy, set HTTPS_PROXY; gh-devlake honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY). ' + OFFLINE_HINT,
    docs: 'recovery.md#local-release-offline',
    examples: ['cannot fetch https://api.github.com/repos/apache/incubator-devlake/releases/latest: getaddrinfo ENOTFOUND api.github.com'],
  },
  {
    id: 'local.release-unreachable',
    title: 'release host or proxy not reachable',
    match: { sources: ['release'], codes: ['proxy-refused'] },
    repair: null,
    remediation:
      'The proxy (HTTPS_PROXY/HTTP_PROXY) refused to connect gh-devlake to the release host; the message has its ' +
      'answer (407 means it asks for a login: put the user name and password in the proxy URL, as `user:password@` ' +
      'before its host). Add the ' +
      'release host to NO_PROXY if it is reachable directly. ' + OFFLINE_HINT,
    docs: 'recovery.md#local-release-unreachable',
    examples: ['cannot fetch https://api.github.com/repos/apache/incubator-devlake/releases/latest: the proxy refused to connect to api.github.com (proxy answered HTTP 407)'],
    note: 'Reported by our release download (code `proxy-refused`).',
  },
  {
    id: 'local.release-unreachable',
    title: 'proxy not reachable',
    match: { sources: ['release'], patterns: [/\bcannot connect to the proxy (?<proxy>\S+) \((?:HTTPS?_PROXY)\)/] },
    repair: null,
    remediation:
      'The proxy {proxy|in HTTPS_PROXY/HTTP_PROXY} does not accept connections, so nothing could be downloaded through ' +
      'it. Check the variable (host and port) and that the proxy runs; unset it where this network needs no proxy, ' +
      'and list hosts reachable directly in NO_PROXY. ' + OFFLINE_HINT,
    docs: 'recovery.md#local-release-unreachable',
    examples: ['cannot fetch https://api.github.com/repos/apache/incubator-devlake/releases/latest: cannot connect to the proxy http://proxy.corp.example:3128 (HTTPS_PROXY): connect ECONNREFUSED 10.0.0.8:3128'],
    note: 'Reported by our release download when the connection to the proxy itself fails (before any tunnel).',
  },
  {
    id: 'local.release-unreachable',
    title: 'release host or proxy not reachable',
    match: { sources: ['release'], codes: ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'] },
    facts: { extract: [HOST_OF_TARGET] },
    repair: null,
    remediation:
      'The connection to {host|the release host} (or to the proxy in HTTPS_PROXY/HTTP_PROXY) was refused, reset ' +
      'or timed out. Check the network, a firewall, and the proxy settings (gh-devlake honours HTTPS_PROXY, ' +
      'HTTP_PROXY and NO_PROXY), then re-run. ' + OFFLINE_HINT,
    docs: 'recovery.md#local-release-unreachable',
    examples: ['cannot fetch https://github.com/apache/incubator-devlake/releases/download/v1.0.1/docker-compose.yml: connect ECONNREFUSED 140.82.121.4:443'],
  },
  {
    id: 'local.release-tls',
    title: 'TLS certificate of the release host not trusted',
    match: {
      sources: ['release'],
      codes: [
        'SELF_SIGNED_CERT_IN_CHAIN',
        'DEPTH_ZERO_SELF_SIGNED_CERT',
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
        'UNABLE_TO_GET_ISSUER_CERT',
        'CERT_UNTRUSTED',
        'CERT_HAS_EXPIRED',
        'ERR_TLS_CERT_ALTNAME_INVALID',
      ],
    },
    facts: { extract: [HOST_OF_TARGET] },
    repair: null,
    remediation:
      'The certificate {host|the release host} presented is not trusted ({code}). Behind a TLS-inspecting corporate ' +
      "proxy, give Node your company's root CA: `NODE_EXTRA_CA_CERTS=/path/to/corporate-ca.pem gh-devlake …`. Never " +
      'turn certificate checks off. ' + OFFLINE_HINT,
    docs: 'recovery.md#local-release-tls',
    link: 'https://nodejs.org/api/cli.html#node_extra_ca_certsfile',
    examples: ['cannot fetch https://api.github.com/repos/apache/incubator-devlake/releases/latest: self-signed certificate in certificate chain'],
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
