/**
 * Executing a plan against the OpenAPI-validated fake: every entry ends deleted, failed or not attempted; the request
 * and time budgets stop a run early (oldest garbage first, phase by phase); a DELETE answered 404 is proved.
 */
import { budgetStop, deletionProgress, executePlans } from '../../../actions/cleanup/execute.js';
import type { PackagePlan, PlannedVersion } from '../../../actions/cleanup/plan.js';
import { makeReport } from '../../../actions/cleanup/report.js';
import { createClient, type GitHubClient } from '../../../actions/lib/github.js';
import { PackagesClient } from '../../../actions/lib/packages.js';
import {
  addPackage,
  makeVersions,
  startGitHubFake,
  type GitHubFake
} from '../../support/github-fake/index.js';

let fake: GitHubFake;
const ORG = { owner: 'acme', kind: 'Organization' as const };

function client(): GitHubClient {
  process.env.GITHUB_API_URL = fake.url;
  return createClient('t', { retryAfterBaseMs: 5, writeConcurrency: 3, writeIntervalMs: 0 });
}

/** A plan deleting every version of the fake package: tagged ones (phase 1) and untagged ones (phase 2). */
function planAll(): PackagePlan {
  const versions = fake.state.packages['acme/api']!.versions;
  const planned: PlannedVersion[] = versions.map((v) => ({
    id: v.id,
    digest: v.name,
    tags: v.tags,
    createdAt: v.created_at,
    updatedAt: v.updated_at,
    kind: v.tags.length ? 'tagged' : 'untagged',
    reason: 'test'
  }));
  return { package: 'api', image: 'ghcr.io/acme/api', keep: [], delete: planned, fetched: 0, warnings: [] };
}

beforeEach(async () => {
  fake = await startGitHubFake({ token: 't' });
  // 40 versions, every 10th tagged, one a minute apart (the newest is tagged latest)
  addPackage(fake.state, 'acme', 'api', {
    ownerType: 'Organization',
    versions: makeVersions(fake.state, 40)
  });
});
afterEach(async () => fake.close());

it('deletes everything, tagged before untagged, at most 3 at a time', async () => {
  const plan = planAll();
  const g = client();
  const order: number[] = [];
  const result = await executePlans(new PackagesClient(g.octokit), ORG, [plan], {
    concurrency: 3,
    onDeleted: (v) => order.push(v.id)
  });
  expect(result).toMatchObject({ failed: [], notAttempted: [] });
  expect(result.deleted).toHaveLength(40);
  expect(result.stopped).toBeUndefined();
  const tagged = new Set(plan.delete.filter((v) => v.kind === 'tagged').map((v) => v.id));
  expect(order.slice(0, tagged.size).every((id) => tagged.has(id))).toBe(true);
  expect(fake.state.packages['acme/api']!.versions).toHaveLength(0);
  fake.assertNoViolations();
});

it('stops at the request budget with a reserve left, oldest first, and the next run converges', async () => {
  fake.setRateLimit({ limit: 40 });
  const g = client();
  const packages = new PackagesClient(g.octokit);
  await packages.ownerScope('acme'); // the first answer tells the client its limit
  const plan = planAll();
  const result = await executePlans(packages, ORG, [plan], {
    budget: { rateLimit: g.rateLimit, requests: g.requests }
  });
  // 40 requests an hour, 20 kept in reserve (at least 20), a delete may cost 2: 1 + 18 requests
  expect(result.stopped?.reason).toBe('request budget');
  expect(result.failed).toEqual([]);
  expect(result.deleted.length).toBeGreaterThan(10);
  expect(result.deleted.length + result.notAttempted.length).toBe(40);
  expect(fake.rateLimited.primary).toBe(0); // stopped before GitHub had to say no
  // the tagged versions went first, then the oldest untagged
  const untaggedDeleted = result.deleted.filter((v) => v.tags.length === 0).map((v) => v.id);
  const untaggedOldestFirst = plan.delete
    .filter((v) => v.kind === 'untagged')
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
    .map((v) => v.id);
  expect(untaggedDeleted).toEqual(untaggedOldestFirst.slice(0, untaggedDeleted.length));
  const report = makeReport({ owner: 'acme', registry: 'ghcr.io', dryRun: false }, [], [plan], result);
  const statuses = report.packages[0]!.delete.map((v) => v.status);
  expect(statuses.filter((s) => s === 'deleted')).toHaveLength(result.deleted.length);
  expect(statuses.filter((s) => s === 'not attempted')).toHaveLength(result.notAttempted.length);

  // each next hour, the next run deletes more of what is left, until nothing is
  let runs = 1;
  while (fake.state.packages['acme/api']!.versions.length > 0 && runs < 10) {
    fake.nextRateLimitWindow();
    await packages.ownerScope('acme');
    const next = await executePlans(packages, ORG, [planAll()], {
      budget: { rateLimit: g.rateLimit, requests: g.requests }
    });
    expect(next.failed).toEqual([]);
    runs++;
  }
  expect(fake.state.packages['acme/api']!.versions).toHaveLength(0);
  expect(runs).toBeGreaterThanOrEqual(3);
  expect(fake.rateLimited.primary).toBe(0);
  fake.assertNoViolations();
});

