#!/bin/sh
# Test backend. Knobs (environment):
#   START_DELAY_SECONDS  sleep this long before listening (default 0)
#   MIGRATION_SECONDS    after GET /proceed-db-migration, this long until migrated (default 0 = at once)
#   MIGRATION_REQUIRED   1 (default): API paths answer 428 until migrated; 0: start migrated
#   PORT                 listening port (default 8080; a leading ':' is accepted, as in DevLake's .env)
trap 'exit 0' TERM INT
port=${PORT:-8080}
port=${port#:}
mkdir -p "${LOGGING_DIR:-/app/logs}" 2>/dev/null
echo "test devlake ${DEVLAKE_VERSION:-dev}: starting (delay ${START_DELAY_SECONDS:-0}s)"
if [ "${START_DELAY_SECONDS:-0}" != 0 ]; then
  sleep "${START_DELAY_SECONDS}" &
  wait $!
fi
echo "test devlake: listening on $port"
# Each extra -l raises the listen backlog by one (busybox nc uses the -l count as backlog);
# 2+ also means keep listening and fork a handler per connection.
nc -llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll -p "$port" -e /handler.sh &
wait $!
