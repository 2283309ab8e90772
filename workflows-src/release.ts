/**
 * Reusable release workflow (push to main): semantic-release computes the version from Conventional Commits,
 * writes the notes, pushes the tag and creates the GitHub release; then the images of that version are built with
 * semver tags by calling the build workflow directly — a tag pushed with the default GITHUB_TOKEN triggers no other
 * workflow, so waiting for the tag-push event would need an App or PAT token.
 */
import { expr, sibling, slipway, stepOutput, thirdParty } from './lib/actions.js';
import {
  IMAGE_INPUTS,
  IMAGE_SECRETS,
  RUNNER,
  checkout,
  passImageInputs,
  passImageSecrets
} from './lib/common.js';
import { TRIVY_DB_ARTIFACT_INPUT, trivyDbJobFor } from './build.js';
import type { StepsJob, Workflow } from './lib/types.js';

/** The builds the release job published (an empty list when nothing was released). */
const HAS_BUILDS = "needs.release.outputs.builds != '[]' && needs.release.outputs.builds != ''";

/**
 * Each release's attested SBOMs (the artifact build.yml's signing job kept, named by the release tag) become its
 * release assets — here rather than in build.yml, so build.yml asks no `contents: write` and a push/PR caller of it
 * grants none: a called workflow's job can only keep or lower what the calling job grants, else the run does not
 * start ("The nested job '…' is requesting 'contents: write', but is only allowed 'contents: read'",
 * https://github.com/canonical/authd/issues/1528; "GITHUB_TOKEN permissions can only be the same or more restrictive
 * in nested workflows", https://docs.github.com/en/actions/reference/workflows-and-actions/reusing-workflow-configurations).
 * `!cancelled()`: a release whose images partly failed still gets the SBOMs of those that were signed; a missing
 * artifact fails this job, visibly.
 */
const assetsJob: StepsJob = {
  name: expr("format('SBOMs of {0} as release assets', matrix.tag)"),
  needs: ['release', 'images'],
  if: expr(`!cancelled() && inputs.sign-mode != 'none' && ${HAS_BUILDS}`),
  'runs-on': RUNNER,
  'timeout-minutes': 10,
  permissions: { contents: 'write' },
  strategy: { matrix: { include: expr('fromJSON(needs.release.outputs.builds)') }, 'fail-fast': false },
  steps: [
    thirdParty('actions/download-artifact', {
      name: 'Download the SBOMs',
      with: { name: expr("format('sbom-{0}', matrix.tag)"), path: expr("format('{0}/sbom', runner.temp)") }
    }),
    slipway('sbom', {
      name: 'Attach to the release',
      with: {
        'release-files': expr("format('{0}/sbom', runner.temp)"),
        'release-tag': expr('matrix.tag'),
        'github-token': expr('github.token')
      }
    })
  ]
};

/**
 * The Trivy DB for every build this release makes, fetched once: per-service mode calls build.yml once per released
 * service, and each call would otherwise fetch its own. Skipped when the caller hands a DB artifact of this workflow
 * run (the example's images.yml passes its push build's) or nothing is released. The nested build calls receive it
 * through their `trivy-db-artifact` input (artifacts are shared by every job of the run, called workflows included:
 * see TRIVY_DB_GIVEN in build.ts).
 */
const trivyDbJob: StepsJob = trivyDbJobFor({
  needs: ['release'],
  if: `${HAS_BUILDS} && inputs.trivy-db-artifact == ''`,
  artifact: "'trivy-db-release'"
});

/**
 * After trivy-db, also when it was skipped because the caller gave the DB artifact: the same status rule as
 * build.yml's image legs (IMAGE_LEG_IF: `!cancelled() && !failure()` runs after a skipped need, not after a failed one).
 */
const RELEASE_IMAGES_IF = `!cancelled() && !failure() && ${HAS_BUILDS}`;
/** The DB artifact the nested build calls scan with: the caller's, else this workflow's trivy-db job's. */
const RELEASE_TRIVY_DB = 'inputs.trivy-db-artifact || needs.trivy-db.outputs.artifact';