it('stops at the time budget: nothing starts after the deadline', async () => {
  let now = 0;
  const g = client();
  const result = await executePlans(new PackagesClient(g.octokit), ORG, [planAll()], {
    concurrency: 1,
    budget: { deadline: 5, now: () => now++ }
  });
  expect(result.stopped?.reason).toBe('time budget');
  expect(result.deleted).toHaveLength(5);
  expect(result.notAttempted).toHaveLength(35);
});

it('a 403 on the first DELETE (sent alone) marks it failed and the rest not attempted; nothing else is sent', async () => {
  await fake.close();
  fake = await startGitHubFake({ token: 't', tokenScopes: ['read:packages'] });
  addPackage(fake.state, 'acme', 'api', {
    ownerType: 'Organization',
    versions: makeVersions(fake.state, 10)
  });
  const g = client();
  const result = await executePlans(new PackagesClient(g.octokit), ORG, [planAll()], { concurrency: 3 });
  expect(result.deleted).toEqual([]);
  expect(result.failed).toHaveLength(1);
  expect(result.failed[0]!.error).toMatch(
    /may not delete versions of package 'api' \(HTTP 403.*packages: write/
  );
  expect(result.notAttempted).toHaveLength(9);
  expect(result.stopped?.reason).toBe('failure');
  expect(fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
});

it('a DELETE answered 404 while the version stays is a failure naming the permission', async () => {
  fake.failNext({
    method: 'DELETE',
    status: 404,
    count: 100,
    body: { message: 'Not Found', documentation_url: 'x' }
  });
  const g = client();
  const result = await executePlans(new PackagesClient(g.octokit), ORG, [planAll()], { concurrency: 3 });
  expect(result.deleted).toEqual([]);
  expect(result.failed[0]!.error).toMatch(/answered 404 .* still there.*packages: write/);
  expect(fake.state.packages['acme/api']!.versions).toHaveLength(40);
});

it('budgetStop keeps a reserve of 10% of the limit (at least 20) and discounts requests in flight', () => {
  // 103 left, 100 reserved, a delete may cost 2
  const rl = { limit: 1000, remaining: 103, seenAtRequest: 10 };
  expect(budgetStop({ rateLimit: rl, requests: () => 10 }, 0)).toBeUndefined();
  expect(budgetStop({ rateLimit: rl, requests: () => 12 }, 0)?.reason).toBe('request budget');
  expect(budgetStop({ rateLimit: rl, requests: () => 10 }, 1)?.reason).toBe('request budget');
  expect(budgetStop({ rateLimit: { limit: 100, remaining: 30 } }, 0)).toBeUndefined();
  expect(budgetStop({ deadline: 10, now: () => 10 }, 0)?.reason).toBe('time budget');
});

describe('deletionProgress', () => {
  it('numbers each deletion n/N inside one group opened at the first and closed by end', () => {
    const log: string[] = [];
    const progress = deletionProgress({
      info: (l) => log.push(l),
      startGroup: (n) => log.push(`::group::${n}`),
      endGroup: () => log.push('::endgroup::')
    });
    progress.end(); // nothing deleted: no group
    progress.onDeleted({ package: 'api', id: 1, digest: 'sha256:a', tags: ['v1'] }, 1, 2);
    progress.onDeleted({ package: 'api', id: 2, digest: 'sha256:b', tags: [] }, 2, 2);
    progress.end();
    progress.end();
    expect(log).toEqual([
      '::group::Deleting 2 package version(s)',
      '[1/2] deleted api version 1 sha256:a v1',
      '[2/2] deleted api version 2 sha256:b',
      '::endgroup::'
    ]);
  });
});
