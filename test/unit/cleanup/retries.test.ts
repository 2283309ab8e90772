/**
 * The one GitHub client (lib/github.ts: plugin-retry + plugin-throttling + the unmarked-429 gap) against the
 * OpenAPI-validated fake: 429 with Retry-After, secondary-limit 403, 5xx, a spent primary limit, a permission 403;
 * and the Packages client's paging and its proof of a DELETE answered 404.
 */
import { createClient, unmarkedRateLimitWait, type GitHubClient } from '../../../actions/lib/github.js';
import {
  DeleteRefusedError,
  isPermissionError,
  isRateLimitError,
  PackagesClient
} from '../../../actions/lib/packages.js';
import {
  addPackage,
  makeVersions,
  startGitHubFake,
  type GitHubFake
} from '../../support/github-fake/index.js';

let fake: GitHubFake;
let lines: string[];
const ORG = { owner: 'acme', kind: 'Organization' as const };
// retry-after and backoff seconds last 5 ms here, so the waits are exercised without slowing the test down
const github = (retryAfterBaseMs = 5): GitHubClient => {
  const previous = process.env.GITHUB_API_URL;
  process.env.GITHUB_API_URL = fake.url;
  try {
    return createClient('t', { retryAfterBaseMs, writeIntervalMs: 0, log: (l) => lines.push(l) });
  } finally {
    if (previous === undefined) delete process.env.GITHUB_API_URL;
    else process.env.GITHUB_API_URL = previous;
  }
};

beforeEach(async () => {
  lines = [];
  fake = await startGitHubFake({ token: 't', tokenScopes: ['read:packages'] });
  addPackage(fake.state, 'acme', 'api', {
    ownerType: 'Organization',
    versions: makeVersions(fake.state, 250)
  });
});
afterEach(async () => fake.close());

it('pages 100 at a time through octokit.paginate and counts the pages', async () => {
  const c = new PackagesClient(github().octokit);
  const scope = await c.ownerScope('acme');
  expect(scope.kind).toBe('Organization');
  const versions = await c.listVersions(scope, 'api');
  expect(versions).toHaveLength(250);
  const pages = fake.requests.filter((r) => r.path.endsWith('/versions'));
  expect(pages.map((r) => r.query.per_page)).toEqual(['100', '100', '100']);
  expect(c.requests).toBe(4);
  fake.assertNoViolations();
});

it('retries an unmarked 429 after Retry-After, a secondary-limit 403, and 5xx; tracks x-ratelimit-*', async () => {
  fake.failNext({ pathPattern: /\/versions$/, status: 429, headers: { 'retry-after': '7' } });
  fake.failNext({
    pathPattern: /\/versions$/,
    status: 403,
    headers: { 'retry-after': '3' },
    body: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com'
    }
  });
  fake.failNext({ pathPattern: /\/versions$/, status: 502, count: 2 });
  const g = github();
  const versions = await new PackagesClient(g.octokit).listVersions(ORG, 'api');
  expect(versions).toHaveLength(250);
  expect(lines.join('\n')).toMatch(/429 with retry-after .* retry 1 in 7s/);
  expect(lines.join('\n')).toMatch(/secondary rate limit .* retry 1 in 3s/);
  // 3 pages + 4 failed attempts
  expect(g.requests()).toBe(7);
  expect(g.rateLimit).toMatchObject({ limit: 5000, resource: 'core' });
  expect(g.rateLimit.remaining).toBeLessThan(5000);
  fake.assertNoViolations();
});

it('gives up on 5xx after three retries', async () => {
  fake.failNext({ pathPattern: /\/versions$/, status: 500, count: 10 });
  const g = github();
  await expect(new PackagesClient(g.octokit).listVersions(ORG, 'api')).rejects.toMatchObject({ status: 500 });
  expect(g.requests()).toBe(4);
});

it('does not retry a permission 403', async () => {
  const g = github();
  const id = fake.state.packages['acme/api']!.versions[5]!.id;
  const error = await new PackagesClient(g.octokit).deleteVersion(ORG, 'api', id).catch((e: unknown) => e);
  expect(error).toMatchObject({ status: 403 });
  expect(isPermissionError(error)).toBe(true);
  expect(g.requests()).toBe(1);
  expect(fake.state.packages['acme/api']!.versions).toHaveLength(250);
});

