/**
 * End to end: the bundled deploy action against real docker compose on the TARGET dockerd (a second Docker daemon,
 * the environment's host), the proxy container there, and the OpenAPI-validated GitHub fake. Every deploy runs
 * in a fresh runner directory and HOME: what served before is known only to the target.
 * v1 → staging; v2 healthy under load (no dropped request), the colors alternate; v3 unhealthy → automatic
 * rollback to v2; v4 never answers → rollback; v5 fails after the switch → traffic switched back; bad inputs fail
 * clearly while v2 keeps serving; a manual rollback from a fresh runner restarts the color kept on the target.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import {
  buildApi,
  colorRunning,
  FAILS_AFTER_FIRST_CHECK,
  servedVersion,
  startDeployEnv,
  TARGET_DOCKER_HOST,
  targetDocker,
  type DeployEnv
} from '../support/deploy-env.js';
import { startLoadLoop } from '../support/load-loop.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';

// a deploy that fails after the switch and rolls back runs the action's own budgets (60 s health, 60 s rollback,
// 2 s interval) plus the Docker commands on the target (cp, exec, start, stop): on the shared 2-core machine under
// load that went past jest's 180 s default once (measured: 180 s+), so these tests get 480 s
jest.setTimeout(480_000);
const TOKEN = 'ghs_deploytoken';
const id = randomBytes(4).toString('hex');
let fake: GitHubFake;
let env: DeployEnv;
const digests: Record<string, string> = {};
let hook: http.Server;
let hookUrl: string;
const hookBodies: string[] = [];

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  env = await startDeployEnv(id);
  digests['1.0.0'] = buildApi(env.repo, '1.0.0');
  digests['2.0.0'] = buildApi(env.repo, '2.0.0');
  digests['3.0.0'] = buildApi(env.repo, '3.0.0', 'ENV SLIPWAY_EXAMPLE_HEALTH=unhealthy');
  // health that never answers: accepts the connection, then says nothing
  digests['4.0.0'] = buildApi(
    env.repo,
    '4.0.0',
    'ENTRYPOINT ["/bin/sh", "-c", "exec nc -ll -p $PORT -e /bin/sleep 600"]'
  );
  digests['5.0.0'] = buildApi(env.repo, '5.0.0', FAILS_AFTER_FIRST_CHECK);
  env.writeConfig('staging');
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hookBodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hooks/T000/SECRETPART`;
}, 300_000);

afterAll(async () => {
  await env?.stop();
  await fake?.close();
  hook?.closeAllConnections();
  await new Promise((resolve) => hook?.close(resolve));
});

/** The action's own health timing (2 s interval, 60 s budget, 10 s per request): what a user gets on a busy host. */
function deploy(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  // a fresh runner per deploy, as on GitHub: new workspace (the config checked out again), new HOME
  const runner = env.freshRunner();
  return runAction('deploy', {
    workspace: runner.workspace,
    repository: 'acme/monorepo',
    inputs: { environment: 'staging', 'github-token': TOKEN, 'docker-host': TARGET_DOCKER_HOST, ...inputs },
    env: { GITHUB_API_URL: fake.url, HOME: runner.home, ...extraEnv },
    timeoutMs: 600_000
  });
}

function statesOf(deploymentId: number): string[] {
  return fake.state.deploymentStatuses
    .filter((s) => s.deployment_id === deploymentId)
    .sort((a, b) => a.id - b.id)
    .map((s) => s.state);
}

function stagingDeployments() {
  return fake.state.deployments.filter((d) => d.environment === 'staging').sort((a, b) => a.id - b.id);
}

