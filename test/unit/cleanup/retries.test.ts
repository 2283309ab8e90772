/** Retries of the Packages API: 429 / secondary rate limits honour Retry-After, 5xx back off, 403 permission does not retry. */
import * as github from '@actions/github';
import { PackagesClient, retryDelay, withRetries } from '../../../actions/lib/packages.js';
import {
  addPackage,
  makeVersions,
  startGitHubFake,
  type GitHubFake
} from '../../support/github-fake/index.js';

let fake: GitHubFake;
const sleeps: number[] = [];
const client = (): PackagesClient =>
  new PackagesClient(
    withRetries(github.getOctokit('t', { baseUrl: fake.url }), {
      sleep: async (ms) => void sleeps.push(ms),
      baseDelayMs: 10
    })
  );

beforeEach(async () => {
  sleeps.length = 0;
  fake = await startGitHubFake({ token: 't', tokenScopes: ['read:packages'] });
  addPackage(fake.state, 'acme', 'api', {
    ownerType: 'Organization',
    versions: makeVersions(fake.state, 250)
  });
});
afterEach(async () => fake.close());

it('pages 100 at a time through the Link header', async () => {
  const c = client();
  const scope = await c.ownerScope('acme');
  expect(scope.kind).toBe('Organization');
  const versions = await c.listVersions(scope, 'api');
  expect(versions).toHaveLength(250);
  const pages = fake.requests.filter((r) => r.path.endsWith('/versions'));
  expect(pages.map((r) => r.query.per_page)).toEqual(['100', '100', '100']);
  expect(c.requests).toBe(4);
  fake.assertNoViolations();
});

it('retries a 429 after Retry-After and a secondary-rate-limit 403, then 5xx with backoff', async () => {
  fake.failNext({ pathPattern: /\/versions$/, status: 429, headers: { 'retry-after': '7' } });
  fake.failNext({
    pathPattern: /\/versions$/,
    status: 403,
    headers: { 'retry-after': '3' },
    body: {
      message: 'You have exceeded a secondary rate limit',
      documentation_url: 'https://docs.github.com'
    }
  });
  fake.failNext({ pathPattern: /\/versions$/, status: 502, count: 2 });
  const c = client();
  const versions = await c.listVersions({ owner: 'acme', kind: 'Organization' }, 'api');
  expect(versions).toHaveLength(250);
  expect(sleeps).toEqual([7000, 3000, 40, 80]);
});

it('does not retry a permission 403 and says nothing was deleted', async () => {
  const c = client();
  const id = fake.state.packages['acme/api']!.versions[5]!.id;
  await expect(c.deleteVersion({ owner: 'acme', kind: 'Organization' }, 'api', id)).rejects.toMatchObject({
    status: 403
  });
  expect(sleeps).toEqual([]);
  expect(fake.state.packages['acme/api']!.versions).toHaveLength(250);
});

it('gives up after the configured retries', async () => {
  fake.failNext({ pathPattern: /\/versions$/, status: 500, count: 10 });
  await expect(client().listVersions({ owner: 'acme', kind: 'Organization' }, 'api')).rejects.toMatchObject({
    status: 500
  });
  expect(sleeps).toHaveLength(5);
});

it('retryDelay: primary rate limit waits for the reset; 404/422 are final', () => {
  const res = (status: number, headers: Record<string, string>, message = '') => ({
    status,
    message,
    response: { headers, data: { message } }
  });
  expect(
    retryDelay(res(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '110' }), 1, {}, 100_000)
  ).toBe(11_000);
  expect(retryDelay(res(403, {}, 'Resource not accessible by integration'), 1)).toBeUndefined();
  expect(retryDelay(res(404, {}), 1)).toBeUndefined();
  expect(retryDelay(res(422, {}), 1)).toBeUndefined();
  expect(retryDelay(res(503, {}), 3, { baseDelayMs: 100 })).toBe(400);
});
