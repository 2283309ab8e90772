/**
 * Reusable build workflow: plan → per changed service (matrix): tags → build (pushed under a candidate tag only)
 * → Trivy gate → promote (the real tags, written to the scanned digest) → image record; in
 * parallel the gitleaks gate and the repository's own tests; then one signing job signs, attests and uploads SBOMs
 * for every record that passed its gate. Nothing here writes `contents`: a release's SBOM assets are attached by
 * release.yml, so a push/PR caller grants no more than this workflow's jobs ask.
 */
import { SLIPWAY_REPO, expr, slipway, stepOutput, thirdParty } from './lib/actions.js';
import {
  IMAGE_INPUTS,
  IMAGE_SECRETS,
  RUNNER,
  checkout,
  registryLogin,
  testCommandStep
} from './lib/common.js';
import type { CallInput, Job, Step, StepsJob, Workflow } from './lib/types.js';

/**
 * Artifact names are unique per workflow run, and one run may call this workflow twice (the push build and the
 * release build), so every artifact carries the call's key.
 */
const RUN_KEY = "inputs.release-tag || inputs.version || 'build'";

/**
 * A code-scanning upload of a gate's SARIF: after the gate whatever its verdict (`always()`), and a failed upload
 * is a warning, never a failed job. A repository without code scanning answers 403 — private repositories without
 * GitHub Code Security/Advanced Security ("Advanced Security must be enabled for this repository to use code
 * scanning", https://github.com/github/codeql-action/issues/943, "Code Security must be enabled…",
 * https://github.com/GSA-TTS/agentic-coding-playbook/issues/31) and pull requests from forks, whose GITHUB_TOKEN is
 * read-only ("Resource not accessible by integration", https://github.com/github/codeql-action/issues/2117). With
 * `continue-on-error: true` a failing step leaves the job's result alone
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepscontinue-on-error),
 * so the gate's verdict decides what is promoted and signed, not the upload.
 */
function sarifUpload(name: string, sarifPathOutput: string, category: string): Step {
  return thirdParty('github/codeql-action/upload-sarif', {
    name,
    if: expr(`always() && inputs.upload-sarif && ${sarifPathOutput} != ''`),
    'continue-on-error': true,
    with: { sarif_file: expr(sarifPathOutput), category }
  });
}

const planJob: StepsJob = {
  name: 'Plan the changed services',
  'runs-on': RUNNER,
  'timeout-minutes': 10,
  permissions: { contents: 'read' },
  outputs: {
    matrix: expr(stepOutput('plan', 'plan', 'matrix')),
    services: expr(stepOutput('plan', 'plan', 'services')),
    'has-changes': expr(stepOutput('plan', 'plan', 'has-changes'))
  },
  steps: [
    checkout(0),
    slipway('plan', {
      id: 'plan',
      name: 'Plan',
      with: { manifest: expr('inputs.manifest'), services: expr('inputs.services') }
    })
  ]
};

const gitleaksJob: StepsJob = {
  name: 'Secret scan (gitleaks)',
  if: expr('inputs.gitleaks'),
  'runs-on': RUNNER,
  'timeout-minutes': 15,
  permissions: { contents: 'read', 'security-events': 'write' },
  steps: [
    checkout(0),
    slipway('gitleaks-gate', { id: 'gitleaks', name: 'gitleaks gate' }),
    sarifUpload(
      'Upload the gitleaks SARIF',
      stepOutput('gitleaks-gate', 'gitleaks', 'sarif-path'),
      'gitleaks'
    )
  ]
};

const testJob: StepsJob = {
  name: 'Repository tests',
  if: expr("inputs.test-command != ''"),
  'runs-on': RUNNER,
  'timeout-minutes': 30,
  permissions: { contents: 'read' },
  steps: [
    checkout(),
    thirdParty('actions/setup-node', {
      name: 'Set up Node.js',
      with: { 'node-version': expr('inputs.node-version') }
    }),
    testCommandStep()
  ]
};

