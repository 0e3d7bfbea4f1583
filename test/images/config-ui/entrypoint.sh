#!/bin/sh
# Test config UI: static files only. DEVLAKE_ENDPOINT / GRAFANA_ENDPOINT are accepted and ignored.
trap 'exit 0' TERM INT
echo "test config-ui: listening on 4000"
httpd -f -p 4000 -h /www &
wait $!
