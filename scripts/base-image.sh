#!/usr/bin/env bash
# Creates the offline base image used by examples/monorepo: a tiny busybox rootfs per platform, built from static
# busybox binaries (no image pull needed) and pushed to the local registry as ONE multi-arch index:
#   linux/amd64  the host's busybox-static (/bin/busybox)
#   linux/arm64  Debian's busybox-static:arm64 of the same version (scripts/install-tools.sh puts it in
#                /usr/local/lib/slipway/linux-arm64/busybox); it is only copied, never run, so no emulation is needed.
# Each platform is a FROM-scratch image built with `docker buildx build --platform linux/<arch> --push` (the docker
# driver builds one platform per call) and tagged <tag>-linux-<arch>; `docker buildx imagetools create` then writes
# the index to <tag>. Idempotent: does nothing when <tag> is already an index with both platforms and the image is
# present locally (the local copy is the host's platform).
#
#   scripts/base-image.sh [--force]
#
# Env overrides:
#   SLIPWAY_BASE_IMAGE      image reference   (default localhost:5000/slipway/busybox:1.35)
#   SLIPWAY_REGISTRY_URL    registry API base (default http://<registry host of the image>)
#   SLIPWAY_BUSYBOX         amd64 busybox     (default /bin/busybox; must be statically linked)
#   SLIPWAY_BUSYBOX_ARM64   arm64 busybox     (default /usr/local/lib/slipway/linux-arm64/busybox)
set -euo pipefail

IMAGE=${SLIPWAY_BASE_IMAGE:-localhost:5000/slipway/busybox:1.35}
BUSYBOX=${SLIPWAY_BUSYBOX:-/bin/busybox}
BUSYBOX_ARM64=${SLIPWAY_BUSYBOX_ARM64:-/usr/local/lib/slipway/linux-arm64/busybox}
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
command -v jq >/dev/null 2>&1 || die "jq not found in PATH (needed to read the registry's index; bash scripts/install-tools.sh)"
docker buildx version >/dev/null 2>&1 || die "docker buildx not found (bash scripts/install-tools.sh)"
docker info >/dev/null 2>&1 ||
  die "docker daemon not reachable (is it running? try: bash scripts/services.sh up)"
curl -fsS -o /dev/null --max-time 10 "$REGISTRY_URL/v2/" 2>/dev/null ||
  die "registry not reachable at $REGISTRY_URL/v2/ (is it running? try: bash scripts/services.sh up)"

local_exists() { docker image inspect "$IMAGE" >/dev/null 2>&1; }

# What the registry holds at the tag: "index" (an index with linux/amd64 and linux/arm64), "other" (a single-platform
# image, or an index without both), "absent" (404); exits on any other answer.
registry_state() {
  local body code
  body=$(mktemp)
  code=$(curl -sS -o "$body" -w '%{http_code}' --max-time 10 \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "$REGISTRY_URL/v2/$REPO/manifests/$TAG") || { rm -f "$body"; die "registry query failed for $IMAGE"; }
  case $code in
    200)
      if jq -e '[.manifests[]?.platform | select(. != null) | "\(.os)/\(.architecture)"] as $p
                | ($p | index("linux/amd64")) != null and ($p | index("linux/arm64")) != null' "$body" >/dev/null; then
        echo index
      else
        echo other
      fi
      ;;
    404) echo absent ;;
    *) rm -f "$body"; die "unexpected HTTP $code from $REGISTRY_URL/v2/$REPO/manifests/$TAG" ;;
  esac
  rm -f "$body"
}

check_busybox() { # path, expected `file` machine text
  local bin=$1 machine=$2 desc
  [ -f "$bin" ] || die "busybox not found at $bin (bash scripts/install-tools.sh installs both platforms' busybox-static)"
  command -v file >/dev/null 2>&1 || return 0
  desc=$(file -L "$bin")
  [[ $desc == *"$machine"* ]] || die "$bin is not a $machine binary: $desc"
  [[ $desc == *"statically linked"* ]] || die "$bin is not statically linked (install busybox-static)"
}

WORK=
cleanup_work() { [ -z "$WORK" ] || rm -rf "$WORK"; }
trap cleanup_work EXIT

# rootfs.tar for one platform's busybox. The applet list comes from the host busybox (the arm64 one cannot run
# here); both are the same busybox-static version, which is checked.
rootfs_tar() { # busybox-binary out-dir
  local bin=$1 dir=$2 root=$2/rootfs a
  mkdir -p "$root"/{bin,sbin,etc,root,tmp,home/app}
  cp "$bin" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  for a in "${APPLETS[@]}"; do ln -s busybox "$root/bin/$a"; done
  if [ "$HAS_NOLOGIN" = 1 ]; then ln -s ../bin/busybox "$root/sbin/nologin"; fi
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
  tar -C "$root" "${tarflags[@]}" --owner=0 --group=0 --exclude=./home/app -cf "$dir/rootfs.tar" .
  tar -C "$root" "${tarflags[@]}" --owner=1001 --group=1001 -rf "$dir/rootfs.tar" ./home/app
  rm -rf "$root"
}

