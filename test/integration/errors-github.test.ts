/**
 * GitHub API failures through the bundled tags action (dist/tags/index.js) against the local API fake: a bad
 * token (401), a token without the permission (403), GitHub failing (500 on every retry). Each fails the step with
 * one `::error::` we wrote: 401/403 name `github-token` (and the permission `contents: read`), every one says to
 * re-run, and no stack trace is printed.
 */
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { runAction, failureMessage } from '../support/run-action.js';

let fake: GitHubFake;
beforeAll(async () => {
  fake = await startGitHubFake({ token: 'ghs_test' });
  addRepo(fake.state, 'acme', 'errors', { default_branch: 'main' });
});
afterAll(async () => fake.close());

// a schedule payload carries no repository: the tags action must ask GET /repos/{owner}/{repo}
const run = (token: string) =>
  runAction('tags', {
    event: { name: 'schedule', payload: { schedule: '0 3 * * 1' } },
    repository: 'acme/errors',
    inputs: { images: 'ghcr.io/acme/errors', 'github-token': token },
    env: { GITHUB_API_URL: fake.url }
  });

const expectOurMessage = (r: Awaited<ReturnType<typeof run>>): string => {
  expect(r.exitCode).not.toBe(0);
  const errors = r.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  const text = failureMessage(r);
  expect(text).toContain('/repos/acme/errors');
  expect(text).toContain('re-run the job');
  expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
  expect(r.outputs).toEqual({});
  return text;
};

it('401: names github-token and how to pass it', async () => {
  const text = expectOurMessage(await run('wrong'));
  expect(text).toContain('HTTP 401');
  expect(text).toContain("input 'github-token'");
  expect(text).toContain('secrets.GITHUB_TOKEN');
});

it('403: names the contents: read permission', async () => {
  fake.failNext({
    method: 'GET',
    pathPattern: '/repos/{owner}/{repo}',
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest'
    }
  });
  const text = expectOurMessage(await run('ghs_test'));
  expect(text).toContain('HTTP 403');
  expect(text).toContain("input 'github-token'");
  expect(text).toContain('"Resource not accessible by integration"');
  expect(text).toContain('permissions: contents: read');
});

it('500 on every retry: says GitHub failed and to re-run', async () => {
  // the first try and plugin-retry's 3 retries (its real 1 s, 4 s, 9 s waits)
  fake.failNext({ method: 'GET', pathPattern: '/repos/{owner}/{repo}', status: 500, count: 4 });
  const before = fake.requests.length;
  const text = expectOurMessage(await run('ghs_test'));
  expect(text).toContain('HTTP 500');
  expect(text).toContain('githubstatus.com');
  expect(fake.requests.length - before).toBe(4);
});