it('a spent primary limit whose reset is an hour away is not waited for; the fake answers as GitHub does', async () => {
  fake.setRateLimit({ limit: 2 });
  const g = github();
  const error = await new PackagesClient(g.octokit).listVersions(ORG, 'api').catch((e: unknown) => e);
  expect(error).toMatchObject({ status: 403 });
  expect(isRateLimitError(error)).toBe(true);
  expect(isPermissionError(error)).toBe(false);
  const last = fake.requests.at(-1)!;
  expect(last.status).toBe(403);
  expect(g.rateLimit).toMatchObject({ limit: 2, remaining: 0 });
  expect(lines.join('\n')).toMatch(/primary rate limit reached .* not waiting/);
  expect(fake.rateLimited.primary).toBe(1);
  fake.assertNoViolations();
});

it('the fake enforces the secondary points-per-minute limit with retry-after; the client waits and goes on', async () => {
  // GitHub allows 900 points a minute; here 1 point in a "minute" of 3 s (timeScale 20): the second GET lands inside
  // the first one's window (a busy machine does not take 3 s between two requests of one call), so it is answered
  // 403 with retry-after. The client's second lasts 50 ms (1000 / timeScale), so it waits out the rest of the
  // window in the fake's own time, as it would on GitHub, and goes on.
  fake.setRateLimit({ limit: 1000, pointsPerMinute: 1, timeScale: 20 });
  const g = github(1000 / 20);
  const c = new PackagesClient(g.octokit);
  await c.listVersions(ORG, 'api');
  await c.listVersions(ORG, 'api');
  expect(fake.rateLimited.secondary).toBeGreaterThan(0);
  const limited = fake.requests.filter((r) => r.status === 403);
  expect(limited.length).toBe(fake.rateLimited.secondary);
  expect(lines.join('\n')).toMatch(/secondary rate limit/);
  fake.assertNoViolations();
});

it('a DELETE answered 404 counts as deleted only when a follow-up read shows the version gone', async () => {
  await fake.close();
  fake = await startGitHubFake({ token: 't' });
  addPackage(fake.state, 'acme', 'api', { ownerType: 'Organization', versions: makeVersions(fake.state, 3) });
  const [a, b] = fake.state.packages['acme/api']!.versions;
  const c = new PackagesClient(github().octokit);
  // the token may list but not delete: GitHub answers 404 and the version stays
  fake.failNext({ method: 'DELETE', status: 404, body: { message: 'Not Found', documentation_url: 'x' } });
  await expect(c.deleteVersion(ORG, 'api', a!.id)).rejects.toThrow(DeleteRefusedError);
  await expect(c.deleteVersion(ORG, 'api', a!.id)).resolves.toBe('deleted');
  // already gone (a retried DELETE that had succeeded): 404, and the read confirms it
  await expect(c.deleteVersion(ORG, 'api', a!.id)).resolves.toBe('gone');
  expect(fake.state.packages['acme/api']!.versions.map((v) => v.id)).toEqual([b!.id, expect.any(Number)]);
  fake.assertNoViolations();
});

it('unmarkedRateLimitWait: retry-after wins; a bare 429 waits a minute; a bare 403 and marked answers are not its business', () => {
  const e = (status: number, headers: Record<string, string>, message = '') => ({
    status,
    message,
    response: { headers }
  });
  expect(unmarkedRateLimitWait(e(429, { 'retry-after': '4' }))).toBe(4000);
  expect(unmarkedRateLimitWait(e(429, {}))).toBe(60_000);
  expect(unmarkedRateLimitWait(e(403, {}))).toBeUndefined();
  expect(unmarkedRateLimitWait(e(403, { 'retry-after': '2' }))).toBe(2000);
  expect(
    unmarkedRateLimitWait(e(403, { 'retry-after': '2' }, 'You have exceeded a secondary rate limit'))
  ).toBeUndefined();
  expect(unmarkedRateLimitWait(e(429, { 'x-ratelimit-remaining': '0' }))).toBeUndefined();
});
