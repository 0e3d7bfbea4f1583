#!/bin/sh
# One HTTP/1.1 request per process: `nc -ll -e` runs this with the connection on stdin/stdout.
#   /ping                  200 {"status":"ok"}        (always)
#   /proceed-db-migration  200 {"success":true,...}   (any method; starts the migration)
#   anything else          428 until migrated, then 200
# Every response has Content-Length and `Connection: close`.
STATE=/tmp/devlake-migration
CR=$(printf '\r')

# Time in centiseconds from /proc/uptime ("12345.67 ..."); 1xx-100 keeps "05" from reading as octal.
now_cs() {
  read -r up _ </proc/uptime
  echo $(( ${up%.*} * 100 + 1${up#*.} - 100 ))
}

migrated() {
  [ "${MIGRATION_REQUIRED:-1}" = 0 ] && return 0
  [ -f "$STATE.done" ] && return 0
  [ -f "$STATE.started" ] || return 1
  read -r started <"$STATE.started" || return 1
  [ -n "$started" ] || return 1
  if [ $(( $(now_cs) - started )) -ge $(( ${MIGRATION_SECONDS:-0} * 100 )) ]; then
    : >"$STATE.done"
    return 0
  fi
  return 1
}

respond() { # status reason body
  body=$3
  echo "$method $target -> $1" >&2
  if [ "$method" = HEAD ]; then out=''; else out=$body; fi
  printf 'HTTP/1.1 %s %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$1" "$2" "${#body}" "$out"
  exit 0
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
path=${path%/}
case $path in
  /ping | /api/ping)
    respond 200 OK '{"status":"ok"}' ;;
  /proceed-db-migration | /api/proceed-db-migration)
    if [ ! -f "$STATE.started" ] && [ ! -f "$STATE.done" ]; then
      now_cs >"$STATE.started.$$" && mv "$STATE.started.$$" "$STATE.started"
      [ "${MIGRATION_SECONDS:-0}" = 0 ] && : >"$STATE.done"
    fi
    respond 200 OK '{"success":true,"message":"success","causes":null,"data":null}' ;;
esac

if ! migrated; then
  respond 428 'Precondition Required' '{"success":false,"message":"database migration required: call /proceed-db-migration first (test backend)","causes":null,"data":null}'
fi

case $path in
  /version) respond 200 OK "{\"version\":\"${DEVLAKE_VERSION:-dev}@test\"}" ;;
  /blueprints) respond 200 OK '{"blueprints":[],"count":0}' ;;
  *) respond 200 OK '{"success":true,"causes":null,"data":null}' ;;
esac
