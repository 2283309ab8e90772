#!/bin/sh
# Build-stage tests for the cli (plain shell, so they are valid for every target platform).
set -eu
out=$1
[ -e /app ] || ln -s "$out/app" /app
. /app/build-info
fail() { echo "TEST FAIL [cli]: $*" >&2; exit 1; }
cli=/app/bin/cli
$cli | grep -q '^Usage: slipway-example' || fail "default output is not --help"
[ "$($cli --version)" = "$VERSION" ] || fail "--version"
[ "$($cli info)" = "{\"service\":\"cli\",\"version\":\"$VERSION\",\"revision\":\"$REVISION\"}" ] || fail "info"
[ "$($cli checksum abc)" = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ] || fail "checksum"
rc=0
$cli bogus >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "unknown command must exit 2, got $rc"
echo "tests passed: cli $VERSION"
