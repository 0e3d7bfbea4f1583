#!/bin/sh
# One HTTP/1.1 request per process: `nc -ll -e` runs this with the connection on stdin/stdout.
# Routes and their order after apache/incubator-devlake v1.0.1 `backend/server/api/api.go`:
# CreateApiServer() registers /ping /ready /health /version before any middleware; SetupApiServer()
# registers GET /proceed-db-migration, then the middleware that answers 428 while the status is
# "waiting for migration confirmation" or "migrating", then RegisterRouter() (`router.go`: /plugins,
# /blueprints, /projects, …). gin runs the global middleware for unknown routes too (404 handlers),
# so anything not registered before the middleware answers 428 until the migration is done.
# Every response has Content-Length and `Connection: close`.
. /lib.sh
CR=$(printf '\r')

respond() { # status reason body [content-type]
  body=$3
  echo "$method $target -> $1" >&2
  if [ "$method" = HEAD ]; then out=''; else out=$body; fi
  printf 'HTTP/1.1 %s %s\r\nContent-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$1" "$2" "${4:-application/json; charset=utf-8}" "${#body}" "$out"
  exit 0
}

# shared.ApiBody (`backend/server/api/shared/api_output.go`): {code, success, message, causes, data}.
api_body() { # success message
  printf '{"code":0,"success":%s,"message":"%s","causes":null,"data":null}' "$1" "$2"
}

read -r -t 10 method target _ || exit 0
clen=0
chunked=
while IFS= read -r -t 10 line; do
  line=${line%"$CR"}
  [ -z "$line" ] && break
  case $line in
    [Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]:*)
      clen=${line#*:}
      clen=${clen# }
      ;;
    [Tt][Rr][Aa][Nn][Ss][Ff][Ee][Rr]-[Ee][Nn][Cc][Oo][Dd][Ii][Nn][Gg]:*[Cc][Hh][Uu][Nn][Kk][Ee][Dd]*)
      chunked=1
      ;;
  esac
done
case $clen in '' | *[!0-9]*) clen=0 ;; esac
# Drain a request body so closing the socket does not reset the connection under the client.
if [ -n "$chunked" ]; then
  while IFS= read -r -t 5 size; do
    size=${size%"$CR"}
    size=${size%%;*}
    case $size in '' | *[!0-9a-fA-F]*) break ;; esac
    [ $((0x$size)) -eq 0 ] && { read -r -t 5 _; break; }
    # dd bs=1: exact reads (head's stdio buffering would swallow the next chunk line).
    dd bs=1 count=$((0x$size + 2)) of=/dev/null 2>/dev/null
  done
elif [ "$clen" -gt 0 ]; then
  head -c "$clen" >/dev/null
fi

path=${target%%\?*}
current=$(status)
# Only GET routes are registered; any other method is an unknown route for gin (404 handlers).
if [ "$method" = GET ]; then
  case $path in
    # ping.Get: c.Status(200), no body.
    /ping) respond 200 OK '' ;;
    # ping.Ready → services.Ready() (`services/probes.go`): 503 (errors.Unavailable) until ready.
    /ready)
      if [ "$current" = "$SERVICE_STATUS_READY" ]; then respond 200 OK "$(api_body true ready)"; fi
      respond 503 'Service Unavailable' "$(api_body false "service is not ready: $current")" ;;
    # ping.Health → services.Health(): "maybe" unless ready; then one read of the pipelines table.
    /health)
      if [ "$current" = "$SERVICE_STATUS_READY" ]; then respond 200 OK "$(api_body true good)"; fi
      respond 200 OK "$(api_body true maybe)" ;;
    # version.Get: {"version": version.Version}.
    /version) respond 200 OK "{\"version\":\"${DEVLAKE_VERSION:-dev}@test\"}" ;;
    # The handler calls services.ExecuteMigration() and answers when it returns: it blocks for the
    # whole migration. A second call while one runs gets BadInput (400) "There is a migration in
    # progress."; a call when ready answers 200 at once. The migration goes on if the client leaves.
    /proceed-db-migration)
      execute_migration
      case $? in
        0) respond 200 OK "$(api_body true success)" ;;
        3) respond 400 'Bad Request' "$(api_body false 'error executing migration (400)\ncaused by: There is a migration in progress. (400)')" ;;
        *) respond 500 'Internal Server Error' "$(api_body false 'error executing migration (500)\ncaused by: failed to execute migration (500)')" ;;
      esac ;;
  esac
fi

# The 428 middleware (api.go SetupApiServer), with upstream's two messages.
case $current in
  "$SERVICE_STATUS_WAIT_CONFIRM")
    respond 428 'Precondition Required' "$(api_body false '\nNew migration scripts detected. Database migration is required to launch DevLake.\nWARNING: Performing migration may wipe collected data for consistency and re-collecting data may be required.\nTo proceed, please send a request to <config-ui-endpoint>/api/proceed-db-migration (or <devlake-endpoint>/proceed-db-migration).\nAlternatively, you may downgrade back to the previous DevLake version.\n')" ;;
  "$SERVICE_STATUS_MIGRATING")
    respond 428 'Precondition Required' "$(api_body false 'Database migration is in progress. Please wait until it is completed.')" ;;
esac

# RegisterRouter() (`backend/server/api/router.go`), the few routes tests read; the rest is gin's 404.
if [ "$method" = GET ]; then
  case $path in
    /plugins) respond 200 OK '[{"plugin":"github","metric":{}},{"plugin":"gitlab","metric":{}},{"plugin":"dora","metric":{"requiredDataEntities":null,"runAfter":null,"isProjectMetric":true}}]' ;;
    /blueprints) respond 200 OK '{"blueprints":[],"count":0}' ;;
    /projects) respond 200 OK '{"projects":[],"count":0}' ;;
  esac
fi
respond 404 'Not Found' '404 page not found' 'text/plain'
