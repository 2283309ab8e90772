#!/bin/sh
# Builds the dashboard into OUT: fingerprinted assets (name.<sha256:8>.ext, referenced from
# index.html), version stamped into index.html and version.json, server scripts in OUT/app/bin.
#   sh build.sh SRC OUT        (VERSION / REVISION from the build args)
set -eu
src=$1 out=$2
VERSION=${VERSION:-0.0.0-dev}
REVISION=${REVISION:-unknown}
for v in "$VERSION" "$REVISION"; do
  case $v in '' | *[!A-Za-z0-9._+-]*) echo "build: bad VERSION/REVISION '$v'" >&2; exit 1 ;; esac
done
mkdir -p "$out/www/assets" "$out/www/cgi-bin" "$out/app/bin" "$out/tmp"
chmod 1777 "$out/tmp"
sed "s/__VERSION__/$VERSION/g" "$src/public/index.html" >"$out/www/index.html"
for f in "$src"/public/assets/*; do
  name=${f##*/} base=${name%.*} ext=${name##*.}
  # strip full-line comments, then fingerprint
  sed -e '/^[[:space:]]*\/\/.*$/d' -e '/^[[:space:]]*\/\*.*\*\/[[:space:]]*$/d' "$f" >"$out/tmp/$name"
  hash=$(sha256sum "$out/tmp/$name" | cut -c1-8)
  mv "$out/tmp/$name" "$out/www/assets/$base.$hash.$ext"
  sed -i "s#/assets/$name\"#/assets/$base.$hash.$ext\"#g" "$out/www/index.html"
done
printf '{"service":"dashboard","version":"%s","revision":"%s"}\n' "$VERSION" "$REVISION" >"$out/www/version.json"
printf 'SERVICE=dashboard\nVERSION=%s\nREVISION=%s\n' "$VERSION" "$REVISION" >"$out/app/build-info"
cp "$src/server/front.sh" "$src/server/serve.sh" "$out/app/bin/"
cp "$src/server/health" "$src/server/not-found" "$out/www/cgi-bin/"
for f in "$out"/app/bin/* "$out"/www/cgi-bin/*; do sh -n "$f"; chmod 0755 "$f"; done
find "$out/www" -type f ! -path '*/cgi-bin/*' -exec chmod 0644 {} +
echo "build: dashboard $VERSION: $(ls "$out/www/assets" | tr '\n' ' ')"