/**
 * QEMU only when the service needs it: a platform the runner's CPU cannot run (RUNNER_ARCH, "X86, X64, ARM, or
 * ARM64": https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables)
 * AND a RUN step in a stage that is not built on $BUILDPLATFORM. A cross-built Dockerfile (build stages
 * `FROM --platform=$BUILDPLATFORM`, the target stage only copies) runs no foreign code, so it needs no emulation
 * (https://docs.docker.com/build/building/multi-platform/#cross-compilation).
 */
const emulationStep: Step = {
  id: 'emulation',
  name: 'Foreign RUN steps (QEMU needed?)',
  env: {
    PLATFORMS: expr('matrix.platforms'),
    DOCKERFILE: expr('matrix.dockerfile')
  },
  run: [
    'case "$RUNNER_ARCH" in',
    "  X64) native=' linux/amd64 linux/386 ' ;;",
    "  ARM64) native=' linux/arm64 linux/arm64/v8 ' ;;",
    "  *) native=' ' ;;",
    'esac',
    'foreign=()',
    'IFS=, read -ra wanted <<<"$PLATFORMS"',
    'for p in "${wanted[@]}"; do',
    '  p=${p// /}',
    '  case "$native" in *" $p "*) ;; *) a=${p#*/}; foreign+=("${a%%/*}") ;; esac',
    'done',
    '# a RUN in a stage not built on $BUILDPLATFORM executes code of the target platform',
    `runs=$(awk 'toupper($1)=="FROM" { host = ($0 ~ /--platform=[$][{]?BUILDPLATFORM[}]?/) }` +
      ` toupper($1)=="RUN" && !host { print "yes"; exit }' "$DOCKERFILE")`,
    'if [ ${#foreign[@]} -gt 0 ] && [ "$runs" = yes ]; then',
    '  (IFS=,; echo "platforms=${foreign[*]}") >> "$GITHUB_OUTPUT"',
    '  echo "qemu=true" >> "$GITHUB_OUTPUT"',
    '  echo "$DOCKERFILE runs RUN steps for ${foreign[*]} on a $RUNNER_ARCH runner: setting up QEMU"',
    'else',
    '  echo "qemu=false" >> "$GITHUB_OUTPUT"',
    '  echo "no emulation needed for $PLATFORMS on $RUNNER_ARCH (native, or cross-built: every RUN in a BUILDPLATFORM stage)"',
    'fi'
  ].join('\n')
};

/** The Trivy DB artifact this build call uploads when the caller hands it none: one name per call, like the records. */
const TRIVY_DB_ARTIFACT = `format('trivy-db-{0}', ${RUN_KEY})`;
/** Where each job keeps trivy's cache (the DB in <cache-dir>/db). */
const TRIVY_CACHE_DIR = "format('{0}/trivy-cache', runner.temp)";

/**
 * The artifact every scan of this call downloads: the caller's (input `trivy-db-artifact`, when an earlier job of
 * the same workflow run already fetched the DB) or the one this call's trivy-db job uploaded. Artifacts belong to
 * the workflow run, and the jobs of a called reusable workflow are jobs of the caller's run: "You can only download
 * artifacts in a workflow that were uploaded during the same workflow run" (the docs quoted in
 * https://github.com/actions/download-artifact/issues/111); a workflow called from another "uploads its artifacts
 * as part of the second workflow … and then the second one can later download them"
 * (https://github.com/actions/download-artifact/issues/148); a matrix of calls of one reusable workflow uploads to
 * the one run (https://github.com/actions/upload-artifact/issues/666).
 */
const TRIVY_DB_GIVEN = 'inputs.trivy-db-artifact || needs.trivy-db.outputs.artifact';

/** build.yml's (and release.yml's) input naming a DB artifact an earlier job of the same run uploaded. */
export const TRIVY_DB_ARTIFACT_INPUT: CallInput = {
  description:
    "Name of a Trivy DB artifact an earlier job of this workflow run uploaded (another call's trivy-db-artifact output): the scans use it and this call downloads no DB; empty: this call fetches the DB once itself",
  type: 'string',
  default: ''
};

