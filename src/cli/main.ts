// The command line. Only commander loads at start-up: every command's code (and with it
// dockerode or the Azure SDK) is imported when that command runs, so `--help` stays instant.

import { createRequire, Module } from 'node:module';
import type * as Commander from 'commander';
import { EXIT, UsageError } from '../io/exit-codes.js';
import { requirePacked } from '../util/packed.js';
import type { GlobalIo } from '../io/global-io.js';
import { ALTERNATE_BUNDLE, DEFAULT_BUNDLE, MYSQL_HOST_PORT, bundlePorts } from '../devlake/ports.js';
import { DEPLOY_SOURCES } from '../devlake/state.js';

const { Command, CommanderError, InvalidArgumentError, Option } = loadCommander();
type Command = Commander.Command;

const VERSION = '0.1.0';

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError('expected a whole number of seconds between 1 and 86400');
  return n;
}

/** `--no-repair <id>`, repeatable: every id given, in order (checked against the registry when the command runs). */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * The off switch of the automatic repairs. commander stores a `--no-*` flag under the name without
 * `no-` (`repair`); with a value it keeps the values, and the default keeps it a list.
 */
function noRepairOption(): Commander.Option {
  return new Option('--no-repair <id>', 'do not apply this automatic repair (repeatable; also GH_DEVLAKE_NO_REPAIR=id,id); ids in docs/recovery.md')
    .argParser(collect)
    .default([], 'none');
}

function parseBool(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError("expected 'true' or 'false'");
}

/**
 * commander, packed into one file when built (src/util/packed.ts) and required directly: an ES
 * `import` of a CommonJS package first scans it for exports. Its `node:child_process` (~6 ms to
 * load) is handed over on first use instead: commander needs it only to run executable
 * subcommands, which this CLI has none of. Together ~10 ms of every start-up (docs/performance.md).
 */
function loadCommander(): typeof Commander {
  const require = createRequire(import.meta.url);
  const loader = Module as unknown as { _load?: (request: string, parent: unknown, isMain: boolean) => unknown };
  const load = loader._load;
  if (typeof load !== 'function') return requirePacked('commander', require) as typeof Commander;
  let real: object | undefined;
  const childProcess = new Proxy({}, { get: (_, key): unknown => Reflect.get((real ??= require('node:child_process') as object), key) as unknown });
  loader._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    return request === 'node:child_process' ? childProcess : load.call(this, request, parent, isMain);
  };
  try {
    return requirePacked('commander', require) as typeof Commander;
  } finally {
    loader._load = load;
  }
}

export type { GlobalIo } from '../io/global-io.js';

