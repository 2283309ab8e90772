/**
 * runDeploy's state machine against the OpenAPI-validated GitHub fake, with a scripted target (health answered by
 * a real local HTTP server whose answers the test sets), for the paths the end-to-end test does not take: a
 * failure after the switch, a failure with nothing to roll back to, a rollback that fails too; and the last known
 * good / previous good lookup.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as github from '@actions/github';
import { runDeploy, type DeployPlan, type Target } from '../../../actions/deploy/deploy.js';
import { Deployments, type DeployedImage } from '../../../actions/lib/deployments.js';
import { addRepo, startGitHubFake, type GitHubFake } from '../../support/github-fake/index.js';

const TOKEN = 'ghs_unit';
let fake: GitHubFake;
let records: Deployments;
let server: http.Server;
let base: string;
/** what /public and /direct answer */
const answers: Record<string, { code: number; version: string }> = {};

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'app');
  records = new Deployments(github.getOctokit(TOKEN, { baseUrl: fake.url }), { owner: 'acme', repo: 'app' });
  server = http.createServer((req, res) => {
    const a = answers[req.url ?? ''] ?? { code: 404, version: '' };
    res.writeHead(a.code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: a.code === 200 ? 'healthy' : 'unhealthy', version: a.version }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fake.close();
});

const img = (c: string): DeployedImage[] => [
  { service: 'api', image: 'ghcr.io/acme/api', digest: `sha256:${c.repeat(64)}` }
];

function plan(environment: string, version: string, images: DeployedImage[]): DeployPlan {
  return {
    environment,
    version,
    images,
    ref: 'main',
    kind: 'deploy',
    production: false,
    logUrl: 'https://github.com/acme/app/actions/runs/1',
    health: { timeoutMs: 2000, intervalMs: 20, retries: 3, requestTimeoutMs: 500, degraded: 'accept' }
  };
}

/** A target that records calls; "serving" is what /public answers, moved by switchTo/restore. */
function scripted(direct: { code: number; version: string }, onRestore?: () => void) {
  const calls: string[] = [];
  let serving = answers['/public'];
  const target: Target = {
    active: () => 'blue',
    async start(_images, version) {
      calls.push(`start ${version}`);
      answers['/direct'] = direct;
      return 'green';
    },
    directHealthUrls: () => [`${base}/direct`],
    async switchTo(color, version) {
      calls.push(`switch ${color} ${version}`);
      serving = color === 'green' ? answers['/direct'] : serving;
      answers['/public'] = serving!;
    },
    publicHealthUrls: () => [`${base}/public`],
    discard: async (color) => void calls.push(`discard ${color}`),
    retire: async (color) => void calls.push(`retire ${color}`),
    async restore(_images, version, failed, switched) {
      calls.push(`restore ${version} failed=${failed} switched=${switched}`);
      onRestore?.();
      answers['/direct'] = answers['/public'] = answers['/old']!;
      return 'blue';
    }
  };
  return { target, calls };
}

const statesOf = (id: number) =>
  fake.state.deploymentStatuses
    .filter((s) => s.deployment_id === id)
    .sort((a, b) => a.id - b.id)
    .map((s) => s.state);

async function seedGood(environment: string, version: string, images: DeployedImage[]) {
  answers['/public'] = answers['/old'] = { code: 200, version };
  const { target } = scripted({ code: 200, version });
  target.active = () => undefined;
  const outcome = await runDeploy(
    plan(environment, version, images),
    target,
    records,
    undefined,
    'https://x.test'
  );
  expect(outcome.status).toBe('success');
  return (await records.lastKnownGood(environment))!;
}

it('a failure after the switch moves traffic back and records the rollback', async () => {
  const good = await seedGood('after-switch', '1.0.0', img('a'));
  // direct check passes (version 2.0.0 healthy), then the public check fails
  const { target, calls } = scripted({ code: 200, version: '2.0.0' });
  target.switchTo = async (color, version) => {
    calls.push(`switch ${color} ${version}`);
    answers['/public'] = { code: 503, version: '2.0.0' };
  };
  const outcome = await runDeploy(
    plan('after-switch', '2.0.0', img('b')),
    target,
    records,
    good,
    'https://x.test'
  );
  expect(outcome).toMatchObject({ status: 'rolled_back', rolledBackTo: '1.0.0' });
  expect(outcome.reason).toMatch(/^health check after the switch failed: .*\/public unhealthy/);
  expect(calls).toEqual([
    'start 2.0.0',
    'switch green 2.0.0',
    'restore 1.0.0 failed=green switched=true',
    'retire green'
  ]);
  expect(statesOf(outcome.deploymentId)).toEqual(['in_progress', 'failure']);
  expect(statesOf(outcome.rollbackDeploymentId!)).toEqual(['in_progress', 'success']);
  expect(statesOf(good.id)).toEqual(['in_progress', 'success', 'inactive']);
  // the rollback record is the new last known good, with the good digests
  const lkg = await records.lastKnownGood('after-switch');
  expect(lkg!.id).toBe(outcome.rollbackDeploymentId);
  expect(lkg!.payload!.slipway).toMatchObject({
    images: img('a'),
    version: '1.0.0',
    kind: 'rollback',
    rollbackOf: outcome.deploymentId
  });
  fake.assertNoViolations();
});

it('with no good deployment to go back to, a failed deploy is a failure and its start is discarded', async () => {
  answers['/public'] = { code: 200, version: '0.1.0' };
  const { target, calls } = scripted({ code: 503, version: '1.0.0' });
  const outcome = await runDeploy(
    plan('fresh', '1.0.0', img('c')),
    target,
    records,
    undefined,
    'https://x.test'
  );
  expect(outcome.status).toBe('failure');
  expect(calls).toEqual(['start 1.0.0', 'discard green']);
  expect(statesOf(outcome.deploymentId)).toEqual(['in_progress', 'failure']);
  expect(fake.state.deployments.filter((d) => d.environment === 'fresh')).toHaveLength(1);
  fake.assertNoViolations();
});

it('a rollback that fails too is a failure, recorded on both deployments', async () => {
  const good = await seedGood('double', '1.0.0', img('d'));
  const { target } = scripted(
    { code: 503, version: '2.0.0' },
    () => (answers['/old'] = { code: 503, version: '1.0.0' })
  );
  const outcome = await runDeploy(plan('double', '2.0.0', img('e')), target, records, good, 'https://x.test');
  expect(outcome.status).toBe('failure');
  expect(outcome.reason).toContain(
    'the rollback to 1.0.0 failed too: the last good version 1.0.0 is not healthy either'
  );
  expect(statesOf(outcome.deploymentId)).toEqual(['in_progress', 'failure']);
  expect(statesOf(outcome.rollbackDeploymentId!)).toEqual(['in_progress', 'failure']);
  // the failed rollback is not a last known good; the original good one still is
  expect((await records.lastKnownGood('double'))!.id).toBe(good.id);
  fake.assertNoViolations();
});

it('previous good: the newest earlier good deployment with other digests', async () => {
  const v1 = await seedGood('history', '1.0.0', img('1'));
  const v2 = await seedGood('history', '2.0.0', img('2'));
  const v2again = await seedGood('history', '2.0.0', img('2'));
  expect(v2again.id).not.toBe(v2.id);
  expect((await records.lastKnownGood('history', v2again))!.id).toBe(v1.id);
  expect(await records.lastKnownGood('history', v1)).toBeUndefined();
  fake.assertNoViolations();
});
