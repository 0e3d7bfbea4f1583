# Shared by entrypoint.sh and handler.sh: the service status and the migration, after
# apache/incubator-devlake v1.0.1 `backend/server/services/init.go`.

# The status lives in memory upstream (services.serviceStatus): entrypoint.sh clears it at every
# start, so a restarted container starts over from InitExecuteMigration().
STATUS=/tmp/devlake-status
SERVICE_STATUS_WAIT_CONFIRM='waiting for migration confirmation'
SERVICE_STATUS_MIGRATING=migrating
SERVICE_STATUS_READY=ready

status() { cat "$STATUS" 2>/dev/null || echo initializing; }
set_status() { echo "$1" >"$STATUS.$$" && mv "$STATUS.$$" "$STATUS"; }

# FORCE_MIGRATION as viper's GetBool reads it (strconv.ParseBool).
force_migration() {
  case ${FORCE_MIGRATION:-} in 1 | t | T | true | TRUE | True) return 0 ;; *) return 1 ;; esac
}

# host:port of DB_URL (mysql://user:pass@host:port/db?…).
db_address() {
  a=${DB_URL#*://}
  a=${a#*@}
  a=${a%%/*}
  a=${a%%\?*}
  case $a in *:*) ;; *) a=$a:3306 ;; esac
  echo "$a"
}

# One request to the test MySQL (test/images/mysql/handler.sh); fails when it cannot connect.
db() {
  a=$(db_address)
  out=$(echo "$*" | nc -w 2 "${a%:*}" "${a##*:}" 2>/dev/null) || return 1
  [ -n "$out" ] || [ "$1" = GDL-TEST-HISTORY ] || return 1
  printf '%s' "$out${out:+
}"
}

# ExecuteMigration(): a migration already running is refused ("There is a migration in progress."),
# a ready service returns at once, otherwise run the scripts (migrator.Execute()) and become ready.
# statusLock is the mkdir (atomic). Returns 0 done, 1 failed, 3 already in progress.
execute_migration() {
  mkdir "$STATUS.lock" 2>/dev/null || return 3
  case $(status) in
    "$SERVICE_STATUS_MIGRATING") rmdir "$STATUS.lock"; return 3 ;;
    "$SERVICE_STATUS_READY") rmdir "$STATUS.lock"; return 0 ;;
  esac
  set_status "$SERVICE_STATUS_MIGRATING"
  rmdir "$STATUS.lock"
  echo "test devlake: running the migration scripts of ${DEVLAKE_VERSION:-dev} (${MIGRATION_SECONDS:-0}s)" >&2
  if [ "${MIGRATION_SECONDS:-0}" != 0 ]; then
    sleep "${MIGRATION_SECONDS}"
  fi
  # A failed migrator.Execute() returns the error and leaves the status at "migrating".
  if ! db GDL-TEST-APPLY "${DEVLAKE_VERSION:-dev}" >/dev/null; then
    echo 'failed to execute migration: the database did not answer' >&2
    return 1
  fi
  set_status "$SERVICE_STATUS_READY"
  echo 'test devlake: migration done' >&2
  return 0
}
