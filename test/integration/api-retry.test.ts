/**
 * Every API-calling action retries GitHub's transient answers by construction (one client in actions/lib/github.ts:
 * @octokit/plugin-retry for 5xx, @octokit/plugin-throttling for the secondary rate limit, our own wrapper for a 429
 * that carries only `retry-after`). Each bundled action meets, on the same request, a 500, then an unmarked 429 with
 * `retry-after: 1`, then a secondary-rate-limit 403 with `retry-after: 1`, and must still finish its work.
 * GitHub documents these answers: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 * ("If you exceed a secondary rate limit, you will receive a 403 or 429 response … retry-after").
 * cleanup's and trivy-gate's cases live next to their fixtures (cleanup.test.ts, trivy-gate.test.ts); the release
 * action talks through semantic-release's own client (@semantic-release/github, also retry + throttling).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { pushTestImage } from '../support/images.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';
import { ReleaseRepo } from './release-repo.js';

const TOKEN = 'ghs_retry';
let fake: GitHubFake;
let dir: string;

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN, tokenScopes: ['contents:write', 'deployments:write'] });
  addRepo(fake.state, 'acme', 'monorepo', { default_branch: 'main' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-api-retry-'));
});
afterAll(async () => fake.close());

const SECONDARY = {
  message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
  documentation_url:
    'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits'
};

/** The three transient answers, queued for the next matching requests in this order. */
function transientFaults(method: string, pathPattern: string | RegExp, which = ['500', '429', '403']): void {
  if (which.includes('500')) fake.failNext({ method, pathPattern, status: 500 });
  if (which.includes('429'))
    fake.failNext({
      method,
      pathPattern,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { message: 'Too Many Requests' }
    });
  if (which.includes('403'))
    fake.failNext({ method, pathPattern, status: 403, headers: { 'retry-after': '1' }, body: SECONDARY });
}

/** The statuses the fake answered to `method pathPattern` since request number `from`. */
function statusesOf(from: number, method: string, match: (path: string) => boolean): number[] {
  return fake.requests
    .slice(from)
    .filter((r) => r.method === method && match(r.path))
    .map((r) => r.status);
}

function expectSucceeded(run: ActionRun): void {
  if (run.exitCode !== 0) throw new Error(`failed: ${failureMessage(run)}\n${run.stdout.slice(-3000)}`);
  fake.assertNoViolations();
}

it('tags: reads the repository through 500, 429 and a secondary limit', async () => {
  transientFaults('GET', '/repos/{owner}/{repo}');
  const before = fake.requests.length;
  const run = await runAction('tags', {
    event: { name: 'schedule', payload: { schedule: '0 3 * * 1' } },
    repository: 'acme/monorepo',
    inputs: { images: 'ghcr.io/acme/monorepo', 'github-token': TOKEN },
    env: { GITHUB_API_URL: fake.url }
  });
  expectSucceeded(run);
  expect(statusesOf(before, 'GET', (p) => p === '/repos/acme/monorepo')).toEqual([500, 429, 403, 200]);
  expect(run.outputs.tags).toMatch(/^ghcr\.io\/acme\/monorepo:nightly/m);
}, 60_000);

it('sbom release-files: finds the release and uploads through the faults', async () => {
  const created = await fetch(`${fake.url}/repos/acme/monorepo/releases`, {
    method: 'POST',
    headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tag_name: 'v7.0.0', name: 'v7.0.0' })
  });
  expect(created.status).toBe(201);
  const sbomDir = mkdtempSync(path.join(dir, 'sbom-'));
  writeFileSync(
    path.join(sbomDir, 'api.cdx.json'),
    JSON.stringify({ bomFormat: 'CycloneDX', components: [] })
  );
  transientFaults('GET', '/repos/{owner}/{repo}/releases/tags/{tag}');
  const before = fake.requests.length;
  const run = await runAction('sbom', {
    inputs: { 'github-token': TOKEN, 'release-files': sbomDir, 'release-tag': 'v7.0.0' },
    repository: 'acme/monorepo',
    env: { GITHUB_API_URL: fake.url }
  });
  expectSucceeded(run);
  expect(statusesOf(before, 'GET', (p) => p === '/repos/acme/monorepo/releases/tags/v7.0.0')).toEqual([
    500, 429, 403, 200
  ]);
  expect(fake.state.releaseAssets.map((a) => a.name)).toContain('api.cdx.json');
}, 60_000);

describe('deploy (command target): records the deployment through the faults', () => {
  let server: http.Server;
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  it('creates the deployment and its statuses despite 500, 429 and a secondary limit', async () => {
    const repo = `127.0.0.1:5000/api-retry-${process.pid}-${Date.now()}/api`;
    pushTestImage(`${repo}:1.0.0`, { version: `1.0.0 ${Date.now()}` });
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ status: 'healthy', version: '1.0.0', checks: { self: { status: 'healthy' } } })
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const workspace = mkdtempSync(path.join(dir, 'ws-'));
    mkdirSync(path.join(workspace, 'deploy'));
    writeFileSync(
      path.join(workspace, 'deploy/qa.json'),
      JSON.stringify({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        replicas: 1,
        resources: { cpu: '0.5', memory: '256Mi' },
        config: { logLevel: 'info', maxConcurrent: 5 },
        healthPath: '/health',
        services: { api: { image: repo, healthPath: '/health' } },
        target: { type: 'command', command: `echo "$SLIPWAY_VERSION" > ${workspace}/deployed` }
      })
    );
    transientFaults('POST', '/repos/{owner}/{repo}/deployments');
    const before = fake.requests.length;
    const run = await runAction('deploy', {
      workspace,
      repository: 'acme/monorepo',
      inputs: {
        environment: 'qa',
        environments: 'qa',
        version: '1.0.0',
        'github-token': TOKEN,
        'health-interval': '100ms',
        'health-timeout': '10s'
      },
      env: { GITHUB_API_URL: fake.url }
    });
    expectSucceeded(run);
    expect(run.outputs.status).toBe('success');
    expect(statusesOf(before, 'POST', (p) => p === '/repos/acme/monorepo/deployments')).toEqual([
      500, 429, 403, 201
    ]);
    expect(readFileSync(path.join(workspace, 'deployed'), 'utf8').trim()).toBe('1.0.0');
    // exactly one deployment for qa: the failed attempts created nothing
    expect(fake.state.deployments.filter((d) => d.environment === 'qa')).toHaveLength(1);
  }, 120_000);
});

it('release: semantic-release publishes the GitHub release through a 500 and a secondary limit', async () => {
  const repo = ReleaseRepo.create('acme', 'monorepo');
  // @semantic-release/github's client retries 5xx (plugin-retry) and rate limits marked as such (plugin-throttling);
  // an unmarked 429 is not retried by it — that path is ours only (covered above)
  transientFaults('POST', '/repos/{owner}/{repo}/releases', ['500', '403']);
  const before = fake.requests.length;
  const run = await runAction('release', {
    workspace: repo.dir,
    event: repo.pushEvent(),
    sha: repo.repo.head(),
    repository: 'acme/monorepo',
    inputs: { 'github-token': TOKEN },
    env: { GITHUB_API_URL: fake.url }
  });
  expectSucceeded(run);
  expect(run.outputs.published).toBe('true');
  expect(statusesOf(before, 'POST', (p) => p === '/repos/acme/monorepo/releases')).toEqual([500, 403, 201]);
}, 120_000);
