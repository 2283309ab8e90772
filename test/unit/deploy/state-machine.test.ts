/**
 * runDeploy's state machine against the OpenAPI-validated GitHub fake, with a scripted target (health answered by
 * a real local HTTP server whose answers the test sets), for the paths the end-to-end test does not take: a
 * failure after the switch, a failure with nothing to roll back to, a rollback that fails too; and the last known
 * good / previous good lookup.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as github from '@actions/github';
import type { Color } from '../../../actions/deploy/compose.js';
import { knownFromRecord, runDeploy, type DeployPlan, type Target } from '../../../actions/deploy/deploy.js';
import { TimeoutError } from '../../../actions/lib/exec.js';
import { Deployments, type DeployedImage } from '../../../actions/lib/deployments.js';
import { addRepo, startGitHubFake, type GitHubFake } from '../../support/github-fake/index.js';

const TOKEN = 'ghs_unit';
let fake: GitHubFake;
let records: Deployments;
let server: http.Server;
let base: string;

interface Answer {
  code: number;
  version: string;
}
/** the scripted host: what each color answers (absent: not running) and where the proxy points */
const host: { colors: Partial<Record<Color, Answer>>; pointed?: Color } = { colors: {} };

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'app');
  records = new Deployments(github.getOctokit(TOKEN, { baseUrl: fake.url }), { owner: 'acme', repo: 'app' });
  server = http.createServer((req, res) => {
    const color = req.url === '/public' ? host.pointed : (req.url?.slice('/c/'.length) as Color);
    const a = color ? host.colors[color] : undefined;
    if (!a) {
      res.writeHead(502).end('bad gateway');
      return;
    }
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

const other = (c: Color): Color => (c === 'blue' ? 'green' : 'blue');

/**
 * A target over the scripted host that records every call and enforces the rule under test: a color the proxy
 * points at is never started or stopped (the test fails if the state machine tries). `answerOf(version)` is
 * what a started version answers.
 */
function scripted(answerOf: (version: string) => Answer) {
  const calls: string[] = [];
  const touchServing: string[] = [];
  const active = host.pointed;
  const target: Target = {
    active: async () => active,
    async start(_images, version, on) {
      const color = on ?? (host.pointed ? other(host.pointed) : 'blue');
      if (color === host.pointed) touchServing.push(`start ${color}`);
      calls.push(`start ${version} on ${color}`);
      host.colors[color] = answerOf(version);
      return color;
    },
    readinessMs: async () => 0,
    directHealthUrls: (color) => [`${base}/c/${color}`],
    async switchTo(color, version) {
      calls.push(`switch ${color} ${version}`);
      host.pointed = color;
    },
    publicHealthUrls: () => [`${base}/public`],
    discard: async (color) => {
      if (color === host.pointed) touchServing.push(`discard ${color}`);
      calls.push(`discard ${color}`);
      delete host.colors[color!];
      return undefined;
    },
    retire: async (color) => {
      if (color === host.pointed) touchServing.push(`retire ${color}`);
      calls.push(`retire ${color}`);
      delete host.colors[color!];
      return undefined;
    },
    async observe() {
      const a = host.pointed ? host.colors[host.pointed] : undefined;
      const ok = a?.code === 200;
      return {
        color: host.pointed,
        version: ok ? a.version : undefined,
        known: ok,
        summary: `points at ${host.pointed ?? 'none'}, answers ${a ? `${a.version} ${a.code}` : 'nothing'}`
      };
    }
  };
  return { target, calls, touchServing };
}

const statesOf = (id: number) =>
  fake.state.deploymentStatuses
    .filter((s) => s.deployment_id === id)
    .sort((a, b) => a.id - b.id)
    .map((s) => s.state);

async function seedGood(environment: string, version: string, images: DeployedImage[]) {
  host.colors = {};
  host.pointed = undefined;
  const { target } = scripted(() => ({ code: 200, version }));
  const outcome = await runDeploy(
    plan(environment, version, images),
    target,
    records,
    undefined,
    'https://x.test'
  );
  expect(outcome.status).toBe('success');
  expect(outcome).toMatchObject({ color: 'blue', serving: { version, known: true } });
  return (await records.lastKnownGood(environment))!;
}

it('a failure after the switch moves traffic back without touching the old color', async () => {
  const good = await seedGood('after-switch', '1.0.0', img('a'));
  // 2.0.0 passes the direct check, then answers 503 once traffic reaches it
  const { target, calls, touchServing } = scripted(() => ({ code: 200, version: '2.0.0' }));
  const switchTo = target.switchTo;
  target.switchTo = async (color, version) => {
    await switchTo(color, version);
    if (color === 'green') host.colors.green = { code: 503, version: '2.0.0' };
  };
  const outcome = await runDeploy(
    plan('after-switch', '2.0.0', img('b')),
    target,
    records,
    knownFromRecord(good),
    'https://x.test'
  );
  expect(outcome).toMatchObject({
    status: 'rolled_back',
    rolledBackTo: '1.0.0',
    color: 'blue',
    serving: { version: '1.0.0', known: true }
  });
  expect(outcome.reason).toMatch(/^health check after the switch failed: .*\/public unhealthy/);
  // blue (1.0.0) is never started again: traffic goes back, it is checked, the failed green drains and goes
  expect(calls).toEqual(['start 2.0.0 on green', 'switch green 2.0.0', 'switch blue 1.0.0', 'retire green']);
  expect(touchServing).toEqual([]);
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

it('with no good deployment to go back to, a failed deploy is a failure and its idle start is discarded', async () => {
  host.colors = { blue: { code: 200, version: '0.1.0' } };
  host.pointed = 'blue';
  const { target, calls, touchServing } = scripted(() => ({ code: 503, version: '1.0.0' }));
  const outcome = await runDeploy(
    plan('fresh', '1.0.0', img('c')),
    target,
    records,
    undefined,
    'https://x.test'
  );
  expect(outcome).toMatchObject({ status: 'failure', color: 'blue', serving: { version: '0.1.0' } });
  expect(outcome.reason).toMatch(/mostly HTTP 503|unhealthy \(HTTP 503\)/);
  expect(calls).toEqual(['start 1.0.0 on green', 'discard green']);
  expect(touchServing).toEqual([]);
  expect(statesOf(outcome.deploymentId)).toEqual(['in_progress', 'failure']);
  expect(fake.state.deployments.filter((d) => d.environment === 'fresh')).toHaveLength(1);
  fake.assertNoViolations();
});

it('a failed first deploy that took all the traffic stays and is reported as what serves', async () => {
  host.colors = {};
  host.pointed = undefined;
  const { target, calls } = scripted(() => ({ code: 200, version: '1.0.0' }));
  const switchTo = target.switchTo;
  target.switchTo = async (color, version) => {
    await switchTo(color, version);
    host.colors.blue = { code: 503, version: '1.0.0' };
  };
  const outcome = await runDeploy(
    plan('first', '1.0.0', img('f')),
    target,
    records,
    undefined,
    'https://x.test'
  );
  expect(outcome.status).toBe('failure');
  // the proxy points at blue, nothing healthy answers: said so, and blue is not removed from under the proxy
  expect(outcome).toMatchObject({ color: 'blue', serving: { known: false } });
  expect(outcome.serving.version).toBeUndefined();
  expect(calls).toEqual(['start 1.0.0 on blue', 'switch blue 1.0.0']);
  fake.assertNoViolations();
});

it('when the old color does not answer, the last good version starts on the idle color, never on the serving one', async () => {
  const good = await seedGood('idle-restore', '1.0.0', img('g'));
  const { target, calls, touchServing } = scripted((version) =>
    version === '1.0.0' ? { code: 200, version } : { code: 503, version }
  );
  host.colors.blue = { code: 503, version: '1.0.0' }; // the old color broke meanwhile
  const outcome = await runDeploy(
    plan('idle-restore', '2.0.0', img('h')),
    target,
    records,
    knownFromRecord(good),
    'https://x.test'
  );
  expect(outcome).toMatchObject({ status: 'rolled_back', color: 'green', serving: { version: '1.0.0' } });
  // blue is left alone although it broke: it was serving when the rollback began (a person looks at it)
  expect(calls).toEqual([
    'start 2.0.0 on green',
    'discard green',
    'start 1.0.0 on green',
    'switch green 1.0.0'
  ]);
  expect(touchServing).toEqual([]);
  expect(statesOf(outcome.rollbackDeploymentId!)).toEqual(['in_progress', 'success']);
  fake.assertNoViolations();
});

it('a rollback that fails too is a failure, recorded on both deployments, with what serves', async () => {
  const good = await seedGood('double', '1.0.0', img('d'));
  const { target, touchServing } = scripted((version) => ({ code: 503, version }));
  host.colors.blue = { code: 503, version: '1.0.0' };
  const outcome = await runDeploy(
    plan('double', '2.0.0', img('e')),
    target,
    records,
    knownFromRecord(good),
    'https://x.test'
  );
  expect(outcome.status).toBe('failure');
  expect(outcome.reason).toContain('the rollback to 1.0.0 failed too:');
  expect(outcome.reason).toContain('left on the host:');
  expect(outcome.serving.known).toBe(false);
  expect(touchServing).toEqual([]);
  expect(statesOf(outcome.deploymentId)).toEqual(['in_progress', 'failure']);
  expect(statesOf(outcome.rollbackDeploymentId!)).toEqual(['in_progress', 'failure']);
  // the failed rollback is not a last known good; the original good one still is
  expect((await records.lastKnownGood('double'))!.id).toBe(good.id);
  fake.assertNoViolations();
});

it('a command that times out closes the deployment as error and says what was left', async () => {
  const good = await seedGood('timeout', '1.0.0', img('t'));
  const { target } = scripted((version) => ({ code: 200, version }));
  target.start = async () => {
    throw new TimeoutError('docker compose --project-name x …', 20_000, '');
  };
  const outcome = await runDeploy(
    plan('timeout', '2.0.0', img('u')),
    target,
    records,
    knownFromRecord(good),
    'https://x.test'
  );
  // blue still serves 1.0.0: the rollback is that check, nothing is started
  expect(outcome).toMatchObject({ status: 'rolled_back', color: 'blue', serving: { version: '1.0.0' } });
  expect(outcome.reason).toContain('no result within 20 s');
  expect(statesOf(outcome.deploymentId)).toEqual(['in_progress', 'error']);
  expect(statesOf(outcome.rollbackDeploymentId!)).toEqual(['in_progress', 'success']);

  // a host that stops answering in the middle: every open record is closed, never left in_progress
  target.observe = async () => {
    throw new TimeoutError('docker ps', 20_000, '');
  };
  const stuck = await runDeploy(
    plan('timeout', '3.0.0', img('v')),
    target,
    records,
    knownFromRecord(good),
    'https://x.test'
  );
  expect(stuck.status).toBe('failure');
  expect(stuck.serving).toMatchObject({ known: false });
  expect(stuck.reason).toContain('left on the host: cannot tell what serves');
  const latest = fake.state.deployments
    .filter((d) => d.environment === 'timeout')
    .sort((a, b) => a.id - b.id);
  for (const d of latest.slice(-2)) expect(statesOf(d.id).at(-1)).toMatch(/^(error|failure|success)$/);
  expect(latest.every((d) => statesOf(d.id).at(-1) !== 'in_progress')).toBe(true);
  fake.assertNoViolations();
});

it("GitHub's own deployment of an environment job (empty payload) is never a last known or previous good", async () => {
  const v1 = await seedGood('env-job', '1.0.0', img('7'));
  const v2 = await seedGood('env-job', '2.0.0', img('8'));
  // what GitHub records for `environment: env-job` on the job that ran the deploy: task deploy, payload {}
  const octokit = github.getOctokit(TOKEN, { baseUrl: fake.url });
  const own = await octokit.rest.repos.createDeployment({
    owner: 'acme',
    repo: 'app',
    ref: 'main',
    environment: 'env-job',
    required_contexts: [],
    auto_merge: false
  });
  const ownId = (own.data as { id: number }).id;
  await octokit.rest.repos.createDeploymentStatus({
    owner: 'acme',
    repo: 'app',
    deployment_id: ownId,
    state: 'success'
  });
  expect((await records.lastKnownGood('env-job'))?.id).toBe(v2.id);
  expect((await records.lastKnownGood('env-job', v2))?.id).toBe(v1.id);
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
