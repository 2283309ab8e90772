# shellcheck shell=sh
# Structured logging + JSON helpers for the example services (busybox sh).
# Usage: . /app/lib/log.sh; log info "listening" port=3000

# json_str STRING -> STRING as a JSON string literal (quotes included)
json_str() {
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' -e 's/\r/\\r/g' \
    | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g' | { IFS= read -r s || true; printf '"%s"' "$s"; }
}

# log LEVEL MESSAGE [key=value ...] -> one JSON line on stderr (LOG_LEVEL=debug shows debug lines)
log() {
  _lvl=$1 _msg=$2
  shift 2
  [ "$_lvl" = debug ] && [ "${LOG_LEVEL:-info}" != debug ] && return 0
  _line="{\"ts\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"level\":\"$_lvl\",\"service\":$(json_str "${SERVICE_NAME:-unknown}"),\"msg\":$(json_str "$_msg")"
  for _kv in "$@"; do
    _line="$_line,$(json_str "${_kv%%=*}"):$(json_str "${_kv#*=}")"
  done
  printf '%s}\n' "$_line" >&2
}
