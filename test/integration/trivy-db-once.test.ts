/**
 * Issue 16, goal 1: one workflow run downloads the Trivy DB once. The workflow runs here are made of the very jobs
 * and steps build.yml, release.yml and the example images.yml are generated from (workflows-src/build.ts:
 * `trivyDbJob`, the image job's needs/if, `trivyGateSteps`; release.ts: its trivy-db and images jobs; example/build.ts:
 * what images.yml hands release.yml), run by the local executor with the bundled trivy-gate. Plan and
 * semantic-release are stand-ins that say "something changed" / "these releases were cut"; the image legs only
 * receive the DB and scan. The DB is served by the local registry through a counting proxy, so every pull of the DB
 * is seen. Cases: a 6-leg matrix (one build call); the push to main of images.yml — the push build, then release.yml
 * whose images matrix calls build.yml once per release tag — in ONE run; and release.yml on its own. The legs install
 * trivy from the local tool mirror as on a GitHub-hosted runner (their image has no trivy).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runWorkflow } from '../../scripts/executor/index.js';
import type { JobResult, RunResult } from '../../scripts/executor/index.js';
import { flattenJobs } from '../../scripts/executor/report.js';
import {
  TRIVY_DB_ARTIFACT_INPUT,
  buildWorkflow,
  trivyDbJob,
  trivyGateSteps
} from '../../workflows-src/build.js';
import { exampleBuildWorkflow } from '../../workflows-src/example/build.js';
import { releaseWorkflow } from '../../workflows-src/release.js';
import { expr } from '../../workflows-src/lib/actions.js';
import { RUNNER } from '../../workflows-src/lib/common.js';
import { renderWorkflow } from '../../workflows-src/lib/render.js';
import type { CallJob, StepsJob, Workflow } from '../../workflows-src/lib/types.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { REPO_ROOT, SLIPWAY_ACTION_REPOS } from '../support/run-action.js';
import { startToolMirror, type ToolMirror } from '../support/tool-mirror.js';
import { trivyFixtures, type TrivyFixtures } from '../support/trivy-db.js';

const LEGS = ['api', 'dashboard', 'runner', 'daemon', 'proxy', 'cli'];

let fx: TrivyFixtures;
let proxy: FaultProxy;
let mirror: ToolMirror;

beforeAll(async () => {
  [fx, mirror] = await Promise.all([trivyFixtures(), startToolMirror(['trivy'])]);
  proxy = await startFaultProxy({ port: 0 }, { host: '127.0.0.1', port: 5000 });
}, 300_000);

afterAll(async () => {
  await proxy?.close();
  await mirror?.close();
});

function matrixWorkflow(): Workflow {
  return {
    name: 'trivy DB once per run',
    on: {
      workflow_call: {
        inputs: {
          'trivy-db-repository': { description: 'trivy-db mirror', type: 'string', required: true },
          severity: { description: 'failing severities', type: 'string', default: 'CRITICAL,HIGH' },
          version: { description: 'as build.yml', type: 'string', default: '' },
          'release-tag': { description: 'as build.yml', type: 'string', default: '' },
          'trivy-db-artifact': TRIVY_DB_ARTIFACT_INPUT
        }
      }
    },
    permissions: {},
    jobs: {
      plan: {
        'runs-on': RUNNER,
        'timeout-minutes': 5,
        permissions: {},
        outputs: { 'has-changes': expr('steps.plan.outputs.has-changes') },
        steps: [{ id: 'plan', run: 'echo "has-changes=true" >> "$GITHUB_OUTPUT"' }]
      },
      'trivy-db': trivyDbJob,
      image: {
        name: expr("format('Image {0}', matrix.service)"),
        needs: ['plan', 'trivy-db'],
        'runs-on': RUNNER,
        'timeout-minutes': 15,
        permissions: {},
        strategy: { matrix: { service: LEGS }, 'fail-fast': false },
        steps: trivyGateSteps({ image: fx.unfixedImage })
      }
    }
  };
}

describe('the Trivy DB in a 6-leg matrix', () => {
  it('is downloaded once per workflow run and every leg scans with it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-trivy-once-'));
    const workflow = path.join(dir, 'trivy-once.yml');
    writeFileSync(workflow, renderWorkflow(matrixWorkflow(), 'test/integration/trivy-db-once.test.ts'));
    // the same repository, reached through the counting proxy (a loopback registry: trivy-gate passes --insecure)
    const dbRepository = fx.dbRepository.replace(/^127\.0\.0\.1:5000/, proxy.address);
    const repositoryPath = dbRepository.slice(proxy.address.length);
    const run = await runWorkflow({
      workflow,
      event: 'workflow_call',
      inputs: { 'trivy-db-repository': dbRepository },
      repo: REPO_ROOT,
      actionRepos: SLIPWAY_ACTION_REPOS,
      env: mirror.env,
      jobs: 2,
      output: null
    });
    const jobs = flattenJobs(run.jobs);
    const failed = jobs.filter((j) => j.result === 'failure');
    if (failed.length)
      console.log(
        failed.map((j) => `${j.name}: ${j.error ?? ''}\n${j.steps.map((s) => s.log).join('\n')}`).join('\n')
      );
    expect(run.conclusion).toBe('success');

    // what the registry saw of the DB repository: trivy resolves the tag (:2, the schema) and pulls the DB layer,
    // once for the whole run
    const seen = proxy.requests.filter((r) => r.includes(`/v2${repositoryPath}/`));
    const gets = (kind: string): string[] =>
      seen.filter((r) => r.startsWith(`GET /v2${repositoryPath}/${kind}/`));
    expect({ manifests: gets('manifests').length, blobs: gets('blobs').length }).toEqual({
      manifests: 1,
      blobs: 1
    });

    const legs = jobs.filter((j) => j.name.startsWith('Image ') && !j.children?.length);
    expect(legs.map((j) => j.name).sort()).toEqual(LEGS.map((s) => `Image ${s}`).sort());
    for (const leg of legs) {
      const gate = leg.steps.find((s) => s.id === 'trivy');
      expect(gate?.outcome).toBe('success');
      expect(gate?.outputs.result).toBe('clean');
      expect(gate?.log).toContain('(skip-db-update: true)');
      expect(gate?.log).not.toContain('DB downloaded from');
    }
    const dbJob = jobs.find((j) => j.id === 'trivy-db');
    expect(dbJob?.steps.find((s) => s.id === 'db')?.log).toContain(`DB downloaded from ${dbRepository}`);
  }, 900_000);
});

/** The repository path of the DB behind the counting proxy, and a counter of the GETs made from `since` on. */
function dbPulls(since: number): { repository: string; count: () => { manifests: number; blobs: number } } {
  const repository = fx.dbRepository.replace(/^127\.0\.0\.1:5000/, proxy.address);
  const repositoryPath = repository.slice(proxy.address.length);
  const gets = (kind: string): number =>
    proxy.requests.slice(since).filter((r) => r.startsWith(`GET /v2${repositoryPath}/${kind}/`)).length;
  return { repository, count: () => ({ manifests: gets('manifests'), blobs: gets('blobs') }) };
}

