#!/bin/sh
# Test DevLake backend: the start-up of apache/incubator-devlake v1.0.1
# `backend/server/api/api.go` CreateAndRunApiServer(): Init(), then
# services.InitExecuteMigration(), then the router, then RunApiServer() listens. Nothing answers
# before that. Knobs (environment; the release compose file passes the whole .env via env_file):
#   DB_URL               mysql://user:pass@host:port/db… (required, as upstream)
#   START_DELAY_SECONDS  how long Init takes after the database answered (plugins loading); default 0
#   MIGRATION_SECONDS    how long this version's migration scripts take to run; default 0
#   FORCE_MIGRATION      true: run pending scripts inside Init, before listening (upstream knob)
#   PORT                 listening port (default 8080; a leading ':' is accepted, as upstream)
trap 'exit 0' TERM INT
. /lib.sh
port=${PORT:-8080}
port=${port#:}
mkdir -p "${LOGGING_DIR:-/app/logs}" 2>/dev/null
rm -rf "$STATUS" "$STATUS.lock"
echo "test devlake ${DEVLAKE_VERSION:-dev}: starting (Init takes ${START_DELAY_SECONDS:-0}s)"

# services.InitResources() → runner.CreateAppBasicRes() → NewGormDb(): DB_URL is required and the
# connection is made at once; any error panics (`backend/core/runner/basic_res.go`), so the process
# exits with Go's panic status 2 and `restart: always` starts it again.
if [ -z "${DB_URL:-}" ]; then
  echo 'panic: DB_URL is required, please set it in environment variable or .env file' >&2
  exit 2
fi
if ! db GDL-TEST-HISTORY >/tmp/devlake-history 2>/dev/null; then
  echo "panic: dial tcp $(db_address): connect: connection refused" >&2
  exit 2
fi
# lockDatabase() and runner.LoadPlugins() (`backend/server/services/init.go` Init): still nothing
# listens. START_DELAY_SECONDS stands for their time.
if [ "${START_DELAY_SECONDS:-0}" != 0 ]; then
  sleep "${START_DELAY_SECONDS}" &
  wait $!
fi

# services.InitExecuteMigration() (`backend/server/services/init.go`): pending scripts wait for
# /proceed-db-migration unless FORCE_MIGRATION is true; no pending scripts: ExecuteMigration() at once.
if grep -qx "${DEVLAKE_VERSION:-dev}" /tmp/devlake-history; then
  echo "has pending scripts? false, FORCE_MIGRATION: $(force_migration && echo true || echo false)"
  set_status ready
  echo 'no db migration needed'
elif force_migration; then
  echo 'has pending scripts? true, FORCE_MIGRATION: true'
  execute_migration || exit 2
  echo 'db migration without confirmation'
else
  echo 'has pending scripts? true, FORCE_MIGRATION: false'
  set_status "$SERVICE_STATUS_WAIT_CONFIRM"
  echo 'db migration confirmation needed'
fi

echo "test devlake: listening on $port"
# Each extra -l raises the listen backlog by one (busybox nc uses the -l count as backlog);
# 2+ also means keep listening and fork a handler per connection.
nc -llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll -p "$port" -e /handler.sh &
wait $!
