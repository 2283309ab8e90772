#!/bin/sh
# HTTP front for one connection (stdin/stdout = the client socket, spawned by `nc -ll -e`, see
# serve.sh). busybox httpd can only run CGI under /cgi-bin/ or by file suffix, and it redirects
# directory URLs to a trailing slash, so it cannot answer /health or /api/health directly. This
# front reads the request line and headers, looks the path up in $APP_HOME/routes and then hands
# the (possibly rewritten) request to `busybox httpd -i` (inetd mode) which serves static files
# and CGI from $WWW_ROOT as usual.
#
# routes file: one "GLOB ACTION" per line, first match wins, '#' comments. ACTION is
#   /cgi-bin/xyz   rewrite the path (the query string is kept)
#   -              pass the request to httpd unchanged (also the default when nothing matches)
#   proxy          relay the request to $UPSTREAM (http://host[:port]) and stream its answer back
APP_HOME=${APP_HOME:-/app}
WWW_ROOT=${WWW_ROOT:-/www}
. "$APP_HOME/lib/log.sh"
CR=$(printf '\r')

reply() { # STATUS JSON_BODY
  printf 'HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s\n' \
    "$1" "$(($(printf '%s' "$2" | wc -c) + 1))" "$2"
}

IFS=' ' read -r -t "${HTTP_READ_TIMEOUT:-10}" method target proto || exit 0
proto=${proto%"$CR"}
case $method in GET | HEAD | POST | PUT | DELETE | PATCH | OPTIONS) ;; *)
  reply '400 Bad Request' '{"error":"bad request line"}'
  exit 0
  ;;
esac
case $target in /*) ;; *)
  reply '400 Bad Request' '{"error":"bad request target"}'
  exit 0
  ;;
esac
headers='' length=0 host=''
while IFS= read -r -t "${HTTP_READ_TIMEOUT:-10}" line; do
  line=${line%"$CR"}
  [ -z "$line" ] && break
  case $line in
    [Cc]ontent-[Ll]ength:*) length=$(printf '%s' "${line#*:}" | tr -dc 0-9) ;;
    [Hh]ost:*) host=$(printf '%s' "${line#*:}" | tr -d ' ') ;;
  esac
  headers="$headers$line$CR
"
done
length=${length:-0}

path=${target%%\?*}
query=''
case $target in *\?*) query=${target#*\?} ;; esac

action=-
if [ -r "$APP_HOME/routes" ]; then
  while read -r pat act _; do
    case $pat in '' | '#'*) continue ;; esac
    # shellcheck disable=SC2254  # $pat is a glob on purpose
    case $path in $pat)
      action=$act
      break
      ;;
    esac
  done <"$APP_HOME/routes"
fi
log debug request method="$method" path="$path" action="$action"

body() { [ "$length" -gt 0 ] && head -c "$length"; return 0; }

proxy() {
  if [ -z "${UPSTREAM:-}" ]; then
    reply '502 Bad Gateway' '{"error":"no upstream configured (set UPSTREAM=http://host:port)"}'
    return
  fi
  hp=${UPSTREAM#http://}
  hp=${hp%%/*}
  case $hp in *:*) uh=${hp%:*} up=${hp##*:} ;; *) uh=$hp up=80 ;; esac
  out=$(mktemp /tmp/proxy.XXXXXX)
  {
    printf '%s %s HTTP/1.0\r\n' "$method" "$target"
    printf '%s' "$headers" | grep -viE '^(host|connection|keep-alive|proxy-[a-z-]*|te|upgrade):' || true
    printf 'Host: %s\r\nConnection: close\r\nX-Forwarded-Host: %s\r\nX-Forwarded-Proto: http\r\nVia: 1.0 slipway-example-proxy\r\n\r\n' \
      "$hp" "$host"
    body
  } | timeout "${UPSTREAM_TIMEOUT:-30}" nc -w 5 "$uh" "$up" >"$out" 2>/dev/null
  if [ -s "$out" ]; then
    cat "$out"
  else
    log warn "upstream unreachable" upstream="$UPSTREAM" path="$path"
    reply '502 Bad Gateway' '{"error":"upstream unreachable"}'
  fi
  rm -f "$out"
}

case $action in
  proxy)
    proxy
    exit 0
    ;;
  /*) target=$action${query:+?$query} ;;
esac
export SLIPWAY_ORIGINAL_URI="$path${query:+?$query}"
{
  printf '%s %s %s\r\n' "$method" "$target" "${proto:-HTTP/1.0}"
  printf '%s\r\n' "$headers"
  body
} | httpd -i -h "$WWW_ROOT"