function showFailures(run: RunResult): JobResult[] {
  const jobs = flattenJobs(run.jobs);
  const failed = jobs.filter((j) => j.result === 'failure');
  if (failed.length)
    console.log(
      failed.map((j) => `${j.name}: ${j.error ?? ''}\n${j.steps.map((s) => s.log).join('\n')}`).join('\n')
    );
  return jobs;
}

/** Two legs per build call: enough to show each call's legs share the run's one DB. */
const CALL_LEGS = ['api', 'cli'];
/** What semantic-release cut in per-service mode: two releases, so release.yml calls build.yml twice. */
const RELEASES = [
  { services: 'api', version: '1.0.0', tag: 'api-v1.0.0' },
  { services: 'cli', version: '1.0.0', tag: 'cli-v1.0.0' }
];
const GRANT = exampleBuildWorkflow.jobs.release!.permissions;

/**
 * build.yml's Trivy part: its inputs, secrets and `trivy-db-artifact` output, its trivy-db job, and its image job
 * (needs, if, matrix from plan) with only the steps that receive the DB and scan. Plan is a stand-in.
 */
function buildTrivyPart(): Workflow {
  const call = buildWorkflow.on.workflow_call!;
  const image = buildWorkflow.jobs.image as StepsJob;
  return {
    name: 'build.yml, its Trivy part',
    on: {
      workflow_call: {
        inputs: call.inputs!,
        secrets: call.secrets!,
        outputs: { 'trivy-db-artifact': call.outputs!['trivy-db-artifact']! }
      }
    },
    permissions: {},
    jobs: {
      plan: {
        'runs-on': RUNNER,
        'timeout-minutes': 5,
        permissions: {},
        outputs: {
          'has-changes': expr('steps.plan.outputs.has-changes'),
          matrix: expr('steps.plan.outputs.matrix')
        },
        steps: [
          {
            id: 'plan',
            env: { MATRIX: JSON.stringify({ service: CALL_LEGS }) },
            run: 'echo "has-changes=true" >> "$GITHUB_OUTPUT"\necho "matrix=$MATRIX" >> "$GITHUB_OUTPUT"'
          }
        ]
      },
      'trivy-db': buildWorkflow.jobs['trivy-db']!,
      image: { ...image, 'timeout-minutes': 15, steps: trivyGateSteps({ image: fx.unfixedImage }) }
    }
  };
}

