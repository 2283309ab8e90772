# shellcheck shell=sh
# Helpers for the build-stage tests: requests go through the real http-front.sh + busybox httpd
# over a pipe (no network, no port), exactly as they would at runtime.
#   . /src/lib/testlib.sh; use_build /out
#   r=$(http_get /api/health); expect_status "$r" 200; expect_body_contains "$r" '"version":"1.0"'

# use_build OUT -> make /app and /www point at the assembled tree so absolute paths work
use_build() {
  [ -e /app ] || ln -s "$1/app" /app
  [ -e /www ] || ln -s "$1/www" /www
  export APP_HOME=/app WWW_ROOT=/www
  # shellcheck disable=SC1091
  . /app/build-info
  export SERVICE_NAME="$SERVICE"
}

fail() {
  echo "TEST FAIL [${SERVICE:-?}]: $*" >&2
  exit 1
}

# http_request METHOD TARGET -> raw HTTP response
http_request() {
  printf '%s %s HTTP/1.1\r\nHost: test\r\nUser-Agent: build-test\r\n\r\n' "$1" "$2" | /app/lib/http-front.sh
}
http_get() { http_request GET "$1"; }

status_of() { printf '%s\n' "$1" | head -1 | cut -d' ' -f2; }
body_of() { printf '%s\n' "$1" | tr -d '\r' | sed '1,/^$/d'; }

expect_status() { # RESPONSE CODE
  [ "$(status_of "$1")" = "$2" ] || fail "expected HTTP $2, got: $(printf '%s' "$1" | head -1)"
}
expect_body_contains() { # RESPONSE TEXT
  case $(body_of "$1") in *"$2"*) ;; *) fail "body does not contain '$2': $(body_of "$1" | head -5)" ;; esac
}
expect_header() { # RESPONSE TEXT (case-insensitive substring of the header block)
  printf '%s\n' "$1" | tr -d '\r' | sed '/^$/q' | grep -qiF "$2" || fail "missing header '$2'"
}

# expect_health_json RESPONSE STATUS -> validates the health document shape
expect_health_json() {
  b=$(body_of "$1")
  case $b in '{"status":"'"$2"'","service":"'"$SERVICE"'","version":"'"$VERSION"'","revision":"'"$REVISION"'","checks":{"self":{"status":'*'}}}') ;;
    *) fail "unexpected health document: $b" ;;
  esac
}

pass() { echo "tests passed: $SERVICE $VERSION"; }