/** Build the program. Actions set `exitCode`; main() exits with it. */
export function buildProgram(io: GlobalIo, setExit: (code: number) => void): Command {
  const program = new Command('gh-devlake')
    // Before any subcommand exists: commander copies this to the commands made after it, so a bad
    // flag on `deploy local` throws (exit 2) instead of commander calling process.exit(1) itself.
    .exitOverride()
    .description('Deploy Apache DevLake locally with Docker or on Azure, and recover from known deploy failures.')
    .version(VERSION, '-V, --version')
    // Program options only before the command: `deploy local --version v1.0.1` is the release tag.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failed (the report says why), 2 usage error, 3 bad input file,
4 directory busy (another run), 130/143 interrupted. NO_COLOR=1 turns colour off.
Docs: docs/deploy.md, docs/recovery.md, docs/doctor.md, docs/status.md, docs/start.md, docs/machines.md`,
    );

  const run = (load: () => Promise<(out: unknown) => Promise<number>>) => async (opts: unknown) => {
    const fn = await load();
    setExit(await fn(opts));
  };

  const deploy = program.command('deploy').description('Deploy DevLake locally (Docker) or on Azure.');
  deploy
    .command('local')
    .description('Deploy DevLake on the local Docker engine, recovering once from known failures (port conflicts…).')
    .option('--dir <dir>', 'deployment directory (compose file, .env, state file)', '.')
    .addOption(new Option('--source <source>', 'where the compose file comes from').choices(DEPLOY_SOURCES).default('official'))
    .option('--version <tag>', "release tag for --source official (vX.Y.Z or 'latest')", 'latest')
    .option('--repo-url <url>', 'git repository for --source fork (a file:// URL or local path works too)')
    .option('--replace-compose', "official: replace a docker-compose.yml that is not the release's (yours, or edited); a numbered backup is kept")
    .option('--move-broken-state', 'a .devlake-local.json that cannot be parsed is moved aside (a numbered backup) instead of stopping the deploy')
    .addOption(new Option('--start [bool]', "start the stack after preparing the files ('--start=false' only prepares)").argParser(parseBool).default(true))
    .addOption(new Option('--timeout <seconds>', 'overall deadline for health and migration waits').argParser(parseSeconds).default(360))
    .option('--json', 'print one JSON document (with the recovery record) instead of text')
    .option('--inspect', 'attach the Stately inspector (a local page; it loads stately.ai, so it needs internet access)')
    .addOption(noRepairOption())
    .addHelpText(
      'after',
      `
Sources:
  official  download docker-compose.yml and env.example of the release into --dir
  fork      clone --repo-url, build its images, start mysql devlake grafana config-ui
  custom    use the docker-compose.yml already in --dir, untouched (recovery stays manual)

Your files: an official deploy never replaces a docker-compose.yml it did not write (or that
was edited, or of a --source custom deploy) without --replace-compose; whatever it replaces is
backed up first as FILE.bak.N. .env is merged: your settings are kept, new ones added.
A broken .devlake-local.json stops the deploy (exit 3) unless --move-broken-state; cleanup and
stop work without it, from the containers' labels.

Recovery: a port conflict on ${bundlePorts(DEFAULT_BUNDLE).join('/')} falls back once to ${bundlePorts(ALTERNATE_BUNDLE).join('/')} (official and
fork only); a busy ${MYSQL_HOST_PORT} starts MySQL without publishing it; containers of an earlier run whose
network is gone are recreated (volumes kept). --no-repair local.alternate-bundle
(or GH_DEVLAKE_NO_REPAIR=local.alternate-bundle) turns one off: it then declines and says so.
See docs/recovery.md.`,
    )
    .action(run(async () => (await import('./commands/dispatch.js')).targetCommand(io, 'deploy', 'local')));

  deploy
    .command('azure')
    .description('Deploy DevLake on Azure (Container Instances, MySQL Flexible Server, Key Vault).')
    .requiredOption('--resource-group <name>', 'resource group to create or use')
    .requiredOption('--location <region>', 'Azure region, e.g. eastus')
    .option('--subscription <id>', 'subscription id (default: the credential’s default)')
    .option('--base-name <name>', 'prefix of resource names', 'devlake')
    .option('--official', 'use the official DevLake images (no registry)')
    .option('--repo-url <url>', 'without --official: DevLake fork (git URL, file:// URL or local directory) to build the backend, config-ui and Grafana images from; they are pushed to a Basic Azure Container Registry')
    .option('--skip-image-build', 'without --official: use the images already in the registry (pushed by an earlier run)')
    .option('--version <tag>', 'DevLake release tag (official images), or the tag of the custom images', 'latest')
    .option('--dir <dir>', 'where the state file is written', '.')
    .option('--yes', 'do not ask for confirmation')
    .option(
      '--rotate-secrets',
      'generate a new MySQL admin password and ENCRYPTION_SECRET instead of reusing the ones in the Key Vault; the server password is reset, and every credential DevLake stored with the old ENCRYPTION_SECRET becomes unreadable (enter your connections again)',
    )
    .option('--json', 'print one JSON document instead of text')
    .option('--inspect', 'attach the Stately inspector (a local page; it loads stately.ai, so it needs internet access)')
    .addOption(noRepairOption())
    .addHelpText(
      'after',
      `
Re-runs are safe: the MySQL password and ENCRYPTION_SECRET stay in the deployment's Key Vault and are
reused (passed to ARM as Key Vault references; gh-devlake never reads or prints them); an existing vault
keeps its soft-delete retention; the resource group's tags are merged, never replaced. A second deploy
over a healthy deployment submits nothing and reports "unchanged". Ctrl-C cancels our running ARM
deployment. Permissions: see docs/azure.md.`,
    )
    .action(run(async () => (await import('./commands/dispatch.js')).targetCommand(io, 'deploy', 'azure')));

  program
    .command('status')
    .description('Show the deployment in --dir (state file) and whether each endpoint is healthy; without a state file, discover a local DevLake.')
    .option('--dir <dir>', 'deployment directory', '.')
    .option('--json', 'print JSON')
    .action(run(async () => (await import('./commands/status.js')).statusCommand(io)));

  program
    .command('start')
    .description('Start a stopped deployment again on its recorded port bundle (same recovery as deploy).')
    .option('--dir <dir>', 'deployment directory', '.')
    .option('--service <name>', 'start only this compose service')
    .option('--no-wait', 'do not wait for health and migration')
    .addOption(new Option('--timeout <seconds>', 'overall deadline for waits').argParser(parseSeconds).default(360))
    .option('--azure', 'start the Azure deployment recorded in --dir')
    .option('--json', 'print JSON')
    .option('--inspect', 'attach the Stately inspector (a local page; it loads stately.ai, so it needs internet access)')
    .action(run(async () => (await import('./commands/dispatch.js')).targetCommand(io, 'start')));

  program
    .command('stop')
    .description('Stop the deployment (containers are kept; start brings them back).')
    .option('--dir <dir>', 'deployment directory', '.')
    .option('--service <name>', 'stop only this compose service')
    .option('--azure', 'stop the Azure deployment recorded in --dir')
    .option('--json', 'print JSON')
    .action(run(async () => (await import('./commands/dispatch.js')).targetCommand(io, 'stop')));

  program
    .command('cleanup')
    .description('Remove a deployment: containers and network (and volumes unless --keep-data), or the Azure resources.')
    .option('--dir <dir>', 'deployment directory', '.')
    .option('--local', 'remove the local Docker deployment')
    .option('--azure', 'remove the Azure deployment')
    .option('--force', 'do not ask for confirmation (required without a terminal)')
    .option('--keep-data', 'keep the named volumes (MySQL and Grafana data)')
    .option('--keep-resource-group', 'Azure: delete the resources (container groups, MySQL server, Key Vault, container registry) but keep the resource group')
    .option('--subscription <id>', "Azure: the subscription, when the state file names none (the Go tool's partial file); default as for a deploy")
    .option('--json', 'print JSON')
    .action(run(async () => (await import('./commands/cleanup.js')).cleanupCommand(io)));

  program
    .command('doctor')
    .description('Before deploying: which known failures a deploy would meet, and what it would do. Changes nothing.')
    .option('--dir <dir>', 'deployment directory', '.')
    .option('--azure', 'check an Azure deploy instead of a local one')
    .option('--resource-group <name>', 'Azure resource group (default: .devlake-azure.json in --dir)')
    .option('--location <region>', 'Azure region (default: .devlake-azure.json in --dir)')
    .option('--subscription <id>', 'Azure subscription id')
    .option('--base-name <name>', "Azure resource name prefix (default: the state file's, else devlake)")
    .addOption(new Option('--source <source>', "local: the deploy's --source (default official, as deploy local)").choices(['official', 'fork', 'custom']))
    .option('--version <tag>', "local: the deploy's --version")
    .option('--repo-url <url>', "local: the deploy's --repo-url (--source fork)")
    .option('--replace-compose', "local: the deploy's --replace-compose")
    .option('--move-broken-state', "local: the deploy's --move-broken-state")
    .option('--json', 'print one JSON document')
    .addOption(noRepairOption())
    .addHelpText(
      'after',
      `
Local: give the options you will give \`deploy local\` (--source, --replace-compose…): doctor predicts
that deploy, with the same defaults (--source official) and the same repair guards.
Exit code 0 when a deploy would succeed with at most automatic repairs, 1 when something needs you. See docs/doctor.md.`,
    )
    .action(run(async () => (await import('./commands/doctor.js')).doctorCommand(io)));

  const machines = program.command('machines').description("Show the flows' state machines as diagrams or definitions.");
  machines
    .command('list')
    .description('List the state machines.')
    .option('--json', 'print JSON')
    .action(run(async () => (await import('./commands/machines.js')).machinesListCommand(io)));
  machines
    .command('show')
    .argument('<name>', 'machine name (see `machines list`)')
    .description('Print a machine as Mermaid stateDiagram-v2, Graphviz DOT, or its JSON definition.')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'))
    .action(async (name: string, opts: unknown) => setExit(await (await import('./commands/machines.js')).machinesShowCommand(io)(name, opts)));

  return program;
}

/**
 * A reader that went away (`gh-devlake status | head -1`) is not a failure of the command: what
 * is left to print is dropped and the work goes on (a deploy is not cut off half-way), with the
 * exit code it would have had. Any other stream error still surfaces.
 */
function dropOutputOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

export async function main(argv: string[], io: GlobalIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<void> {
  if (io.stdout === process.stdout) dropOutputOnClosedPipe(process.stdout);
  if (io.stderr === process.stderr) dropOutputOnClosedPipe(process.stderr);
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (c) => (exitCode = c));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; real parse errors with 2.
      exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n`);
      exitCode = EXIT.usage;
    } else {
      const { reportUnexpected } = await import('./unexpected.js');
      exitCode = reportUnexpected(err, io);
    }
  }
  process.exitCode = exitCode;
}
