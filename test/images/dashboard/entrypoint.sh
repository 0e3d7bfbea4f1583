#!/bin/sh
# Test Grafana: static files only. GF_* variables from the compose file are accepted and ignored.
trap 'exit 0' TERM INT
mkdir -p /var/lib/grafana 2>/dev/null
echo "test grafana: listening on 3000"
httpd -f -p 3000 -h /www &
wait $!
