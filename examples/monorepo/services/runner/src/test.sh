#!/bin/sh
# Build-stage tests for runner.
set -eu
. /src/lib/testlib.sh
use_build "$1"

r=$(http_get /health)
expect_status "$r" 200
expect_health_json "$r" healthy
expect_body_contains "$r" '"jobs":{"status":"healthy"}'

r=$(export SLIPWAY_EXAMPLE_HEALTH=unhealthy; http_get /health)
expect_status "$r" 503

r=$(http_get /jobs)
[ "$(body_of "$r")" = '["checksum","hello","uptime"]' ] || fail "jobs: $(body_of "$r")"

r=$(http_get '/run?job=hello&arg=slip%20way')
expect_status "$r" 200
[ "$(body_of "$r")" = '{"job":"hello","exit":0,"output":"hello, slip way"}' ] || fail "run: $(body_of "$r")"

r=$(http_get '/run?job=checksum&arg=abc')
expect_body_contains "$r" 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'

r=$(http_get '/run?job=../../bin/sh')
expect_status "$r" 400
r=$(http_get '/run?job=nope')
expect_status "$r" 404
pass
