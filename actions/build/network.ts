/**
 * `network: host` needs the builder to grant BuildKit's `network.host` entitlement. buildx asks for it itself when
 * the build runs with `--network host`, but the daemon must allow it, else the build fails late with "granting
 * entitlement network.host is not allowed by build daemon configuration" (https://github.com/docker/buildx/issues/619).
 * A docker-container/kubernetes/remote builder allows it only when created with `--allow-insecure-entitlement
 * network.host` ("network=host is considered insecure, you need to pass --buildkitd-flags '--allow-insecure-entitlement
 * network.host' on creating a builder", https://github.com/docker/buildx/issues/99; buildx ≥ 0.13 adds the flag to
 * container builders by default, https://github.com/docker/buildx/issues/2255, and `docker buildx inspect` lists the
 * daemon flags, https://github.com/docker/buildx/pull/2685). The docker driver is dockerd's own BuildKit, which builds
 * with host networking as `docker build --network host` does (this machine's local pipeline runs that way).
 */
import { ConfigurationError } from '../lib/errors.js';

export const NETWORK_HOST_FIX =
  'create the builder with the entitlement allowed — docker/setup-buildx-action with `buildkitd-flags: --allow-insecure-entitlement network.host` ' +
  "(or `docker buildx create --buildkitd-flags '--allow-insecure-entitlement network.host'`) — or leave input 'network' empty";

/** Refuses `network: host` on a builder whose `docker buildx inspect` does not show the entitlement allowed. */
export function checkNetworkEntitlement(
  network: string | undefined,
  driver: string,
  inspect: string,
  builder?: string
): void {
  if (network !== 'host' || driver === 'docker') return;
  if (/network\.host/.test(inspect)) return;
  throw new ConfigurationError(
    `Input 'network' is host, but the buildx builder${builder ? ` '${builder}'` : ''} (driver ${driver}) does not allow ` +
      `the network.host entitlement (not in its buildkitd flags or config, per docker buildx inspect): ${NETWORK_HOST_FIX}`
  );
}

/** The fix for the daemon's own refusal, when it only shows at build time. */
export function networkHostHint(stderr: string): string | undefined {
  return /entitlement network\.host is not allowed|network\.host is not allowed/i.test(stderr)
    ? `the builder refuses the network.host entitlement: ${NETWORK_HOST_FIX}`
    : undefined;
}