/**
 * Every artifact build.yml uploads replaces one of the same name from an earlier attempt of the run ("Re-run all
 * jobs" uploads the DB, the records and the SBOMs again; a re-run failed leg its record): "If true, an artifact with
 * a matching name will be deleted before a new one is uploaded. If false, the action will fail if an artifact for
 * the given name already exists" (https://github.com/actions/upload-artifact#inputs), and a re-run met the earlier
 * attempt's artifact with "(409) Conflict: an artifact with this name already exists on the workflow run"
 * (https://github.com/apache/datafusion-comet/pull/3723). The names stay the same across attempts, so collect's
 * pattern finds each service's newest record, and a kept trivy-db job's output still names its artifact.
 */
const REPLACE_EARLIER_ATTEMPT = { overwrite: true } as const;

/**
 * The job that fetches the Trivy vulnerability DB ONCE and uploads it as the artifact `artifact` (an expression),
 * for every scan job after it. On GitHub trivy-gate first restores the DB from actions/cache (one entry per schema
 * and UTC day, saved by the first run of the day that downloaded it), so the registry is asked at most once a day;
 * the copy travels to the scan jobs as an artifact of this run: "Artifacts allow you to share data between jobs in a
 * workflow" (https://docs.github.com/en/actions/tutorials/store-and-share-data). A directory given as `path` is
 * uploaded relative to itself (the least common ancestor of the files:
 * https://github.com/actions/upload-artifact#upload-using-multiple-paths-and-exclusions,
 * https://github.com/actions/upload-artifact/issues/174), and download-artifact by `name` extracts into `path`
 * (https://github.com/actions/download-artifact#inputs), so the scans find `trivy.db` and `metadata.json` in
 * <cache-dir>/db. One day of retention outlives the run. The artifact name is the job's output `artifact`.
 */
export function trivyDbJobFor(options: { needs: string[]; if: string; artifact: string }): StepsJob {
  return {
    name: 'Trivy DB (once per workflow run)',
    needs: options.needs,
    if: expr(options.if),
    'runs-on': RUNNER,
    'timeout-minutes': 15,
    permissions: {},
    outputs: { artifact: expr(options.artifact) },
    steps: [
      slipway('trivy-gate', {
        id: 'db',
        name: 'Restore or download the Trivy DB',
        with: {
          'download-db-only': true,
          'db-repository': expr('inputs.trivy-db-repository'),
          'cache-dir': expr(TRIVY_CACHE_DIR)
        }
      }),
      thirdParty('actions/upload-artifact', {
        name: 'Hand the DB to the scan jobs',
        with: {
          name: expr(options.artifact),
          path: expr(stepOutput('trivy-gate', 'db', 'db-dir')),
          'if-no-files-found': 'error',
          'retention-days': 1,
          ...REPLACE_EARLIER_ATTEMPT
        }
      })
    ]
  };
}

/**
 * build.yml's trivy-db job: after plan and only when something is built (a no-change push downloads nothing), and
 * only when the caller handed no DB artifact (release.yml's nested calls, the example's release after its push
 * build): legs of a 6-service matrix start together, so without it each would find no DB and download its own.
 */
export const trivyDbJob: StepsJob = trivyDbJobFor({
  needs: ['plan'],
  if: "needs.plan.outputs.has-changes == 'true' && inputs.trivy-db-artifact == ''",
  artifact: TRIVY_DB_ARTIFACT
});

