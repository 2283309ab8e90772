/** Steps and settings shared by the generated workflows. */
import { expr, thirdParty } from './actions.js';
import type { CallInput, CallSecret, Step } from './types.js';

/** The GitHub-hosted runner every job uses (a fixed image, not ubuntu-latest, so a runner upgrade is a reviewed change). */
export const RUNNER = 'ubuntu-24.04';

/** actions/checkout without a persisted token: later steps that push use their own credentials. */
export function checkout(fetchDepth?: number): Step {
  return thirdParty('actions/checkout', {
    name: 'Check out',
    with: { 'persist-credentials': false, ...(fetchDepth === undefined ? {} : { 'fetch-depth': fetchDepth }) }
  });
}

/** Runs the caller's `test-command` input; the command reaches the shell through env, never spliced into run:. */
export function testCommandStep(): Step {
  return {
    name: 'Run the test command',
    env: { TEST_COMMAND: expr('inputs.test-command') },
    run: 'bash -c "$TEST_COMMAND"'
  };
}

/**
 * Log in to the image registry with the job's GITHUB_TOKEN (or the REGISTRY_PASSWORD secret). Skipped when the
 * caller turns registry-login off (a local registry without authentication).
 */
export function registryLogin(): Step {
  return thirdParty('docker/login-action', {
    name: 'Log in to the registry',
    if: expr('inputs.registry-login'),
    with: {
      registry: expr('inputs.registry'),
      username: expr('github.actor'),
      password: expr('secrets.REGISTRY_PASSWORD || github.token')
    }
  });
}

/** The image settings every workflow that builds takes the same way (build, release). */
export const IMAGE_INPUTS: Record<string, CallInput> = {
  registry: { description: 'Image registry', type: 'string', default: 'ghcr.io' },
  'registry-login': {
    description: 'Log in to the registry with the job token',
    type: 'boolean',
    default: true
  },
  owner: { description: 'Image owner (default: the repository owner)', type: 'string', default: '' },
  'sign-mode': {
    description: 'keyless (GitHub OIDC + Fulcio/Rekor), key (cosign key pair from secrets) or none',
    type: 'string',
    default: 'keyless'
  },
  'keyless-on-private-repo': {
    description:
      'Allow keyless signing in a private repository: its name, workflow, ref and commit are published in the public Rekor log',
    type: 'boolean',
    default: false
  },
  'transparency-log': {
    description: 'Record signatures and attestations in Rekor (keyless needs it)',
    type: 'boolean',
    default: true
  },
  'upload-sarif': { description: 'Upload SARIF reports to code scanning', type: 'boolean', default: true },
  'build-network': {
    description:
      "Network for RUN instructions (empty: the builder's default; host where the daemon has no bridge)",
    type: 'string',
    default: ''
  },
  'build-args': {
    description:
      'Extra build arguments for every service, KEY=value per line (e.g. BASE=<registry>/<image> to build from a mirror)',
    type: 'string',
    default: ''
  },
  'trivy-db-repository': {
    description: 'Trivy DB mirrors, comma separated (tried in order)',
    type: 'string',
    default: 'ghcr.io/aquasecurity/trivy-db,public.ecr.aws/aquasecurity/trivy-db'
  }
};

/**
 * Secret names: a repository secret's name may hold only [A-Za-z0-9_], must not start with a digit or with GITHUB_
 * ("Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_)… Must start with
 * a letter ([a-z], [A-Z]) or underscores (_)" — GitHub's own error, https://www.Github.com/orgs/community/discussions/113375;
 * the same rules as documented in "Naming your secrets", mirrored at https://docs.gitea.com/usage/secrets). The
 * reusable workflows declare the names a caller can create as they are, so `secrets: inherit` and an explicit
 * mapping both work. SECRET_NAME_RE is checked by test/unit/workflows/secrets.test.ts.
 */
export const SECRET_NAME_RE = /^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/i;

export const IMAGE_SECRETS: Record<string, CallSecret> = {
  REGISTRY_PASSWORD: {
    description: 'Registry password (default: the job GITHUB_TOKEN; needed for registries other than GHCR)',
    required: false
  },
  COSIGN_PRIVATE_KEY: { description: 'cosign.key content (sign-mode key)', required: false },
  COSIGN_PASSWORD: { description: 'Password of cosign.key (sign-mode key)', required: false }
};

/** `with:` / `secrets:` of a call that hands the caller's image settings on unchanged. */
export const passImageInputs = (): Record<string, string> =>
  Object.fromEntries(Object.keys(IMAGE_INPUTS).map((k) => [k, expr(`inputs.${k}`)]));
export const passImageSecrets = (): Record<string, string> =>
  Object.fromEntries(Object.keys(IMAGE_SECRETS).map((k) => [k, expr(`secrets.${k}`)]));
