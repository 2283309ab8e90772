#!/bin/sh
# Build-stage tests for daemon.
set -eu
. /src/lib/testlib.sh
use_build "$1"
DAEMON_STATE_DIR=$(mktemp -d)
export DAEMON_STATE_DIR

r=$(http_get /health)
expect_status "$r" 503
expect_body_contains "$r" '"worker":{"status":"unhealthy"'

/app/bin/daemon --once
/app/bin/daemon --once
r=$(http_get /health)
expect_status "$r" 200
expect_health_json "$r" healthy
r=$(http_get /status)
expect_body_contains "$r" '"ticks":2'

echo $(($(date +%s) - 60)) >"$DAEMON_STATE_DIR/heartbeat"
r=$(http_get /health)
expect_status "$r" 200
expect_health_json "$r" degraded

r=$(export SLIPWAY_EXAMPLE_HEALTH=unhealthy; http_get /health)
expect_status "$r" 503
rm -rf "$DAEMON_STATE_DIR"
pass
