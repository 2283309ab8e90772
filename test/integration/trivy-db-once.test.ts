/**
 * Issue 16, goal 1: a 6-leg matrix downloads the Trivy DB once per workflow run. The workflow run here is made of
 * the very job and steps build.yml is generated from (workflows-src/build.ts: `trivyDbJob`, `trivyGateSteps`), run
 * by the local executor with the bundled trivy-gate: a plan stand-in that says "something changed", the trivy-db
 * job, and 6 legs side by side that each receive the DB artifact and scan. The DB is served by the local registry
 * through a counting proxy, so every pull of the DB layer is seen: exactly one. The legs install trivy from the
 * local tool mirror as on a GitHub-hosted runner (their image has no trivy).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runWorkflow } from '../../scripts/executor/index.js';
import { flattenJobs } from '../../scripts/executor/report.js';
import { trivyDbJob, trivyGateSteps } from '../../workflows-src/build.js';
import { expr } from '../../workflows-src/lib/actions.js';
import { RUNNER } from '../../workflows-src/lib/common.js';
import { renderWorkflow } from '../../workflows-src/lib/render.js';
import type { Workflow } from '../../workflows-src/lib/types.js';
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
          'release-tag': { description: 'as build.yml', type: 'string', default: '' }
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