it('deploys v1 to staging by digest and records the deployment', async () => {
  const run = await deploy({ version: '1.0.0' });
  expect(failureMessage(run)).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.outputs.status).toBe('success');
  expect(run.outputs.version).toBe('1.0.0');
  expect(run.outputs.color).toBe('blue');
  expect(run.outputs['serving-version']).toBe('1.0.0');
  // on the target: the proxy container (the offline image) points at blue, whose container carries the labels
  expect(env.pointed()).toMatchObject({ color: 'blue', version: '1.0.0' });
  expect(env.colorState('blue')).toEqual({
    state: 'running',
    version: '1.0.0',
    image: `${env.repo}@${digests['1.0.0']}`
  });
  // nothing of it on the runner's docker: the runner's own daemon has no container of the project
  expect(
    execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${env.project}`], {
      encoding: 'utf8'
    }).trim()
  ).toBe('');
  expect(run.outputs.deployment_url).toBe(env.proxyUrl);
  expect(JSON.parse(run.outputs.images!)).toEqual([
    { service: 'api', image: env.repo, digest: digests['1.0.0'] }
  ]);
  expect(await servedVersion(env.proxyUrl)).toBe('1.0.0');
  const [d] = stagingDeployments();
  expect(d!.payload).toEqual({
    slipway: {
      images: [{ service: 'api', image: env.repo, digest: digests['1.0.0'] }],
      version: '1.0.0',
      kind: 'deploy'
    }
  });
  expect(statesOf(d!.id)).toEqual(['in_progress', 'success']);
  const success = fake.state.deploymentStatuses.find(
    (s) => s.deployment_id === d!.id && s.state === 'success'
  );
  expect(success!.environment_url).toBe(env.proxyUrl);
  expect(success!.log_url).toBe('https://github.com/acme/monorepo/actions/runs/1');
  expect(run.summary).toContain('staging: deployed 1.0.0');
  fake.assertNoViolations();
});

it('deploys v2 blue-green under load from a fresh runner: the colors alternate, the old color is kept stopped', async () => {
  const load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2, maxDurationMs: 120_000 });
  const run = await deploy({ version: 'v2.0.0' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const stats = await load.stop();
  expect(failureMessage(run)).toBe('');
  expect(run.outputs.status).toBe('success');
  expect(run.outputs.color).toBe('green');
  expect(stats.failures).toEqual([]);
  expect(stats.failed).toBe(0);
  expect(stats.versions['1.0.0']).toBeGreaterThan(0);
  expect(stats.versions['2.0.0']).toBeGreaterThan(0);
  expect(await servedVersion(env.proxyUrl)).toBe('2.0.0');
  expect(colorRunning(env.project, 'blue')).toBe(false);
  expect(colorRunning(env.project, 'green')).toBe(true);
  // the last known good stays on the target: v1's container, stopped, with its labels and image
  expect(env.colorState('blue')).toMatchObject({ state: 'exited', version: '1.0.0' });
  expect(env.pointed()).toMatchObject({ color: 'green', version: '2.0.0', weights: { blue: 0, green: 100 } });
  const [v1, v2] = stagingDeployments();
  expect(statesOf(v1!.id)).toEqual(['in_progress', 'success', 'inactive']);
  expect(statesOf(v2!.id)).toEqual(['in_progress', 'success']);
  fake.assertNoViolations();
});

it('rolls back automatically when v3 is unhealthy: traffic never leaves v2, no request dropped', async () => {
  const load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2, maxDurationMs: 120_000 });
  const run = await deploy({ version: '3.0.0', 'webhook-url': hookUrl, 'webhook-format': 'json' });
  const stats = await load.stop();
  expect(run.exitCode).toBe(1);
  expect(run.outputs.status).toBe('rolled_back');
  expect(run.outputs['rolled-back-to']).toBe('2.0.0');
  // green (v2) keeps the traffic and is checked with the rollback's own budget; only if it does not answer in
  // that budget (seen under heavy contention) is v2 started on the idle color — either way the output is the
  // proxy's read-back, and v2 serves
  const back = env.pointed();
  expect(run.outputs.color).toBe(back?.color);
  expect(back?.version).toBe('2.0.0');
  expect(run.outputs['serving-version']).toBe('2.0.0');
  // this runner never saw v2's deploy: what to go back to came from the target (the serving color's labels)
  expect(run.stdout).toContain(
    'On the target: the proxy points at green (2.0.0); last known good 2.0.0 (green)'
  );
  expect(Number(run.outputs['rollback-ms'])).toBeGreaterThanOrEqual(0);
  expect(failureMessage(run)).toMatch(
    /3\.0\.0 failed and was rolled back to 2\.0\.0: health check before the switch failed: .*unhealthy after \d+ attempt/
  );
  process.stdout.write(
    `deploy test: rollback ${run.outputs['rollback-ms']} ms from the failed check to v2 healthy\n`
  );
  expect(stats.failed).toBe(0);
  expect(Object.keys(stats.versions)).toEqual(['2.0.0']);
  expect(await servedVersion(env.proxyUrl)).toBe('2.0.0');
  // v3's color was taken down (or, in the fallback above, runs v2 and takes the traffic)
  if (back?.color === 'green') expect(colorRunning(env.project, 'blue')).toBe(false);

  const [, v2, v3, rollback] = stagingDeployments();
  expect(statesOf(v3!.id)).toEqual(['in_progress', 'failure']);
  expect(rollback!.payload).toEqual({
    slipway: {
      images: [{ service: 'api', image: env.repo, digest: digests['2.0.0'] }],
      version: '2.0.0',
      kind: 'rollback',
      rollbackOf: v3!.id
    }
  });
  expect(statesOf(rollback!.id)).toEqual(['in_progress', 'success']);
  expect(statesOf(v2!.id)).toEqual(['in_progress', 'success', 'inactive']);
  expect(Number(run.outputs['rollback-deployment-id'])).toBe(rollback!.id);

  // notification: environment, version, status, URL, actor — and no secret
  expect(hookBodies).toHaveLength(1);
  const body = JSON.parse(hookBodies[0]!) as Record<string, unknown>;
  expect(body).toMatchObject({
    environment: 'staging',
    version: '3.0.0',
    status: 'rolled_back',
    url: env.proxyUrl,
    actor: 'octocat',
    rolled_back_to: '2.0.0'
  });
  expect(hookBodies[0]).not.toContain(TOKEN);
  expect(hookBodies[0]).not.toContain('SECRETPART');
  expect(run.masks).toContain(hookUrl);
  expect(run.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('SECRETPART');
  expect(run.summary).toContain('rolled back to 2.0.0');
  fake.assertNoViolations();
});

it('rolls back when the new version never answers its health URL', async () => {
  const before = stagingDeployments().length;
  // 15 s instead of the 60 s default budget: 4.0.0 never answers, so only the budget ends its check and its
  // length changes nothing but the test's duration; the rollback keeps its own (default) budget
  const run = await deploy({ version: '4.0.0', 'health-timeout': '15s' });
  expect(run.exitCode).toBe(1);
  expect(run.outputs.status).toBe('rolled_back');
  expect(failureMessage(run)).toMatch(/no answer within \d+ ms/);
  expect(await servedVersion(env.proxyUrl)).toBe('2.0.0');
  const added = stagingDeployments().slice(before);
  expect(added.map((d) => statesOf(d.id))).toEqual([
    ['in_progress', 'failure'],
    ['in_progress', 'success']
  ]);
  fake.assertNoViolations();
});

it('fails after the switch: traffic goes back to v2 through the proxy, no request dropped', async () => {
  const before = stagingDeployments().length;
  const load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2, maxDurationMs: 120_000 });
  const run = await deploy({ version: '5.0.0' });
  const stats = await load.stop();
  expect(run.exitCode).toBe(1);
  expect(run.outputs.status).toBe('rolled_back');
  expect(failureMessage(run)).toMatch(
    /5\.0\.0 failed and was rolled back to 2\.0\.0: health check after the switch failed/
  );
  expect(stats.failures).toEqual([]);
  expect(stats.versions['5.0.0']).toBeGreaterThan(0); // traffic did reach v5 …
  expect(await servedVersion(env.proxyUrl)).toBe('2.0.0'); // … and is back on v2
  const after = env.pointed();
  expect(after?.version).toBe('2.0.0');
  // v5's color drained and removed (a failed version is not kept) — unless the rollback's fallback started v2
  // on it (see the v3 test)
  expect(run.outputs.color).toBe(after?.color);
  if (after?.color === 'green') expect(colorRunning(env.project, 'blue')).toBe(false);
  const added = stagingDeployments().slice(before);
  expect(added.map((d) => statesOf(d.id))).toEqual([
    ['in_progress', 'failure'],
    ['in_progress', 'success']
  ]);
  fake.assertNoViolations();
});

describe('bad input: a clear error, nothing recorded, v2 keeps serving', () => {
  let before: number;
  beforeEach(() => (before = fake.state.deployments.length));
  afterEach(async () => {
    expect(fake.state.deployments.length).toBe(before);
    expect(await servedVersion(env.proxyUrl)).toBe('2.0.0');
    fake.assertNoViolations();
  });

  it('unknown environment', async () => {
    const run = await deploy({ environment: 'qa', version: '2.0.0' });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      "Input 'environment': unknown environment 'qa'; allowed: dev, test, staging, prod (set the 'environments' input to change the list)"
    );
  });

  it('a version that does not exist', async () => {
    const run = await deploy({ version: '9.9.9' });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toContain(
      `Version 9.9.9 does not exist for every service: ${env.repo}:9.9.9`
    );
    expect(failureMessage(run)).toContain('newest versions there: 5.0.0, 4.0.0, 3.0.0, 2.0.0, 1.0.0');
  });

  it('latest without a published stable release', async () => {
    const run = await deploy({ version: 'latest' });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toBe(
      "Input 'version' is 'latest' but acme/monorepo has no published stable release; publish one or pass a version like 1.2.3"
    );
  });

  it('a digest that does not exist', async () => {
    const run = await deploy({ version: `sha256:${'0'.repeat(64)}` });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toContain('does not exist in the registry');
  });

  it('invalid environment config names the file and the path', async () => {
    const file = env.writeConfig(
      'staging',
      { replicas: 0, resources: { cpu: 'lots', memory: '1GB' } },
      'bad-config'
    );
    const run = await deploy({ version: '2.0.0', 'config-dir': 'bad-config' });
    expect(run.exitCode).toBe(1);
    const message = failureMessage(run);
    // the fresh runner's checkout of that file
    expect(message).toContain(
      `${path.basename(path.dirname(file))}/staging.json does not match the deploy environment schema`
    );
    expect(message).toContain('/replicas must be >= 1');
    expect(message).toContain('/resources/cpu must match pattern');
    expect(message).toContain('/resources/memory must match pattern');
  });

  it('a GitHub-hosted runner deploying to its own Docker', async () => {
    const run = await deploy(
      { version: '2.0.0', 'docker-host': '' },
      { RUNNER_ENVIRONMENT: 'github-hosted' }
    );
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toContain("Input 'docker-host' is empty on a GitHub-hosted runner");
    expect(failureMessage(run)).toContain('self-hosted runner on that host');
  });

  it('an unreachable target', async () => {
    const run = await deploy({ version: '2.0.0', 'docker-host': 'tcp://127.0.0.1:1' });
    expect(run.exitCode).toBe(1);
    expect(failureMessage(run)).toContain('the Docker host tcp://127.0.0.1:1 is not reachable');
  });
});

it('a manual rollback (version: previous) goes back to the previous good version', async () => {
  // the current good deployment is the v2 rollback record; the previous good with other digests is v1
  const load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2, maxDurationMs: 120_000 });
  const run = await deploy({ version: 'previous' });
  const stats = await load.stop();
  expect(failureMessage(run)).toBe('');
  expect(run.outputs.status).toBe('success');
  expect(run.outputs.version).toBe('1.0.0');
  expect(stats.failed).toBe(0);
  expect(await servedVersion(env.proxyUrl)).toBe('1.0.0');
  const last = stagingDeployments().at(-1)!;
  expect((last.payload as { slipway: { kind: string } }).slipway.kind).toBe('rollback');
  expect(statesOf(last.id)).toEqual(['in_progress', 'success']);
  fake.assertNoViolations();
});

it('latest deploys the newest stable release (a pre-release is not latest)', async () => {
  const release = async (body: Record<string, unknown>) => {
    const res = await fetch(`${fake.url}/repos/acme/monorepo/releases`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    });
    expect(res.status).toBe(201);
  };
  await release({ tag_name: 'v2.0.0', name: '2.0.0' });
  await release({ tag_name: 'v3.0.0', name: '3.0.0', prerelease: true });
  const run = await deploy({ version: 'latest' });
  expect(failureMessage(run)).toBe('');
  expect(run.outputs.version).toBe('2.0.0');
  expect(await servedVersion(env.proxyUrl)).toBe('2.0.0');
  const last = stagingDeployments().at(-1)!;
  expect(last.ref).toBe('v2.0.0');
  expect(statesOf(last.id)).toEqual(['in_progress', 'success']);
  fake.assertNoViolations();
});

it('a manual rollback from a fresh runner restarts the version kept (stopped) on the target, without a pull', async () => {
  const first = await deploy({ version: '1.0.0' });
  expect(failureMessage(first)).toBe('');
  const kept = env.pointed()!.color === 'blue' ? 'green' : 'blue';
  expect(env.colorState(kept)).toMatchObject({ state: 'exited', version: '2.0.0' });
  const load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2, maxDurationMs: 120_000 });
  const since = Math.floor(Date.now() / 1000);
  const run = await deploy({ version: 'previous' });
  const stats = await load.stop();
  expect(failureMessage(run)).toBe('');
  expect(run.stdout).toContain(`previous → 2.0.0, kept on the target as ${env.project} ${kept}`);
  expect(run.outputs).toMatchObject({ status: 'success', version: '2.0.0', color: kept });
  expect(stats.failed).toBe(0);
  expect(await servedVersion(env.proxyUrl)).toBe('2.0.0');
  const pulls = targetDocker([
    'events',
    '--since',
    String(since),
    '--until',
    String(Math.floor(Date.now() / 1000) + 1),
    '--filter',
    'type=image',
    '--filter',
    'event=pull',
    '--format',
    '{{.Actor.ID}}'
  ])
    .split('\n')
    // only this suite's images: other suites (jest runs three at once) deploy to the same target dockerd
    .filter((ref) => ref.includes(env.repo.slice(env.repo.indexOf('/') + 1)));
  expect(pulls).toEqual([]);
  const last = stagingDeployments().at(-1)!;
  expect((last.payload as { slipway: { kind: string; version: string } }).slipway).toMatchObject({
    kind: 'rollback',
    version: '2.0.0'
  });
  fake.assertNoViolations();
});
