#!/bin/sh
# Build-stage tests for api: fail the image build when the app is broken.
set -eu
. /src/lib/testlib.sh
use_build "$1"

r=$(http_get /api/health)
expect_status "$r" 200
expect_header "$r" 'Content-Type: application/json'
expect_health_json "$r" healthy
expect_body_contains "$r" '"storage":{"status":"healthy"}'

r=$(export SLIPWAY_EXAMPLE_HEALTH=degraded; http_get /api/health)
expect_status "$r" 200
expect_health_json "$r" degraded

r=$(export SLIPWAY_EXAMPLE_HEALTH=unhealthy; http_get /api/health)
expect_status "$r" 503
expect_health_json "$r" unhealthy

r=$(http_get /api/version)
expect_status "$r" 200
expect_body_contains "$r" "\"version\":\"$VERSION\""

r=$(http_get '/api/items?limit=2')
expect_status "$r" 200
[ "$(body_of "$r")" = '[{"id":1,"name":"anchor"},{"id":2,"name":"buoy"}]' ] || fail "items: $(body_of "$r")"

r=$(http_get /api/nope)
expect_status "$r" 404
expect_body_contains "$r" '"path":"/api/nope"'
pass