/**
 * When the run's DB artifact cannot be had, the leg makes the DB ready itself (skip-db-update `auto`: actions/cache's
 * entry of the day, which the trivy-db job saved, else a download) rather than fail its image. That happens on "Re-run
 * failed jobs": the trivy-db job that succeeded is not re-run ("Jobs that aren't included keep their outputs from the
 * previous attempt": https://docs.github.com/en/actions/how-tos/manage-workflow-runs/re-run-workflows-and-jobs), so
 * the re-run legs need the artifact of an earlier attempt, which is gone after its 1 day of retention (a run can be
 * re-run up to 30 days later, same page; https://github.com/open-telemetry/opentelemetry-js-contrib/issues/3297) and
 * which download-artifact's run-attempt-scoped lookup has also refused with "(404) Not Found: workflow run not found"
 * (https://github.com/actions/download-artifact/issues/486, https://github.com/MeshInspector/MeshLib/pull/6474).
 * `steps.<id>.outcome` is the result before continue-on-error is applied
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#steps-context).
 */
const DB_RECEIVED = "steps.trivy-db.outcome == 'success'";

/**
 * The steps of a scan job that receive the run's DB (TRIVY_DB_GIVEN) and scan with it, never downloading; without
 * the artifact (see DB_RECEIVED) the gate makes the DB ready itself, with a warning that says why.
 */
export function trivyGateSteps(target: Record<string, string>): Step[] {
  return [
    thirdParty('actions/download-artifact', {
      id: 'trivy-db',
      name: "Receive the run's Trivy DB",
      'continue-on-error': true,
      with: { name: expr(TRIVY_DB_GIVEN), path: expr(`format('{0}/db', ${TRIVY_CACHE_DIR})`) }
    }),
    {
      name: 'No DB artifact: the gate fetches the DB itself',
      if: expr(`!(${DB_RECEIVED})`),
      env: { ARTIFACT: expr(TRIVY_DB_GIVEN) },
      run: "echo \"::warning title=Trivy DB::The run's Trivy DB artifact '$ARTIFACT' could not be downloaded (its 1-day retention ended, or a re-run of this job cannot see an earlier attempt's artifacts): this job restores the DB from the cache or downloads it\""
    },
    slipway('trivy-gate', {
      id: 'trivy',
      name: 'Trivy gate',
      with: {
        ...target,
        severity: expr('inputs.severity'),
        'db-repository': expr('inputs.trivy-db-repository'),
        'cache-dir': expr(TRIVY_CACHE_DIR),
        // the DB came from a trivy-db job of this workflow run: scan with it as it is, never download; without it
        // (DB_RECEIVED), auto: the cache's copy of the day, else a download
        'skip-db-update': expr(`${DB_RECEIVED} && 'true' || 'auto'`),
        // the upload is a separate step below (sarifUpload), so a 403 from code scanning cannot fail the gate
        'sarif-category': expr("format('trivy-{0}', matrix.service)"),
        'github-token': expr('github.token')
      }
    })
  ];
}