/** release.yml with a semantic-release stand-in that cut RELEASES; its trivy-db and images jobs as generated. */
function releaseTrivyPart(): Workflow {
  const images = releaseWorkflow.jobs.images as CallJob;
  return {
    name: 'release.yml, its Trivy part',
    on: {
      workflow_call: {
        inputs: releaseWorkflow.on.workflow_call!.inputs!,
        secrets: releaseWorkflow.on.workflow_call!.secrets!
      }
    },
    permissions: {},
    jobs: {
      release: {
        'runs-on': RUNNER,
        'timeout-minutes': 5,
        permissions: {},
        outputs: { builds: expr('steps.builds.outputs.builds') },
        steps: [
          {
            id: 'builds',
            env: { BUILDS: JSON.stringify(RELEASES) },
            run: 'echo "builds=$BUILDS" >> "$GITHUB_OUTPUT"'
          }
        ]
      },
      'trivy-db': releaseWorkflow.jobs['trivy-db']!,
      images: { ...images, uses: './.github/workflows/build.yml' }
    }
  };
}

/** The example images.yml on a push to main: the push build, then the release, handed the build's DB artifact. */
function pushAndRelease(): Workflow {
  const release = exampleBuildWorkflow.jobs.release as CallJob;
  const repository = { 'trivy-db-repository': expr('inputs.trivy-db-repository') };
  return {
    name: 'images.yml, push to main',
    on: {
      workflow_call: {
        inputs: { 'trivy-db-repository': { description: 'trivy-db mirror', type: 'string', required: true } }
      }
    },
    permissions: {},
    jobs: {
      build: { permissions: GRANT, uses: './.github/workflows/build.yml', with: repository },
      release: {
        needs: release.needs!,
        permissions: GRANT,
        uses: './.github/workflows/release.yml',
        with: { ...repository, 'trivy-db-artifact': release.with!['trivy-db-artifact']! }
      }
    }
  };
}

/**
 * A repository of the three workflows; runs `entry` as a workflow_call and returns the run and the DB's pulls.
 * `attempt`: the run's directory and, for a re-run, the attempt and the repository of the earlier one (`dir`).
 */
