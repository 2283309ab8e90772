/**
 * The example monorepo's caller: push to main builds the changed services and then cuts a release; a pull request
 * builds (and scans) its changed services; a pushed vX.Y.Z tag builds every service with semver tags.
 *
 * Repository variables configure where images go, so the same file runs on GitHub (defaults: GHCR, keyless
 * signing) and locally (scripts/main.sh sets SLIPWAY_REGISTRY=127.0.0.1:5000, key signing, no Rekor, no SARIF).
 */
import { expr, reusable } from '../lib/actions.js';
import type { Workflow } from '../lib/types.js';

/** Inputs shared by the build and release calls, read from repository variables with GitHub defaults. */
export const IMAGE_SETTINGS = {
  registry: expr("vars.SLIPWAY_REGISTRY || 'ghcr.io'"),
  'registry-login': expr("vars.SLIPWAY_REGISTRY == ''"),
  'sign-mode': expr("vars.SLIPWAY_SIGN_MODE || 'keyless'"),
  'transparency-log': expr("vars.SLIPWAY_TRANSPARENCY_LOG != 'false'"),
  'upload-sarif': expr("vars.SLIPWAY_UPLOAD_SARIF != 'false'"),
  'build-network': expr("vars.SLIPWAY_BUILD_NETWORK || ''"),
  'build-args': expr("vars.SLIPWAY_BUILD_ARGS || ''"),
  'trivy-db-repository': expr(
    "vars.SLIPWAY_TRIVY_DB || 'ghcr.io/aquasecurity/trivy-db,public.ecr.aws/aquasecurity/trivy-db'"
  )
};

/**
 * The secrets the reusable workflows take, mapped one by one from repository secrets of the same name (what a user
 * creates: COSIGN_PRIVATE_KEY and COSIGN_PASSWORD for sign-mode key, REGISTRY_PASSWORD for a registry other than
 * GHCR). An explicit map rather than `secrets: inherit`, so the caller hands on only what the callee declares.
 */
export const IMAGE_SECRET_MAP = {
  REGISTRY_PASSWORD: expr('secrets.REGISTRY_PASSWORD'),
  COSIGN_PRIVATE_KEY: expr('secrets.COSIGN_PRIVATE_KEY'),
  COSIGN_PASSWORD: expr('secrets.COSIGN_PASSWORD')
};

export const exampleBuildWorkflow: Workflow = {
  name: 'Images',
  on: {
    push: { branches: ['main'], tags: ['v*.*.*'] },
    pull_request: { branches: ['main'] }
  },
  permissions: {},
  concurrency: {
    group: expr("format('images-{0}', github.ref)"),
    'cancel-in-progress': expr("github.event_name == 'pull_request'")
  },
  jobs: {
    build: {
      permissions: { contents: 'read', packages: 'write', 'security-events': 'write', 'id-token': 'write' },
      uses: reusable('build.yml'),
      with: IMAGE_SETTINGS,
      secrets: IMAGE_SECRET_MAP
    },
    release: {
      needs: ['build'],
      if: expr("github.event_name == 'push' && github.ref == 'refs/heads/main'"),
      permissions: { contents: 'write', packages: 'write', 'security-events': 'write', 'id-token': 'write' },
      uses: reusable('release.yml'),
      // the push build's Trivy DB artifact (empty when it built nothing): the release's builds scan with it, so the
      // run fetches the DB once — artifacts are shared by all jobs of a run, called workflows included (build.ts,
      // TRIVY_DB_GIVEN)
      with: { ...IMAGE_SETTINGS, 'trivy-db-artifact': expr('needs.build.outputs.trivy-db-artifact') },
      secrets: IMAGE_SECRET_MAP
    }
  }
};
