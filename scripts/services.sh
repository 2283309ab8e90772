#!/usr/bin/env bash
# Start/stop the shared dockerd, the local OCI registry (127.0.0.1:5000, delete enabled) and the deploy TARGET
# dockerd: a second Docker daemon that plays the environment's remote Docker host in the deploy tests (its own
# data root, exec root, pidfile and socket $SLIPWAY_TARGET_DOCKER_HOST; same flags as the main one; it pulls from
# the registry at 127.0.0.1:5000, insecure by default for 127.0.0.0/8).
#   scripts/services.sh up    start whichever is not running; records the PIDs it started in $SLIPWAY_SERVICES_STATE
#   scripts/services.sh down  stop only the processes that `up` recorded there (by PID), nothing else
# Callers give each invocation its own state dir (scripts/env.sh does) so one run never stops another's daemons.
set -euo pipefail
STATE=${SLIPWAY_SERVICES_STATE:-/tmp/slipway-services}
REGISTRY_DATA=${SLIPWAY_REGISTRY_DATA:-/var/lib/slipway-registry}
mkdir -p "$STATE"
REGISTRY_ADDR=127.0.0.1:5000
TARGET_SOCK=${SLIPWAY_TARGET_SOCK:-/run/slipway-target/docker.sock}
TARGET_ROOT=${SLIPWAY_TARGET_DOCKER_ROOT:-/var/lib/slipway-target-docker}
TARGET_EXEC=${SLIPWAY_TARGET_EXEC_ROOT:-/run/slipway-target/exec}

registry_up() { curl -fsS -o /dev/null "http://$REGISTRY_ADDR/v2/" 2>/dev/null; }
docker_up() { docker info >/dev/null 2>&1; }
target_up() { DOCKER_HOST="unix://$TARGET_SOCK" docker info >/dev/null 2>&1; }

wait_for() { # name, check-fn, seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do "$2" && return 0; sleep 0.1; done
  echo "services: $1 did not come up within $3 s (log: $STATE/$1.log)" >&2
  tail -20 "$STATE/$1.log" >&2 || true
  return 1
}

start_target() {
  if target_up; then
    echo "services: target dockerd already answering on unix://$TARGET_SOCK"
  else
    mkdir -p "$(dirname "$TARGET_SOCK")" "$TARGET_EXEC" "$TARGET_ROOT"
    dockerd --storage-driver=vfs --iptables=false --bridge=none \
      --data-root "$TARGET_ROOT" --exec-root "$TARGET_EXEC" \
      --pidfile "$(dirname "$TARGET_SOCK")/dockerd.pid" --host "unix://$TARGET_SOCK" \
      >"$STATE/target-dockerd.log" 2>&1 &
    echo $! >"$STATE/target-dockerd.pid"
    wait_for target-dockerd target_up 60
    echo "services: started target dockerd on unix://$TARGET_SOCK (pid $(cat "$STATE/target-dockerd.pid"))"
  fi
}

up() {
  if docker_up; then
    echo "services: dockerd already running"
  else
    dockerd --storage-driver=vfs --iptables=false --bridge=none \
      --data-root "${SLIPWAY_DOCKER_ROOT:-/var/lib/docker}" >"$STATE/dockerd.log" 2>&1 &
    echo $! >"$STATE/dockerd.pid"
    wait_for dockerd docker_up 60
    echo "services: started dockerd (pid $(cat "$STATE/dockerd.pid"))"
  fi
  start_target
  if registry_up; then
    echo "services: registry already answering on $REGISTRY_ADDR"
  else
    mkdir -p "$REGISTRY_DATA"
    cat >"$STATE/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REGISTRY_DATA
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
YML
    docker-registry serve "$STATE/registry.yml" >"$STATE/registry.log" 2>&1 &
    echo $! >"$STATE/registry.pid"
    wait_for registry registry_up 30
    echo "services: started registry on $REGISTRY_ADDR (pid $(cat "$STATE/registry.pid"))"
  fi
}

down() {
  local name pid
  for name in "$@"; do
    [ -f "$STATE/$name.pid" ] || continue
    pid=$(cat "$STATE/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "services: stopped $name (pid $pid)"
    fi
    rm -f "$STATE/$name.pid"
  done
}

case "${1:-}" in
  up) up ;;
  down) down registry target-dockerd dockerd ;;
  # only the deploy target dockerd (the integration tests' global setup/teardown)
  target-up) start_target ;;
  target-down) down target-dockerd ;;
  *) echo "usage: $0 up|down|target-up|target-down" >&2; exit 2 ;;
esac
