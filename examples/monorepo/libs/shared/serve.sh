#!/bin/sh
# Entrypoint of the HTTP services: listen on $PORT with busybox nc and hand every connection to
# http-front.sh (which uses busybox httpd for static files and CGI). SIGTERM/SIGINT stop it cleanly.
set -eu
APP_HOME=${APP_HOME:-/app}
. "$APP_HOME/lib/log.sh"
# shellcheck disable=SC1091
. "$APP_HOME/build-info"
export SERVICE_NAME="$SERVICE" APP_HOME WWW_ROOT="${WWW_ROOT:-/www}"
PORT=${PORT:-}
case $PORT in '' | *[!0-9]*)
  log error "PORT must be a number" port="$PORT"
  exit 64
  ;;
esac
nc -ll -p "$PORT" -e "$APP_HOME/lib/http-front.sh" &
pid=$!
trap 'log info "stopping"; kill "$pid" 2>/dev/null || true; exit 0' TERM INT
sleep 0.2
if ! kill -0 "$pid" 2>/dev/null; then
  rc=0
  wait "$pid" || rc=$?
  log error "listener failed to start" port="$PORT" status="$rc"
  exit 1
fi
log info "listening" port="$PORT" version="$VERSION" revision="$REVISION" health="${SLIPWAY_EXAMPLE_HEALTH:-healthy}"
rc=0
wait "$pid" || rc=$?
log error "listener exited" status="$rc"
exit 1
