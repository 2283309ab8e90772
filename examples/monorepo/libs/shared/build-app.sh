#!/bin/sh
# Assembles one service into OUT (run in the Docker build stage; VERSION/REVISION come from build args)
#   sh build-app.sh SERVICE SRC_DIR LIB_DIR OUT_DIR
# OUT/app/{bin,lib,routes,build-info}, OUT/www (static files + cgi-bin), OUT/tmp (1777)
set -eu
service=$1 src=$2 lib=$3 out=$4
VERSION=${VERSION:-0.0.0-dev}
REVISION=${REVISION:-unknown}
for v in "$VERSION" "$REVISION"; do
  case $v in '' | *[!A-Za-z0-9._+-]*)
    echo "build-app: VERSION/REVISION may only contain [A-Za-z0-9._+-], got '$v'" >&2
    exit 1
    ;;
  esac
done

mkdir -p "$out/app/bin" "$out/app/lib" "$out/www/cgi-bin" "$out/tmp"
chmod 1777 "$out/tmp"
cp "$lib/log.sh" "$lib/health.sh" "$lib/http-front.sh" "$lib/serve.sh" "$out/app/lib/"
[ -d "$src/bin" ] && cp -R "$src/bin/." "$out/app/bin/"
[ -d "$src/www" ] && cp -R "$src/www/." "$out/www/"
[ -f "$src/routes" ] && cp "$src/routes" "$out/app/routes"
printf 'SERVICE=%s\nVERSION=%s\nREVISION=%s\n' "$service" "$VERSION" "$REVISION" >"$out/app/build-info"

# every script must parse; executables get 0755, data 0644; everything stays root-owned (read-only
# for the runtime user 1001)
find "$out/app" "$out/www" -type f | while read -r f; do
  if head -c 2 "$f" | grep -q '#!'; then
    sh -n "$f" || { echo "build-app: syntax error in $f" >&2; exit 1; }
    chmod 0755 "$f"
  else
    case $f in *.sh) sh -n "$f" || { echo "build-app: syntax error in $f" >&2; exit 1; } ;; esac
    chmod 0644 "$f"
  fi
done
find "$out/app" "$out/www" -type d -exec chmod 0755 {} +
echo "build-app: assembled $service $VERSION ($REVISION) into $out: $(find "$out" -type f | wc -l) files"