const imageSteps: Step[] = [
  checkout(),
  emulationStep,
  // https://docs.docker.com/build/ci/github-actions/multi-platform/ ("Set up QEMU" before "Set up Docker Buildx")
  thirdParty('docker/setup-qemu-action', {
    name: 'Set up QEMU',
    if: expr("steps.emulation.outputs.qemu == 'true'"),
    with: { platforms: expr('steps.emulation.outputs.platforms') }
  }),
  // the docker-container driver builds and pushes every platform in one call, which the docker driver cannot
  // (https://github.com/docker/setup-buildx-action#about: "By default, the docker-container driver will be used
  // to be able to build multi-platform images"); said explicitly so the build never falls back to per-platform
  thirdParty('docker/setup-buildx-action', { name: 'Set up buildx', with: { driver: 'docker-container' } }),
  registryLogin(),
  slipway('tags', {
    id: 'tags',
    name: 'Tags',
    with: {
      service: expr('matrix.service'),
      manifest: expr('inputs.manifest'),
      registry: expr('inputs.registry'),
      owner: expr('inputs.owner'),
      version: expr('inputs.version'),
      'github-token': expr('github.token')
    }
  }),
  slipway('build', {
    id: 'build',
    name: 'Build and push',
    with: {
      service: expr('matrix.service'),
      manifest: expr('inputs.manifest'),
      // only a candidate tag until the gates pass; promote then writes the real tags to the scanned digest
      tags: expr(
        `format('{0}:candidate-{1}-{2}', ${stepOutput('tags', 'tags', 'images')}, github.run_id, github.run_attempt)`
      ),
      labels: expr(stepOutput('tags', 'tags', 'labels')),
      annotations: expr(stepOutput('tags', 'tags', 'annotations')),
      network: expr('inputs.build-network'),
      // what the image reports about itself (e.g. the version in a health endpoint) comes from the tags step
      // the caller's extra arguments first: VERSION and REVISION are the workflow's and win over them
      'build-args': `${expr('inputs.build-args')}\nVERSION=${expr(stepOutput('tags', 'tags', 'version'))}\nREVISION=${expr('github.sha')}`,
      push: true
    }
  }),
  ...trivyGateSteps({ 'image-record': expr(stepOutput('build', 'build', 'image-record')) }),
  slipway('promote', {
    id: 'promote',
    name: 'Publish the tags (gates passed)',
    with: {
      'image-record': expr(stepOutput('build', 'build', 'image-record')),
      tags: expr(stepOutput('tags', 'tags', 'tags')),
      'github-token': expr('github.token')
    }
  }),
  thirdParty('actions/upload-artifact', {
    name: 'Keep the image record',
    with: {
      name: expr(`format('image-record-{0}-{1}', ${RUN_KEY}, matrix.service)`),
      path: expr(stepOutput('promote', 'promote', 'record-path')),
      'if-no-files-found': 'error',
      'retention-days': 7,
      ...REPLACE_EARLIER_ATTEMPT
    }
  }),
  sarifUpload(
    'Upload the Trivy SARIF',
    stepOutput('trivy-gate', 'trivy', 'sarif-path'),
    expr("format('trivy-{0}', matrix.service)")
  )
];

/**
 * The image legs run after plan and trivy-db, and also when trivy-db was SKIPPED because the caller handed a DB
 * artifact. Without a status function an `if:` means success() && …, and "If a job fails or is skipped, all jobs
 * that need it are skipped unless the jobs use a conditional expression that causes the job to continue"
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idneeds, quoted in
 * https://github.com/github/docs/issues/28762; https://github.com/actions/runner/issues/491). `!failure()` is false
 * when any job upstream failed (plan, or trivy-db failing to fetch the DB), `!cancelled()` keeps a cancelled run
 * cancelled; a skipped trivy-db passes both. The local executor applies the same rule
 * (test/fixtures/workflows/.github/workflows/skipped-need.yml).
 */
const IMAGE_LEG_IF = "!cancelled() && !failure() && needs.plan.outputs.has-changes == 'true'";

const imageJob: StepsJob = {
  name: expr("format('Image {0}', matrix.service)"),
  needs: ['plan', 'trivy-db'],
  if: expr(IMAGE_LEG_IF),
  'runs-on': RUNNER,
  'timeout-minutes': 30,
  permissions: { contents: 'read', packages: 'write', 'security-events': 'write' },
  strategy: { matrix: expr('fromJSON(needs.plan.outputs.matrix)'), 'fail-fast': false },
  steps: imageSteps
};

/**
 * Gathers the records of the legs that passed (a failed leg uploads none), so signing sees only gated images. Not
 * from the image job's outputs: a matrix job's output is the value of whichever leg finished last
 * (https://github.com/actions/runner/issues/1835), and empty outputs are dropped
 * (https://github.com/metalbear-co/mirrord/pull/4920) — one value, not one per passed leg; artifacts carry them all.
 */
