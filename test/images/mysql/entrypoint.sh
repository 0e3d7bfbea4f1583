#!/bin/sh
# Test MySQL. Arguments (mysqld flags from the compose file's `command:`) are ignored on purpose.
# Not a database: port 3306 echoes what it gets, except the two lines of the test backend's own
# protocol (handler.sh), which read and write the DevLake migration history kept in the data
# volume, so the history survives re-creation of the container, as the real one does.
#
# Start-up: real MySQL is not reachable at once (docker-library/mysql `docker-entrypoint.sh`
# initializes an empty datadir with networking disabled; InnoDB crash recovery on an existing one).
# The compose file gives this service no knob of ours, so the delay is read from the data volume:
# /var/lib/mysql/gdl-test-startup-seconds (absent: listen at once). A test writes it to make the
# next start slow.
trap 'exit 0' TERM INT
data=/var/lib/mysql
mkdir -p "$data" 2>/dev/null
delay=0
[ -f "$data/gdl-test-startup-seconds" ] && read -r delay <"$data/gdl-test-startup-seconds"
case $delay in '' | *[!0-9]*) delay=0 ;; esac
echo "test mysql: starting (args ignored: $*; not reachable for ${delay}s)"
if [ "$delay" != 0 ]; then
  sleep "$delay" &
  wait $!
fi
echo "test mysql: listening on 3306"
# -lll...: keep listening, one handler per connection; the -l count is the listen backlog.
nc -llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll -p 3306 -e /handler.sh &
wait $!
