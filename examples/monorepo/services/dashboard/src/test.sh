#!/bin/sh
# Build-stage tests for the dashboard: requests go through the real front + busybox httpd (no network).
set -eu
out=$1
[ -e /app ] || ln -s "$out/app" /app
[ -e /www ] || ln -s "$out/www" /www
. /app/build-info
fail() { echo "TEST FAIL [dashboard]: $*" >&2; exit 1; }
get() { printf 'GET %s HTTP/1.1\r\nHost: test\r\n\r\n' "$1" | /app/bin/front.sh | tr -d '\r'; }
status() { printf '%s\n' "$1" | head -1 | cut -d' ' -f2; }
body() { printf '%s\n' "$1" | sed '1,/^$/d'; }

# every asset referenced by index.html exists (fingerprinting did not break references)
for ref in $(grep -o '/assets/[^"]*' /www/index.html); do
  [ -f "/www$ref" ] || fail "index.html references missing $ref"
  r=$(get "$ref")
  [ "$(status "$r")" = 200 ] || fail "GET $ref -> $(status "$r")"
done
grep -q "content=\"$VERSION\"" /www/index.html || fail "version not stamped into index.html"

for p in / /services /settings/deep/link; do
  r=$(get "$p")
  [ "$(status "$r")" = 200 ] || fail "SPA route $p -> $(status "$r")"
  body "$r" | grep -q '<main id="view">' || fail "SPA route $p did not return index.html"
done
r=$(get /assets/missing.js)
[ "$(status "$r")" = 404 ] || fail "missing asset must be 404, got $(status "$r")"

r=$(get /health)
[ "$(status "$r")" = 200 ] || fail "/health -> $(status "$r")"
[ "$(body "$r")" = "{\"status\":\"healthy\",\"service\":\"dashboard\",\"version\":\"$VERSION\",\"revision\":\"$REVISION\",\"checks\":{\"self\":{\"status\":\"healthy\"},\"assets\":{\"status\":\"healthy\"}}}" ] ||
  fail "health body: $(body "$r")"
r=$(export SLIPWAY_EXAMPLE_HEALTH=unhealthy; get /health)
[ "$(status "$r")" = 503 ] || fail "unhealthy toggle -> $(status "$r")"
echo "tests passed: dashboard $VERSION"
