#!/bin/sh
# Build-stage tests for proxy (the relay itself needs a listening upstream; see the README for the
# runtime check proxy -> api).
set -eu
. /src/lib/testlib.sh
use_build "$1"
unset UPSTREAM

r=$(http_get /health)
expect_status "$r" 200
expect_health_json "$r" healthy

r=$(export SLIPWAY_EXAMPLE_HEALTH=unhealthy; http_get /health)
expect_status "$r" 503

r=$(http_get /api/items)
expect_status "$r" 502
expect_body_contains "$r" 'no upstream configured'
pass
