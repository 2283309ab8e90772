/**
 * The tags action reads repository metadata from the GitHub API when the event payload carries none, through
 * GITHUB_API_URL — here the local fake, which validates every request and response against GitHub's OpenAPI.
 */
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { runAction, failureMessage } from '../support/run-action.js';

let fake: GitHubFake;

beforeAll(async () => {
  fake = await startGitHubFake({ token: 'ghs_test' });
  addRepo(fake.state, 'Acme', 'monorepo', {
    default_branch: 'trunk',
    description: 'Acme services',
    license: { key: 'apache-2.0', name: 'Apache License 2.0', spdx_id: 'Apache-2.0' }
  });
});
afterAll(async () => fake.close());

const schedule = { name: 'schedule', payload: { schedule: '0 3 * * 1' } };

it('a schedule run with no repository in its payload asks the API for it', async () => {
  const run = await runAction('tags', {
    event: schedule,
    ref: 'refs/heads/trunk',
    sha: 'a'.repeat(40),
    repository: 'Acme/monorepo',
    inputs: {
      images: 'ghcr.io/Acme/api',
      tags: 'type=schedule,pattern=nightly\ntype=ref,event=branch',
      'github-token': 'ghs_test'
    },
    env: { GITHUB_API_URL: fake.url }
  });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.tags).toBe('ghcr.io/acme/api:nightly\nghcr.io/acme/api:trunk');
  const labels = run.outputs.labels!.split('\n');
  expect(labels).toContain('org.opencontainers.image.licenses=Apache-2.0');
  expect(labels).toContain('org.opencontainers.image.description=Acme services');
  expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /repos/Acme/monorepo');
  fake.assertNoViolations();
});

it('a bad token is a clear failure, not a guess', async () => {
  const run = await runAction('tags', {
    event: schedule,
    repository: 'Acme/monorepo',
    inputs: { images: 'ghcr.io/acme/api', 'github-token': 'wrong' },
    env: { GITHUB_API_URL: fake.url }
  });
  expect(run.exitCode).not.toBe(0);
  expect(failureMessage(run)).toMatch(/Bad credentials/);
  expect(run.outputs).toEqual({});
});
