/**
 * The bundled release action (semantic-release inside) against a real git repository with a bare remote and the
 * GitHub REST fake: versions from Conventional Commits, tags pushed, notes, the GitHub release objects; per-service
 * versions attributed by the services manifest's path globs; bad input.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';
import { ReleaseRepo } from './release-repo.js';

const TOKEN = 'ghs_release_token';
let fake: GitHubFake;

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN, tokenScopes: ['contents:write'] });
  addRepo(fake.state, 'acme', 'monorepo');
  addRepo(fake.state, 'acme', 'services');
});
afterAll(async () => fake.close());

function release(repo: ReleaseRepo, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('release', {
    workspace: repo.dir,
    event: repo.pushEvent(),
    sha: repo.repo.head(),
    repository: `${repo.owner}/${repo.name}`,
    inputs: { 'github-token': TOKEN, ...inputs },
    env: { GITHUB_API_URL: fake.url }
  });
}

function releasesOf(repo: string) {
  return fake.state.releases.filter((r) => r.repo === repo);
}

function expectOk(run: ActionRun): void {
  if (run.exitCode !== 0)
    throw new Error(`release failed: ${failureMessage(run)}\n${run.stdout.slice(-3000)}`);
  fake.assertNoViolations();
}

describe('mode repo: one version for the repository', () => {
  const repo = ReleaseRepo.create('acme', 'monorepo');

  it('the first feat releases 1.0.0: tag pushed, GitHub release with the notes', async () => {
    // a semantic-release config of the repository's own is not the action's configuration (and a JS one could
    // not be loaded from the bundle): the action's inputs win, whatever the file says
    repo.repo.write(
      'release.config.js',
      "module.exports = { branches: ['nope'], tagFormat: 'x${version}' };\n"
    );
    repo.commit('chore: a config file semantic-release must not read', ['release.config.js']);
    const run = await release(repo);
    expectOk(run);
    expect(run.outputs).toMatchObject({ published: 'true', version: '1.0.0', tag: 'v1.0.0', releases: '[]' });
    expect(run.outputs.notes).toMatch(/^## 1\.0\.0 \(\d{4}-\d\d-\d\d\)/);
    expect(run.outputs.notes).toContain('### Features');
    expect(run.outputs.notes).toContain('* initial import ([');
    expect(repo.remoteTags()).toEqual(['v1.0.0']);
    expect(repo.remoteTagTarget('v1.0.0')).toBe(repo.repo.head());
    const [gh] = releasesOf('acme/monorepo');
    expect(gh).toMatchObject({
      tag_name: 'v1.0.0',
      name: 'v1.0.0',
      target_commitish: 'main',
      draft: false,
      prerelease: false
    });
    expect(gh!.body).toBe(run.outputs.notes);
    expect(run.summary).toContain('1.0.0');
  });

  it('fix → patch, with a compare link from the last tag', async () => {
    const sha = repo.commit('fix(api): answer 404 for unknown routes', ['services/api/src/routes.txt']);
    const run = await release(repo);
    expectOk(run);
    expect(run.outputs).toMatchObject({ published: 'true', version: '1.0.1', tag: 'v1.0.1' });
    expect(run.outputs.notes).toContain(
      '## [1.0.1](https://github.com/acme/monorepo/compare/v1.0.0...v1.0.1)'
    );
    expect(run.outputs.notes).toContain('### Bug Fixes');
    expect(run.outputs.notes).toContain(`* **api:** answer 404 for unknown routes ([${sha.slice(0, 7)}]`);
    expect(repo.remoteTagTarget('v1.0.1')).toBe(sha);
  });

  it('feat → minor, and the notes are prepended to changelog-file', async () => {
    repo.commit('feat: health endpoint on every service', ['services/api/src/health.txt']);
    const run = await release(repo, { 'changelog-file': 'CHANGELOG.md' });
    expectOk(run);
    expect(run.outputs).toMatchObject({ published: 'true', version: '1.1.0', tag: 'v1.1.0' });
    const changelog = readFileSync(path.join(repo.dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('## [1.1.0](https://github.com/acme/monorepo/compare/v1.0.1...v1.1.0)');
    expect(changelog).toContain('health endpoint on every service');
  });

  it('a BREAKING CHANGE footer → major, with the breaking note in the notes', async () => {
    repo.commit('feat(api): versioned routes\n\nBREAKING CHANGE: /v1 routes are gone, use /v2', [
      'services/api/src/v2.txt'
    ]);
    const run = await release(repo);
    expectOk(run);
    expect(run.outputs).toMatchObject({ published: 'true', version: '2.0.0', tag: 'v2.0.0' });
    expect(run.outputs.notes).toContain('### ⚠ BREAKING CHANGES');
    expect(run.outputs.notes).toContain('* **api:** /v1 routes are gone, use /v2');
    expect(releasesOf('acme/monorepo').map((r) => r.tag_name)).toEqual([
      'v1.0.0',
      'v1.0.1',
      'v1.1.0',
      'v2.0.0'
    ]);
  });

  it('only non-conventional commits: no release, and a warning that says why', async () => {
    repo.commit('Update api handler', ['services/api/src/handler.txt']);
    const run = await release(repo);
    expectOk(run);
    expect(run.outputs).toMatchObject({ published: 'false', version: '', tag: '', notes: '' });
    const warning = run.annotations.find((a) => a.level === 'warning')?.message ?? '';
    expect(warning).toContain(
      "No release for the repository: none of the 1 commit(s) since v2.0.0 follow Conventional Commits (e.g. 'Update api handler')"
    );
    expect(repo.remoteTags()).toEqual(['v1.0.0', 'v1.0.1', 'v1.1.0', 'v2.0.0']);
  });

  it('docs/chore commits: no release and no warning (they are conventional, just not releasing)', async () => {
    repo.commit('docs: explain the health endpoint', ['docs/health.md']);
    repo.commit('chore: tidy', ['tools/x.txt']);
    const run = await release(repo);
    expectOk(run);
    expect(run.outputs.published).toBe('false');
    expect(run.annotations.filter((a) => a.level === 'warning')).toEqual([]);
    expect(releasesOf('acme/monorepo')).toHaveLength(4);
  });

  it('dry-run computes the version and notes but tags and publishes nothing', async () => {
    const before = fake.requests.filter((r) => r.method === 'POST').length;
    repo.commit('fix: retry on 503', ['services/api/src/retry.txt']);
    const run = await release(repo, { 'dry-run': 'true' });
    expectOk(run);
    expect(run.outputs).toMatchObject({ published: 'false', version: '2.0.1', tag: 'v2.0.1' });
    expect(run.outputs.notes).toContain('retry on 503');
    expect(repo.remoteTags()).not.toContain('v2.0.1');
    expect(repo.repo.git('tag', '--list', 'v2.0.1')).toBe('');
    expect(fake.requests.filter((r) => r.method === 'POST').length).toBe(before);
    expect(run.summary).toContain('Dry run');
  });
});

describe('mode per-service: one version per service, commits attributed by the manifest globs', () => {
  const repo = ReleaseRepo.create('acme', 'services');
  // three of the example's six services keep the run short: GitHub's client paces release creation (octokit's
  // throttling spaces content-creating requests ~3 s apart), so every extra release costs seconds
  repo.repo.write(
    '.slipway/services.yml',
    [
      'version: 1',
      'shared-paths: [.slipway/services.yml]',
      'services:',
      '  - { name: api, dockerfile: services/api/Dockerfile, paths: [services/api/**, libs/shared/**] }',
      '  - { name: dashboard, dockerfile: services/dashboard/Dockerfile, paths: [services/dashboard/**] }',
      '  - { name: runner, dockerfile: services/runner/Dockerfile, paths: [services/runner/**, libs/shared/**] }',
      ''
    ].join('\n')
  );
  repo.commit('chore: three services', ['.slipway/services.yml']);
  const ALL = ['api', 'dashboard', 'runner'];
  const releasesJson = (run: ActionRun) =>
    JSON.parse(run.outputs.releases ?? 'null') as {
      service: string;
      version: string;
      tag: string;
      published: boolean;
    }[];

  it('the first run releases every service touched so far: 1.0.0 each, own tag and release', async () => {
    const run = await release(repo, { mode: 'per-service' });
    expectOk(run);
    expect(run.outputs).toMatchObject({ published: 'true', version: '', tag: '' });
    expect(releasesJson(run)).toEqual(
      ALL.map((service) => ({ service, version: '1.0.0', tag: `${service}-v1.0.0`, published: true }))
    );
    expect(repo.remoteTags()).toEqual(ALL.map((s) => `${s}-v1.0.0`).sort());
    expect(releasesOf('acme/services').map((r) => r.name)).toEqual(ALL.map((s) => `${s}-v1.0.0`));
    expect(run.outputs.notes).toContain('# api-v1.0.0\n\n## 1.0.0');
  });

  it('a commit under services/api bumps only api', async () => {
    repo.commit('feat(api): stream logs', ['services/api/src/logs.txt']);
    const run = await release(repo, { mode: 'per-service' });
    expectOk(run);
    expect(releasesJson(run)).toEqual(
      ALL.map((service) =>
        service === 'api'
          ? { service, version: '1.1.0', tag: 'api-v1.1.0', published: true }
          : { service, version: '', tag: '', published: false }
      )
    );
    expect(repo.remoteTags()).toContain('api-v1.1.0');
    expect(repo.remoteTags()).toHaveLength(4);
    const gh = releasesOf('acme/services').find((r) => r.tag_name === 'api-v1.1.0');
    expect(gh?.body).toContain(
      '## [1.1.0](https://github.com/acme/services/compare/api-v1.0.0...api-v1.1.0)'
    );
    expect(gh?.body).toContain('**api:** stream logs');
    expect(run.outputs.notes).toMatch(/^# api-v1\.1\.0\n/);
    expect(run.stdout).toContain("1 of 1 commit(s) touch service 'api'");
    expect(run.stdout).toContain("0 of 1 commit(s) touch service 'dashboard'");
    expect(run.stdout).toContain("0 of 1 commit(s) touch service 'runner'");
  });

  it('a commit under libs/shared bumps exactly the services whose globs include it (api, runner)', async () => {
    repo.commit('fix: shared retry budget', ['libs/shared/retry.txt']);
    const run = await release(repo, { mode: 'per-service' });
    expectOk(run);
    const byService = Object.fromEntries(releasesJson(run).map((r) => [r.service, r.version]));
    expect(byService).toEqual({ api: '1.1.1', dashboard: '', runner: '1.0.1' });
  });

  it('a change under shared-paths counts for every service', async () => {
    repo.commit('fix: pin the base image in the manifest', ['.slipway/services.yml']);
    const run = await release(repo, { mode: 'per-service' });
    expectOk(run);
    expect(releasesJson(run).map((r) => `${r.tag}:${r.published}`)).toEqual([
      'api-v1.1.2:true',
      'dashboard-v1.0.1:true',
      'runner-v1.0.2:true'
    ]);
    expect(releasesOf('acme/services')).toHaveLength(3 + 1 + 2 + 3);
  });
});

describe('bad input fails with a message naming the input and the fix', () => {
  const repo = ReleaseRepo.create('acme', 'monorepo');

  it('an unknown mode', async () => {
    const run = await release(repo, { mode: 'monorepo' });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toBe("Input 'mode' must be one of repo, per-service, got 'monorepo'");
    expect(repo.remoteTags()).toEqual([]);
  });

  it('a missing token', async () => {
    const run = await release(repo, { 'github-token': '' });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toContain("Input 'github-token' is empty");
    expect(failureMessage(run)).toContain('contents: write');
  });

  it('a per-service tag format without ${service}', async () => {
    const run = await release(repo, { mode: 'per-service', 'tag-format': 'v${version}' });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toContain("Input 'tag-format' must contain ${service} with mode per-service");
  });

  it('a token the API rejects: semantic-release’s own diagnosis, nothing tagged', async () => {
    const run = await release(repo, { 'github-token': 'ghs_wrong' });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toContain('semantic-release could not release the repository');
    expect(failureMessage(run)).toContain('EINVALIDGHTOKEN');
    expect(repo.remoteTags()).toEqual([]);
    expect(existsSync(path.join(repo.dir, 'CHANGELOG.md'))).toBe(false);
  });
});