const releaseJob: StepsJob = {
  name: 'semantic-release',
  'runs-on': RUNNER,
  'timeout-minutes': 15,
  permissions: { contents: 'write' },
  outputs: {
    published: expr(stepOutput('release', 'release', 'published')),
    version: expr(stepOutput('release', 'release', 'version')),
    tag: expr(stepOutput('release', 'release', 'tag')),
    releases: expr(stepOutput('release', 'release', 'releases')),
    builds: expr('steps.builds.outputs.builds')
  },
  steps: [
    checkout(0),
    slipway('release', {
      id: 'release',
      name: 'Release',
      with: {
        mode: expr('inputs.mode'),
        manifest: expr('inputs.manifest'),
        branches: expr('inputs.branches'),
        'dry-run': expr('inputs.dry-run'),
        'github-token': expr('github.token')
      }
    }),
    {
      id: 'builds',
      name: 'What to build',
      // repo mode: every service at the one version; per-service mode: each released service at its own version
      env: {
        MODE: expr('inputs.mode'),
        PUBLISHED: expr(stepOutput('release', 'release', 'published')),
        VERSION: expr(stepOutput('release', 'release', 'version')),
        TAG: expr(stepOutput('release', 'release', 'tag')),
        RELEASES: expr(stepOutput('release', 'release', 'releases'))
      },
      run: [
        'if [ "$PUBLISHED" != "true" ]; then echo "builds=[]" >> "$GITHUB_OUTPUT"; exit 0; fi',
        'if [ "$MODE" = "per-service" ]; then',
        '  builds=$(jq -c \'[.[] | select(.published) | {services: .service, version, tag}]\' <<< "$RELEASES")',
        'else',
        '  builds=$(jq -nc --arg v "$VERSION" --arg t "$TAG" \'[{services: "all", version: $v, tag: $t}]\')',
        'fi',
        'echo "builds=$builds" >> "$GITHUB_OUTPUT"',
        'echo "to build: $builds"'
      ].join('\n')
    }
  ]
};

export const releaseWorkflow: Workflow = {
  name: 'Slipway release',
  on: {
    workflow_call: {
      inputs: {
        ...IMAGE_INPUTS,
        mode: {
          description: 'repo (one version) or per-service (<service>-vX.Y.Z)',
          type: 'string',
          default: 'repo'
        },
        manifest: { description: 'Services manifest', type: 'string', default: '.slipway/services.yml' },
        branches: {
          description: 'Release branches (semantic-release syntax)',
          type: 'string',
          default: 'main'
        },
        'dry-run': { description: 'Compute the version and notes only', type: 'boolean', default: false },
        'trivy-db-artifact': TRIVY_DB_ARTIFACT_INPUT
      },
      secrets: IMAGE_SECRETS,
      outputs: {
        published: {
          description: '"true" when a release was published',
          value: expr('jobs.release.outputs.published')
        },
        version: {
          description: 'The released version (repo mode)',
          value: expr('jobs.release.outputs.version')
        },
        tag: { description: 'The release tag (repo mode)', value: expr('jobs.release.outputs.tag') },
        releases: { description: 'Per-service releases (JSON)', value: expr('jobs.release.outputs.releases') }
      }
    }
  },
  permissions: {},
  jobs: {
    release: releaseJob,
    'trivy-db': trivyDbJob,
    images: {
      name: expr("format('Images {0}', matrix.tag)"),
      needs: ['release', 'trivy-db'],
      if: expr(RELEASE_IMAGES_IF),
      permissions: { contents: 'read', packages: 'write', 'security-events': 'write', 'id-token': 'write' },
      strategy: { matrix: { include: expr('fromJSON(needs.release.outputs.builds)') }, 'fail-fast': false },
      uses: sibling('build.yml'),
      with: {
        services: expr('matrix.services'),
        version: expr('matrix.version'),
        'release-tag': expr('matrix.tag'),
        ...passImageInputs(),
        gitleaks: false,
        'trivy-db-artifact': expr(RELEASE_TRIVY_DB)
      },
      secrets: passImageSecrets()
    },
    assets: assetsJob
  }
};