async function runCallers(
  entry: 'images' | 'release' | 'build',
  inputs: Record<string, string> = {},
  attempt?: { runDir: string; runAttempt?: number; dir?: string }
): Promise<{
  dir: string;
  jobs: JobResult[];
  conclusion: string;
  pulls: { manifests: number; blobs: number };
  repository: string;
}> {
  const dir = attempt?.dir ?? mkdtempSync(path.join(os.tmpdir(), 'slipway-trivy-once-run-'));
  const workflows = path.join(dir, '.github/workflows');
  mkdirSync(workflows, { recursive: true });
  const source = 'test/integration/trivy-db-once.test.ts';
  writeFileSync(path.join(workflows, 'build.yml'), renderWorkflow(buildTrivyPart(), source));
  writeFileSync(path.join(workflows, 'release.yml'), renderWorkflow(releaseTrivyPart(), source));
  writeFileSync(path.join(workflows, 'images.yml'), renderWorkflow(pushAndRelease(), source));
  const db = dbPulls(proxy.requests.length);
  const run = await runWorkflow({
    workflow: path.join(workflows, `${entry}.yml`),
    event: 'workflow_call',
    inputs: { 'trivy-db-repository': db.repository, ...inputs },
    repo: REPO_ROOT,
    actionRepos: SLIPWAY_ACTION_REPOS,
    env: mirror.env,
    jobs: 2,
    output: null,
    ...(attempt ? { runDir: attempt.runDir, runAttempt: attempt.runAttempt } : {})
  });
  return {
    dir,
    jobs: showFailures(run),
    conclusion: run.conclusion,
    pulls: db.count(),
    repository: db.repository
  };
}

/** Every image leg scanned clean with a DB it received, never downloading; returns the legs' names. */
function scannedWithTheRunsDb(jobs: JobResult[]): string[] {
  const legs = jobs.filter((j) => j.id === 'image' && j.result !== 'skipped' && !j.children?.length);
  for (const leg of legs) {
    const gate = leg.steps.find((s) => s.id === 'trivy');
    expect(gate?.outcome).toBe('success');
    expect(gate?.outputs.result).toBe('clean');
    expect(gate?.log).toContain('(skip-db-update: true)');
    expect(gate?.log).not.toContain('DB downloaded from');
  }
  return legs.map((j) => j.name).sort();
}

/** The trivy-db jobs of the run: which ran and which were skipped, by name. */
function dbJobs(jobs: JobResult[]): Record<string, string> {
  return Object.fromEntries(jobs.filter((j) => j.id === 'trivy-db').map((j) => [j.name, j.result]));
}

describe('the Trivy DB in a run of build.yml and release.yml together', () => {
  it('the push to main of images.yml (push build, then release.yml calling build.yml per release) downloads it once', async () => {
    const run = await runCallers('images');
    expect(run.conclusion).toBe('success');
    expect(run.pulls).toEqual({ manifests: 1, blobs: 1 });
    // the push build fetched it; release.yml and its two build calls were handed the artifact and skipped theirs
    expect(dbJobs(run.jobs)).toEqual({
      'build / Trivy DB (once per workflow run)': 'success',
      'release / Trivy DB (once per workflow run)': 'skipped',
      'release / Images api-v1.0.0 / Trivy DB (once per workflow run)': 'skipped',
      'release / Images cli-v1.0.0 / Trivy DB (once per workflow run)': 'skipped'
    });
    const ran = run.jobs.filter((j) => j.id === 'trivy-db' && j.result === 'success');
    expect(ran[0]!.steps.find((s) => s.id === 'db')?.log).toContain(`DB downloaded from ${run.repository}`);
    // the push build's legs and each release build's legs: 2 + 2 × 2, all with the push build's DB
    expect(scannedWithTheRunsDb(run.jobs)).toHaveLength(CALL_LEGS.length * (1 + RELEASES.length));
  }, 1_200_000);

  it('release.yml on its own (no artifact given) downloads it once for all of its build calls', async () => {
    const run = await runCallers('release');
    expect(run.conclusion).toBe('success');
    expect(run.pulls).toEqual({ manifests: 1, blobs: 1 });
    // release.yml's own trivy-db job fetched it; its build calls were handed the artifact
    expect(dbJobs(run.jobs)).toEqual({
      'Trivy DB (once per workflow run)': 'success',
      'Images api-v1.0.0 / Trivy DB (once per workflow run)': 'skipped',
      'Images cli-v1.0.0 / Trivy DB (once per workflow run)': 'skipped'
    });
    expect(scannedWithTheRunsDb(run.jobs)).toHaveLength(CALL_LEGS.length * RELEASES.length);
  }, 1_200_000);
});