const collectJob: StepsJob = {
  name: 'Collect the image records',
  needs: ['plan', 'image'],
  if: expr("!cancelled() && needs.plan.outputs.has-changes == 'true'"),
  'runs-on': RUNNER,
  'timeout-minutes': 5,
  permissions: {},
  outputs: { 'image-records': expr('steps.collect.outputs.image-records') },
  steps: [
    thirdParty('actions/download-artifact', {
      name: 'Download the image records',
      with: {
        pattern: expr(`format('image-record-{0}-*', ${RUN_KEY})`),
        'merge-multiple': true,
        path: expr("format('{0}/records', runner.temp)")
      }
    }),
    {
      id: 'collect',
      name: 'Merge',
      env: { RECORDS: expr("format('{0}/records', runner.temp)") },
      run: [
        'shopt -s nullglob',
        'files=("$RECORDS"/*.json)',
        'if [ ${#files[@]} -eq 0 ]; then echo "no image passed its gates"; echo "image-records=[]" >> "$GITHUB_OUTPUT"; exit 0; fi',
        'echo "image-records=$(jq -cs . "${files[@]}")" >> "$GITHUB_OUTPUT"',
        'jq -r \'.[] | "\\(.service): \\(.ref)"\' -s "${files[@]}"'
      ].join('\n')
    }
  ]
};

/**
 * Keyless signing writes the Fulcio certificate — repository name, workflow, ref, commit — into public Rekor ("A
 * Rekor entry exposes the Fulcio cert (SAN = owner/repo/.github/workflows/…@ref)", https://github.com/TomHennen/wrangle/issues/600;
 * "for folks that don't want to leak image names to the tlog", https://github.com/chainguard-dev/terraform-provider-cosign/issues/9):
 * on a private repository that publishes what it keeps private, so there it needs the caller's explicit
 * `keyless-on-private-repo: true` (or sign-mode key). `github.event.repository.private` tells
 * (https://github.com/Homebrew/.github/pull/201); a scheduled run's payload has no repository
 * (https://github.com/smorinlabs/py-launch-blueprint/pull/503), and build.yml is called on push/PR/tag.
 */
const privateRepoGuard: Step = {
  name: 'Keyless signing of a private repository needs an opt-in',
  if: expr('github.event.repository.private && !inputs.keyless-on-private-repo'),
  run: [
    'echo "::error title=Keyless signing would publish a private repository::Keyless signatures record the repository name, workflow, ref and commit in the public Rekor transparency log. Set keyless-on-private-repo: true on the call to accept that, or sign-mode: key with the COSIGN_PRIVATE_KEY and COSIGN_PASSWORD secrets."',
    'exit 1'
  ].join('\n')
};

/**
 * Signing and SBOM attestation of every gated record, in its own job so only it holds the signing permissions:
 * one variant per mode, because `id-token: write` belongs only where keyless signing happens.
 */
function signJob(mode: 'keyless' | 'key'): StepsJob {
  const signing = {
    mode,
    'transparency-log': expr('inputs.transparency-log'),
    ...(mode === 'key'
      ? {
          'private-key': expr('secrets.COSIGN_PRIVATE_KEY'),
          'private-key-password': expr('secrets.COSIGN_PASSWORD')
        }
      : {
          // a reusable workflow signs as itself: Fulcio puts this workflow's ref in the certificate
          'certificate-identity-regexp': `^https://github\\.com/${SLIPWAY_REPO}/\\.github/workflows/build\\.yml@`
        })
  };
  return {
    name: `Sign and attest (${mode})`,
    needs: ['collect'],
    // With no status function an `if:` means success() over every job upstream, and "a failure or skip applies to
    // all jobs in the dependency chain" (docs quoted in https://github.com/github/docs/issues/28762, from
    // https://docs.github.com/en/actions/using-workflows/workflow-syntax-for-github-actions#jobsjob_idneeds): one
    // image leg failing its gate would skip signing of every image that passed and was promoted. !cancelled() lets
    // it run; collect's own result and its records (only legs that uploaded one, i.e. passed) decide what is signed.
    if: expr(
      `!cancelled() && needs.collect.result == 'success' && needs.collect.outputs.image-records != '' && needs.collect.outputs.image-records != '[]' && inputs.sign-mode == '${mode}'`
    ),
    'runs-on': RUNNER,
    'timeout-minutes': 20,
    permissions: { packages: 'write', ...(mode === 'keyless' ? { 'id-token': 'write' as const } : {}) },
    outputs: {
      signatures: expr(stepOutput('sign', 'sign', 'signatures')),
      'verify-command': expr(stepOutput('sign', 'sign', 'verify-command'))
    },
    steps: [
      ...(mode === 'keyless' ? [privateRepoGuard] : []),
      registryLogin(),
      slipway('sign', {
        id: 'sign',
        name: 'Sign by digest',
        with: { 'image-record': expr('needs.collect.outputs.image-records'), ...signing }
      }),
      slipway('sbom', {
        id: 'sbom',
        name: 'SBOM and attestation',
        with: {
          'image-record': expr('needs.collect.outputs.image-records'),
          format: expr('inputs.sbom-format'),
          ...signing
        }
      }),
      thirdParty('actions/upload-artifact', {
        name: 'Keep the SBOMs',
        with: {
          name: expr(`format('sbom-{0}', ${RUN_KEY})`),
          path: expr(stepOutput('sbom', 'sbom', 'dir')),
          'if-no-files-found': 'error',
          'retention-days': 30,
          ...REPLACE_EARLIER_ATTEMPT
        }
      })
    ]
  };
}

