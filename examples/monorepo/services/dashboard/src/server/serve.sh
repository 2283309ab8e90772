#!/bin/sh
# Dashboard entrypoint: busybox nc on $PORT -> front.sh -> busybox httpd -i (static SPA + health CGI)
set -eu
. /app/build-info
case ${PORT:-} in '' | *[!0-9]*)
  echo "dashboard: PORT must be a number, got '${PORT:-}'" >&2
  exit 64
  ;;
esac
nc -ll -p "$PORT" -e /app/bin/front.sh &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; exit 0' TERM INT
echo "{\"level\":\"info\",\"service\":\"dashboard\",\"msg\":\"listening\",\"port\":\"$PORT\",\"version\":\"$VERSION\"}" >&2
rc=0
wait "$pid" || rc=$?
echo "{\"level\":\"error\",\"service\":\"dashboard\",\"msg\":\"listener exited\",\"status\":\"$rc\"}" >&2
exit 1
