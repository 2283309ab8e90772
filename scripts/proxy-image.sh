#!/usr/bin/env bash
# Builds the deploy proxy image OFFLINE (nothing can be pulled here): Debian's nginx binary, the shared libraries
# `ldd` lists for it, a minimal /etc (passwd/group for the `nobody` worker user, mime.types) and an nginx.conf laid
# out like the official nginx image's (it includes /etc/nginx/conf.d/*.conf inside http{}; Slipway's deploy writes
# /etc/nginx/conf.d/default.conf), in a FROM-scratch image. No shell in it: the deploy only uses `docker cp` and
# `docker exec <proxy> nginx -t | -T | -s reload`.
#
#   scripts/proxy-image.sh            prints the pushed reference (<image>:<tag>@sha256:…) on stdout
#
# Idempotent: the tag is the nginx version plus a hash of this script and the binary, and nothing is built when the
# registry already has that tag. Env overrides:
#   SLIPWAY_PROXY_REPO     repository (default localhost:5000/slipway/proxy)
#   SLIPWAY_REGISTRY_URL   registry API base (default http://<registry host of the repository>)
set -euo pipefail

REPO=${SLIPWAY_PROXY_REPO:-localhost:5000/slipway/proxy}
REGISTRY=${REPO%%/*}
REGISTRY_URL=${SLIPWAY_REGISTRY_URL:-http://$REGISTRY}
NGINX=/usr/sbin/nginx
die() { echo "proxy-image: error: $*" >&2; exit 1; }

[ -x "$NGINX" ] || die "$NGINX not found (bash scripts/install-tools.sh installs Debian's nginx)"
command -v docker >/dev/null 2>&1 || die "docker CLI not found in PATH"
docker info >/dev/null 2>&1 || die "docker daemon not reachable (try: bash scripts/services.sh up)"
curl -fsS -o /dev/null --max-time 10 "$REGISTRY_URL/v2/" ||
  die "registry not reachable at $REGISTRY_URL/v2/ (try: bash scripts/services.sh up)"

version=$("$NGINX" -v 2>&1 | sed -n 's|^nginx version: nginx/||p')
[ -n "$version" ] || die "cannot read the nginx version from '$NGINX -v'"
sum=$(cat "$0" "$NGINX" | sha256sum | cut -c1-12)
TAG="$version-$sum"
REPO_PATH=${REPO#*/}

digest_of() {
  curl -fsS -o /dev/null -D - --max-time 10 \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "$REGISTRY_URL/v2/$REPO_PATH/manifests/$TAG" 2>/dev/null |
    tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'
}

existing=$(digest_of || true)
if [ -n "$existing" ]; then
  echo "proxy-image: $REPO:$TAG already in the registry" >&2
  echo "$REPO:$TAG@$existing"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/usr/sbin" "$root/etc/nginx/conf.d" "$root/var/lib/nginx" "$root/var/log/nginx" \
  "$root/run" "$root/tmp" "$root/var/lock"
cp "$NGINX" "$root/usr/sbin/nginx"
# every shared library the binary needs, at the path the loader looks for it
for lib in $(ldd "$NGINX" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp /etc/nginx/mime.types "$root/etc/nginx/mime.types"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' \
  >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
cat >"$root/etc/nginx/nginx.conf" <<'CONF'
# Slipway deploy proxy (scripts/proxy-image.sh): the official nginx image's layout, so one deploy config works
# with both images. The site (upstreams, server, JSON access log) is /etc/nginx/conf.d/default.conf, written by
# the deploy action.
user nobody nogroup;
worker_processes 1;
pid /run/nginx.pid;
error_log stderr warn;
events {
  worker_connections 1024;
}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path /var/lib/nginx/body;
  proxy_temp_path /var/lib/nginx/proxy;
  include /etc/nginx/conf.d/*.conf;
}
CONF
# before the first deploy: a valid site that listens nowhere
echo '# written by Slipway deploy' >"$root/etc/nginx/conf.d/default.conf"
chmod 1777 "$root/tmp"
cat >"$work/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/usr/sbin/nginx", "-g", "daemon off;"]
DOCKERFILE
docker buildx build --quiet --network host --push -t "$REPO:$TAG" --metadata-file "$work/meta.json" "$work" >&2
digest=$(sed -n 's/.*"containerimage.digest": *"\(sha256:[0-9a-f]*\)".*/\1/p;T;q' "$work/meta.json")
[ -n "$digest" ] || digest=$(digest_of)
[ -n "$digest" ] || die "pushed $REPO:$TAG but cannot read its digest"
echo "proxy-image: pushed $REPO:$TAG" >&2
echo "$REPO:$TAG@$digest"