describe("a leg without the run's DB artifact", () => {
  // On "Re-run failed jobs" the trivy-db job is not re-run and the legs need an earlier attempt's artifact, which
  // may be gone (1 day of retention) or refused (workflows-src/build.ts, DB_RECEIVED). A build call handed an
  // artifact name that the run does not hold meets the same: no trivy-db job of its own, no artifact to download.
  it('warns, makes the DB ready itself, and scans: the image is not failed for a missing copy of the DB', async () => {
    const run = await runCallers('build', { 'trivy-db-artifact': 'trivy-db-expired' });
    expect(run.conclusion).toBe('success');
    expect(dbJobs(run.jobs)).toEqual({ 'Trivy DB (once per workflow run)': 'skipped' });
    const legs = run.jobs.filter((j) => j.id === 'image' && !j.children?.length);
    expect(legs.map((j) => j.name).sort()).toEqual(CALL_LEGS.map((s) => `Image ${s}`).sort());
    for (const leg of legs) {
      const received = leg.steps.find((s) => s.id === 'trivy-db');
      expect({ outcome: received?.outcome, conclusion: received?.conclusion }).toEqual({
        outcome: 'failure',
        conclusion: 'success'
      });
      const warning = leg.steps.find((s) => s.name === 'No DB artifact: the gate fetches the DB itself');
      expect(warning?.conclusion).toBe('success');
      expect(warning?.log).toContain(
        "Warning: The run's Trivy DB artifact 'trivy-db-expired' could not be downloaded"
      );
      const gate = leg.steps.find((s) => s.id === 'trivy');
      expect(gate?.outputs.result).toBe('clean');
      expect(gate?.log).not.toContain('(skip-db-update: true)');
      expect(gate?.log).toContain(`DB downloaded from ${run.repository}`);
    }
    // each leg fetched its own copy (no actions/cache here: trivy-gate restores from it only on GitHub)
    expect(run.pulls).toEqual({ manifests: CALL_LEGS.length, blobs: CALL_LEGS.length });
  }, 1_200_000);
});

describe('"Re-run all jobs" of build.yml', () => {
  // every job runs again in attempt 2 and uploads the DB under the name attempt 1 used (this Trivy part has no
  // record or SBOM uploads; they take the same REPLACE_EARLIER_ATTEMPT); without upload-artifact's overwrite that is
  // the 409 of a name the run already holds
  it('uploads its artifacts again over those of attempt 1, and the legs scan with the new DB', async () => {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'slipway-trivy-rerun-'));
    const first = await runCallers('build', {}, { runDir });
    expect(first.conclusion).toBe('success');
    const second = await runCallers('build', {}, { runDir, runAttempt: 2, dir: first.dir });
    expect(second.conclusion).toBe('success');
    expect(dbJobs(second.jobs)).toEqual({ 'Trivy DB (once per workflow run)': 'success' });
    expect(second.pulls).toEqual({ manifests: 1, blobs: 1 });
    expect(scannedWithTheRunsDb(second.jobs)).toHaveLength(CALL_LEGS.length);
  }, 1_200_000);
});
