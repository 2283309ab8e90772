# shellcheck shell=sh
# Health endpoint helpers shared by api, runner, daemon and proxy.
#
#   . /app/lib/health.sh
#   health_check storage "$(dir_writable_status /tmp)"   # add checks (healthy|degraded|unhealthy)
#   health_respond                                       # CGI response: JSON, 503 when unhealthy
#
# The response body looks like
#   {"status":"healthy","service":"api","version":"1.2.3","revision":"abc123",
#    "checks":{"self":{"status":"healthy"},"storage":{"status":"healthy"}}}
# "self" follows SLIPWAY_EXAMPLE_HEALTH (healthy|degraded|unhealthy, default healthy) so a deploy
# test can ship a deliberately broken version; the overall status is the worst of all checks.
# Build info (SERVICE/VERSION/REVISION) comes from $APP_HOME/build-info (written at image build).

. "${APP_HOME:-/app}/lib/log.sh"

_health_checks=''
_health_worst=healthy

_health_rank() {
  case $1 in healthy) echo 0 ;; degraded) echo 1 ;; *) echo 2 ;; esac
}

# health_normalize VALUE -> healthy|degraded|unhealthy (anything unknown counts as unhealthy)
health_normalize() {
  case $1 in healthy | degraded | unhealthy) echo "$1" ;; *) echo unhealthy ;; esac
}

# health_check NAME STATUS [DETAIL]
health_check() {
  _st=$(health_normalize "$2")
  [ "$(_health_rank "$_st")" -gt "$(_health_rank "$_health_worst")" ] && _health_worst=$_st
  _entry="$(json_str "$1"):{\"status\":\"$_st\""
  [ -n "${3:-}" ] && _entry="$_entry,\"detail\":$(json_str "$3")"
  _health_checks="${_health_checks:+$_health_checks,}$_entry}"
}

# dir_writable_status DIR -> healthy when a file can be created in DIR
dir_writable_status() {
  mkdir -p "$1" 2>/dev/null
  if _t=$(mktemp "$1/.probe.XXXXXX" 2>/dev/null); then rm -f "$_t"; echo healthy; else echo unhealthy; fi
}

health_load_build_info() {
  SERVICE=unknown VERSION=unknown REVISION=unknown
  # shellcheck disable=SC1091
  [ -r "${APP_HOME:-/app}/build-info" ] && . "${APP_HOME:-/app}/build-info"
}

# health_build -> sets HEALTH_STATUS and HEALTH_BODY (checks added so far + "self"); no subshell,
# so the overall status stays visible to the caller
health_build() {
  health_load_build_info
  _saved=$_health_checks
  _health_checks=''
  health_check self "${SLIPWAY_EXAMPLE_HEALTH:-healthy}"
  [ -n "$_saved" ] && _health_checks="$_health_checks,$_saved"
  HEALTH_STATUS=$_health_worst
  HEALTH_BODY=$(printf '{"status":"%s","service":%s,"version":%s,"revision":%s,"checks":{%s}}' \
    "$HEALTH_STATUS" "$(json_str "$SERVICE")" "$(json_str "$VERSION")" "$(json_str "$REVISION")" \
    "$_health_checks")
}

# health_json -> the JSON document on stdout
health_json() {
  health_build
  printf '%s\n' "$HEALTH_BODY"
}

# health_respond -> full CGI response; 503 when unhealthy (busybox httpd maps the Status header)
health_respond() {
  health_build
  case $HEALTH_STATUS in
    unhealthy) printf 'Status: 503 Service Unavailable\r\n' ;;
    *) printf 'Status: 200 OK\r\n' ;;
  esac
  printf 'Content-Type: application/json\r\nCache-Control: no-store\r\n\r\n%s\n' "$HEALTH_BODY"
}
