/**
 * Slipway's own release.config.js, run by the real semantic-release CLI (as `npx semantic-release` runs it in
 * Slipway's release workflow) against a bare remote and the GitHub REST fake: versions, the GitHub release, and
 * the v<major> tag that `@v1` users follow.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { REPO_ROOT } from '../support/run-action.js';
import { ReleaseRepo } from './release-repo.js';

const TOKEN = 'ghs_slipway_release';
let fake: GitHubFake;
const repo = ReleaseRepo.create('slipway', 'slipway');

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN, tokenScopes: ['contents:write'] });
  addRepo(fake.state, 'slipway', 'slipway');
});
afterAll(async () => fake.close());

/** Async: the GitHub fake answers from this process, so a spawnSync would deadlock it. */
async function semanticRelease(): Promise<{ status: number; out: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_') && !k.startsWith('RUNNER_'))
  ) as Record<string, string>;
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules/semantic-release/bin/semantic-release.js'),
      '--extends',
      path.join(REPO_ROOT, 'release.config.js')
    ],
    {
      cwd: repo.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...env,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION: 'release',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: repo.repo.head(),
        GITHUB_REPOSITORY: 'slipway/slipway',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_API_URL: fake.url,
        GITHUB_TOKEN: TOKEN
      }
    }
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  clearTimeout(timer);
  return { status, out };
}

function expectReleased(run: { status: number; out: string }): void {
  if (run.status !== 0) throw new Error(`semantic-release failed:\n${run.out.slice(-4000)}`);
  fake.assertNoViolations();
}

it('the first release is v1.0.0 and creates v1 on the same commit', async () => {
  const run = await semanticRelease();
  expectReleased(run);
  expect(repo.remoteTags()).toEqual(['v1', 'v1.0.0']);
  expect(repo.remoteTagTarget('v1')).toBe(repo.remoteTagTarget('v1.0.0'));
  const [gh] = fake.state.releases;
  expect(gh).toMatchObject({ tag_name: 'v1.0.0', name: 'v1.0.0', draft: false });
  expect(gh!.body).toContain('### Features');
  expect(run.out).toContain('Moved v1 to v1.0.0');
});

it('a feat releases v1.1.0 and moves v1 to it', async () => {
  const sha = repo.commit('feat(build): size budget per service', ['services/api/src/budget.txt']);
  expectReleased(await semanticRelease());
  expect(repo.remoteTags()).toEqual(['v1', 'v1.0.0', 'v1.1.0']);
  expect(repo.remoteTagTarget('v1')).toBe(sha);
  const gh = fake.state.releases.find((r) => r.tag_name === 'v1.1.0');
  expect(gh?.body).toContain('## [1.1.0](https://github.com/slipway/slipway/compare/v1.0.0...v1.1.0)');
  expect(gh?.body).toContain('**build:** size budget per service');
});

it('a breaking change releases v2.0.0 and creates v2; v1 stays on the last 1.x', async () => {
  const v1 = repo.remoteTagTarget('v1');
  const sha = repo.commit('feat!: node24 only', ['services/api/src/runtime.txt']);
  expectReleased(await semanticRelease());
  expect(repo.remoteTags()).toEqual(['v1', 'v1.0.0', 'v1.1.0', 'v2', 'v2.0.0']);
  expect(repo.remoteTagTarget('v2')).toBe(sha);
  expect(repo.remoteTagTarget('v1')).toBe(v1);
  const gh = fake.state.releases.find((r) => r.tag_name === 'v2.0.0');
  expect(gh?.body).toContain('### ⚠ BREAKING CHANGES');
});

it('no releasable commit: nothing released, no tag moved', async () => {
  const before = repo.remoteTags();
  repo.commit('docs: readme', ['README.md']);
  const run = await semanticRelease();
  expectReleased(run);
  expect(repo.remoteTags()).toEqual(before);
  expect(run.out).toContain('There are no relevant changes, so no new version is released');
});