export const buildWorkflow: Workflow = {
  name: 'Slipway build',
  on: {
    workflow_call: {
      inputs: {
        ...IMAGE_INPUTS,
        manifest: { description: 'Services manifest', type: 'string', default: '.slipway/services.yml' },
        services: {
          description: "Services to build: empty = the changed ones, 'all', or names (comma separated)",
          type: 'string',
          default: ''
        },
        version: {
          description: 'Release version: semver image tags off the tag ref (the release workflow sets it)',
          type: 'string',
          default: ''
        },
        'release-tag': {
          description:
            'Release being built (the release workflow sets it; it names the SBOM artifact the release workflow attaches)',
          type: 'string',
          default: ''
        },
        severity: {
          description: 'Trivy severities that fail the gate',
          type: 'string',
          default: 'CRITICAL,HIGH'
        },
        gitleaks: { description: 'Run the gitleaks gate', type: 'boolean', default: true },
        'test-command': {
          description: "The repository's own lint/test command (empty: no test job)",
          type: 'string',
          default: ''
        },
        'node-version': { description: 'Node.js for the test job', type: 'string', default: '24' },
        'sbom-format': { description: 'cyclonedx or spdx', type: 'string', default: 'cyclonedx' },
        'trivy-db-artifact': TRIVY_DB_ARTIFACT_INPUT
      },
      secrets: IMAGE_SECRETS,
      outputs: {
        'image-records': {
          description: 'JSON array of the image records that passed their gates',
          value: expr('jobs.collect.outputs.image-records')
        },
        services: {
          description: 'JSON array of the planned services',
          value: expr('jobs.plan.outputs.services')
        },
        'trivy-db-artifact': {
          description:
            "The Trivy DB artifact this call uploaded (empty when it fetched none: nothing to build, or a trivy-db-artifact was given); hand it to a later call's trivy-db-artifact",
          value: expr('jobs.trivy-db.outputs.artifact')
        },
        signatures: {
          description: 'JSON of the signatures made (sign action output)',
          value: expr('jobs.sign-keyless.outputs.signatures || jobs.sign-key.outputs.signatures')
        },
        'verify-command': {
          description: 'A cosign verify command for the signed images',
          value: expr('jobs.sign-keyless.outputs.verify-command || jobs.sign-key.outputs.verify-command')
        }
      }
    }
  },
  permissions: {},
  jobs: {
    plan: planJob,
    'trivy-db': trivyDbJob,
    gitleaks: gitleaksJob,
    test: testJob,
    image: imageJob,
    collect: collectJob,
    'sign-keyless': signJob('keyless'),
    'sign-key': signJob('key')
  } satisfies Record<string, Job>
};