# Builds and pushes one platform (FROM scratch + ADD of the rootfs tar: nothing runs, so no emulation); prints
# the pushed manifest digest.
push_platform() { # arch busybox-binary
  local arch=$1 bin=$2 dir=$WORK/$1 digest
  mkdir -p "$dir"
  rootfs_tar "$bin" "$dir"
  cat >"$dir/Dockerfile" <<DOCKERFILE
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.title=slipway-busybox org.opencontainers.image.version=${VERSION:-unknown} \\
      org.opencontainers.image.description="Offline busybox base image built from busybox-static by scripts/base-image.sh"
CMD ["/bin/sh"]
DOCKERFILE
  docker buildx build -q --network host --platform "linux/$arch" --provenance=false \
    -t "$IMAGE-linux-$arch" --push --metadata-file "$dir/metadata.json" "$dir" >/dev/null ||
    die "docker buildx build --platform linux/$arch of $IMAGE-linux-$arch failed"
  digest=$(jq -r '."containerimage.digest" // empty' "$dir/metadata.json")
  [[ $digest == sha256:* ]] || die "buildx reported no digest for linux/$arch"
  echo "$digest"
}

build_and_push() {
  check_busybox "$BUSYBOX" x86-64
  check_busybox "$BUSYBOX_ARM64" 'ARM aarch64'
  "$BUSYBOX" --list >/dev/null 2>&1 || die "$BUSYBOX does not run as a multi-call busybox binary"
  # the banner is read whole, then its first line parsed: `busybox | head -1` under pipefail exits silently whenever
  # head closes the pipe before busybox has written its last line (SIGPIPE, 141; a third of runs on a busy machine)
  local banner
  banner=$("$BUSYBOX" 2>&1) || die "$BUSYBOX (no arguments) failed"
  VERSION=$(sed -n '1s/^BusyBox v\([0-9][0-9.]*\).*/\1/p' <<<"$banner")
  [ -n "$VERSION" ] || die "cannot read the busybox version from the first line of '$BUSYBOX': ${banner%%$'\n'*}"
  grep -aq "BusyBox v${VERSION} " "$BUSYBOX_ARM64" ||
    die "$BUSYBOX_ARM64 is not busybox $VERSION like $BUSYBOX (bash scripts/install-tools.sh fetches the same version)"
  # Common applets as relative symlinks; only those this busybox build actually provides.
  # (list captured once: `busybox --list | grep -q` could die of SIGPIPE under pipefail)
  local wanted=(sh ash httpd wget nc cat echo printf mkdir ls sleep env sed grep egrep awk tar gzip gunzip
    sha256sum md5sum id whoami adduser addgroup cp mv rm ln chmod chown touch head tail wc tr cut sort
    uniq find xargs test '[' date hostname uname basename dirname readlink realpath stat expr seq tee
    kill ps pidof true false timeout od hexdump base64 mktemp vi less) available a
  available=$'\n'$("$BUSYBOX" --list)$'\n'
  APPLETS=()
  for a in "${wanted[@]}"; do
    if [[ $available == *$'\n'"$a"$'\n'* ]]; then APPLETS+=("$a"); fi
  done
  HAS_NOLOGIN=0
  if [[ $available == *$'\n'nologin$'\n'* ]]; then HAS_NOLOGIN=1; fi

  WORK=$(mktemp -d)
  local amd64 arm64
  amd64=$(push_platform amd64 "$BUSYBOX")
  arm64=$(push_platform arm64 "$BUSYBOX_ARM64")
  docker buildx imagetools create -t "$IMAGE" "$REGISTRY/$REPO@$amd64" "$REGISTRY/$REPO@$arm64" >/dev/null 2>&1 ||
    die "docker buildx imagetools create -t $IMAGE failed"
  [ "$(registry_state)" = index ] || die "$IMAGE is not an index with linux/amd64 and linux/arm64 after the push"
  # the local copy: the host's platform of the index (what `FROM $IMAGE` of an amd64 build uses)
  docker pull -q "$IMAGE" >/dev/null || die "docker pull $IMAGE failed"
  echo "base-image: pushed $IMAGE as an index of linux/amd64 ($amd64) and linux/arm64 ($arm64)"
}

state=$(registry_state)
if [ "$FORCE" = 1 ]; then
  build_and_push
elif [ "$state" = index ] && local_exists; then
  echo "base-image: $IMAGE already an index of linux/amd64 + linux/arm64 in the registry and present locally, skipping"
elif [ "$state" = index ]; then
  docker pull -q "$IMAGE" >/dev/null || die "docker pull $IMAGE failed"
  echo "base-image: $IMAGE present in the registry (linux/amd64 + linux/arm64) but not locally, pulled it"
else
  [ "$state" = other ] && echo "base-image: $IMAGE in the registry is not an index of linux/amd64 + linux/arm64, rebuilding it"
  build_and_push
fi
