#!/usr/bin/env bash
# Creates the offline base image used by examples/monorepo: a tiny busybox rootfs built from the
# host's static busybox (no image pull needed), imported with `docker import` and pushed to the
# local registry. Idempotent: does nothing when the image exists both locally and in the registry.
#
#   scripts/base-image.sh [--force]
#
# Env overrides:
#   SLIPWAY_BASE_IMAGE    image reference   (default localhost:5000/slipway/busybox:1.35)
#   SLIPWAY_REGISTRY_URL  registry API base (default http://<registry host of the image>)
#   SLIPWAY_BUSYBOX       busybox binary    (default /bin/busybox; must be statically linked)
set -euo pipefail

IMAGE=${SLIPWAY_BASE_IMAGE:-localhost:5000/slipway/busybox:1.35}
BUSYBOX=${SLIPWAY_BUSYBOX:-/bin/busybox}
FORCE=0
case "${1:-}" in
  "") ;;
  --force) FORCE=1 ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

die() { echo "base-image: error: $*" >&2; exit 1; }

# localhost:5000/slipway/busybox:1.35 -> registry localhost:5000, repo slipway/busybox, tag 1.35
REGISTRY=${IMAGE%%/*}
REST=${IMAGE#*/}
REPO=${REST%:*}
TAG=${REST##*:}
[ "$REGISTRY" != "$IMAGE" ] && [ "$REPO" != "$REST" ] && [ -n "$TAG" ] ||
  die "SLIPWAY_BASE_IMAGE must look like <registry-host:port>/<repo>:<tag>, got '$IMAGE'"
REGISTRY_URL=${SLIPWAY_REGISTRY_URL:-http://$REGISTRY}

command -v docker >/dev/null 2>&1 || die "docker CLI not found in PATH"
command -v curl >/dev/null 2>&1 || die "curl not found in PATH (needed to query the registry)"
docker info >/dev/null 2>&1 ||
  die "docker daemon not reachable (is it running? try: bash scripts/services.sh up)"
curl -fsS -o /dev/null --max-time 10 "$REGISTRY_URL/v2/" 2>/dev/null ||
  die "registry not reachable at $REGISTRY_URL/v2/ (is it running? try: bash scripts/services.sh up)"

local_exists() { docker image inspect "$IMAGE" >/dev/null 2>&1; }

registry_exists() { # 0 = present, 1 = absent (404), exits on any other answer
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -I \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    "$REGISTRY_URL/v2/$REPO/manifests/$TAG") || die "registry query failed for $IMAGE"
  case $code in
    200) return 0 ;;
    404) return 1 ;;
    *) die "unexpected HTTP $code from $REGISTRY_URL/v2/$REPO/manifests/$TAG" ;;
  esac
}

push() { docker push -q "$IMAGE" >/dev/null || die "docker push $IMAGE failed"; }

build() {
  [ -x "$BUSYBOX" ] || die "busybox not found at $BUSYBOX (install busybox-static)"
  "$BUSYBOX" --list >/dev/null 2>&1 || die "$BUSYBOX does not run as a multi-call busybox binary"
  if command -v file >/dev/null 2>&1 && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
    die "$BUSYBOX is not statically linked (install busybox-static)"
  fi

  local work root applets available a version
  work=$(mktemp -d)
  # shellcheck disable=SC2064  # expand $work now
  trap "rm -rf '$work'" EXIT
  root=$work/rootfs
  mkdir -p "$root"/{bin,sbin,etc,root,tmp,home/app}
  cp "$BUSYBOX" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  # Common applets as relative symlinks; only those this busybox build actually provides.
  applets=(sh ash httpd wget nc cat echo printf mkdir ls sleep env sed grep egrep awk tar gzip gunzip
    sha256sum md5sum id whoami adduser addgroup cp mv rm ln chmod chown touch head tail wc tr cut sort
    uniq find xargs test '[' date hostname uname basename dirname readlink realpath stat expr seq tee
    kill ps pidof true false timeout od hexdump base64 mktemp vi less)
  # (list captured once: `busybox --list | grep -q` could die of SIGPIPE under pipefail)
  available=$'\n'$("$BUSYBOX" --list)$'\n'
  for a in "${applets[@]}"; do
    if [[ $available == *$'\n'"$a"$'\n'* ]]; then ln -s busybox "$root/bin/$a"; fi
  done
  if [[ $available == *$'\n'nologin$'\n'* ]]; then ln -s ../bin/busybox "$root/sbin/nologin"; fi
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
    'app:x:1001:1001:app:/home/app:/sbin/nologin' \
    'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'app:x:1001:' 'nogroup:x:65534:' >"$root/etc/group"
  chmod 0644 "$root/etc/passwd" "$root/etc/group"
  chmod 0700 "$root/root"
  chmod 1777 "$root/tmp"
  chmod 0755 "$root/home/app"

  # Reproducible tar: fixed order, mtime and owners; /home/app is appended owned by app (1001).
  local tarflags=(--format=gnu --sort=name --mtime=@0 --numeric-owner)
  tar -C "$root" "${tarflags[@]}" --owner=0 --group=0 --exclude=./home/app -cf "$work/rootfs.tar" .
  tar -C "$root" "${tarflags[@]}" --owner=1001 --group=1001 -rf "$work/rootfs.tar" ./home/app

  version=$("$BUSYBOX" 2>&1 | head -1 | sed -n 's/^BusyBox v\([0-9][0-9.]*\).*/\1/p')
  docker import \
    --change 'CMD ["/bin/sh"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL org.opencontainers.image.title=slipway-busybox org.opencontainers.image.version=${version:-unknown} org.opencontainers.image.description=\"Offline busybox base image built from the host busybox-static by scripts/base-image.sh\"" \
    --message "slipway base image from $BUSYBOX" \
    "$work/rootfs.tar" "$IMAGE" >/dev/null || die "docker import failed"
  rm -rf "$work"
  trap - EXIT
}

have_local=0 have_remote=0
local_exists && have_local=1
registry_exists && have_remote=1

if [ "$FORCE" = 1 ]; then
  build
  push
  echo "base-image: rebuilt $IMAGE from $BUSYBOX and pushed it (--force)"
elif [ "$have_local" = 1 ] && [ "$have_remote" = 1 ]; then
  echo "base-image: $IMAGE already present locally and in the registry, skipping"
elif [ "$have_local" = 1 ]; then
  push
  echo "base-image: $IMAGE present locally but not in the registry, pushed it"
elif [ "$have_remote" = 1 ]; then
  docker pull -q "$IMAGE" >/dev/null || die "docker pull $IMAGE failed"
  echo "base-image: $IMAGE present in the registry but not locally, pulled it"
else
  build
  push
  echo "base-image: built $IMAGE from $BUSYBOX and pushed it to $REGISTRY"
fi
