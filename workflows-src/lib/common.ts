/** Steps and settings shared by the generated workflows. */
import { expr, thirdParty } from './actions.js';
import type { Step } from './types.js';

/** The GitHub-hosted runner every job uses (a fixed image, not ubuntu-latest, so a runner upgrade is a reviewed change). */
export const RUNNER = 'ubuntu-24.04';

/** actions/checkout without a persisted token: later steps that push use their own credentials. */
export function checkout(fetchDepth?: number): Step {
  return thirdParty('actions/checkout', {
    name: 'Check out',
    with: { 'persist-credentials': false, ...(fetchDepth === undefined ? {} : { 'fetch-depth': fetchDepth }) }
  });
}

/**
 * Log in to the image registry with the job's GITHUB_TOKEN (or the registry-password secret). Skipped when the
 * caller turns registry-login off (a local registry without authentication).
 */
export function registryLogin(): Step {
  return thirdParty('docker/login-action', {
    name: 'Log in to the registry',
    if: expr('inputs.registry-login'),
    with: {
      registry: expr('inputs.registry'),
      username: expr('github.actor'),
      password: expr('secrets.registry-password || github.token')
    }
  });
}
