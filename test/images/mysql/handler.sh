#!/bin/sh
# One connection. The test backend (test/images/devlake) speaks two one-line requests:
#   GDL-TEST-HISTORY        → the versions whose migration scripts were applied, one a line
#                             (stands for DevLake's `_devlake_migration_history` table)
#   GDL-TEST-APPLY <tag>    → record <tag>'s scripts as applied; answers OK
# Anything else is echoed back (the first line, then the rest as it comes).
HISTORY=/var/lib/mysql/gdl-test-migration-history
IFS= read -r line || exit 0
case $line in
  'GDL-TEST-HISTORY')
    [ -f "$HISTORY" ] && cat "$HISTORY"
    exit 0 ;;
  'GDL-TEST-APPLY '*)
    echo "${line#GDL-TEST-APPLY }" >>"$HISTORY" && echo OK
    exit 0 ;;
esac
printf '%s\n' "$line"
exec cat
