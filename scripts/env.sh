# Sourced by the README commands: installs what is missing (apt tools, npm packages) idempotently, starts dockerd
# and the local registry only if they are not running, and stops on exit only what this shell started.
set -euo pipefail
SLIPWAY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SLIPWAY_ROOT"
export DEBIAN_FRONTEND=noninteractive

bash scripts/install-tools.sh

# npm ci only when package-lock.json changed since the last install (npm ci always deletes node_modules).
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.slipway-lock-sum 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.slipway-lock-sum
fi

export SLIPWAY_SERVICES_STATE=$(mktemp -d /tmp/slipway-services.XXXXXX)
trap 'bash "$SLIPWAY_ROOT/scripts/services.sh" down; rm -rf "$SLIPWAY_SERVICES_STATE"' EXIT
bash scripts/services.sh up
bash scripts/base-image.sh
# the deploy proxy image, built offline (Debian's nginx in a scratch image); the deploy action uses it when an
# environment config names no proxy image
SLIPWAY_PROXY_IMAGE=$(bash scripts/proxy-image.sh)
export SLIPWAY_PROXY_IMAGE
