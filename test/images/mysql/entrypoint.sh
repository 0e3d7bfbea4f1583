#!/bin/sh
# Arguments (mysqld flags from the compose file's `command:`) are ignored on purpose.
trap 'exit 0' TERM INT
echo "test mysql: listening on 3306 (args ignored: $*)"
# -lll...: keep listening, one `cat` per connection; the -l count is the listen backlog.
nc -llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll -p 3306 -e /bin/cat &
wait $!
