/**
 * cleanup of a package with 10,000 versions while the GitHub fake enforces GitHub's rate limits for a GITHUB_TOKEN
 * (1,000 requests an hour per repository; secondary: 100 concurrent, 900 points a minute, a DELETE 5 points):
 * how many runs until nothing is left to delete, the requests of each run, DELETEs per second with bounded
 * concurrency, and — between runs — that no tag is broken (every index still in the package has its platforms).
 *
 * The versions: 200 tagged multi-arch indexes (each with 2 platform manifests) pushed as real tiny OCI manifests to
 * the local registry, because kept roots are fetched from it; and 9,400 untagged leftovers that exist only in the
 * fake's package state (synthetic digests: nothing references them and nobody fetches them, so they need no blobs).
 * Policy: keep the 100 newest tagged (the other 100 indexes go), delete untagged → 9,700 victims (100 indexes, their 200 platforms, 9,400 leftovers).
 *
 * Time is scaled by BENCH_CLEANUP_TIME_SCALE (default 10: a GitHub "minute" lasts 6 s): the fake's secondary
 * windows, the client's pace between DELETEs (400 ms at 1×) and its retry-after unit shrink by the same factor; the
 * primary hour is a new window per run (one scheduled run an hour). The action's time budget (25 min) is not scaled:
 * on GitHub the request budget, not the time, ends a large run (about 900 DELETEs at ≤ 2.5/s take 6 min), and a
 * scaled budget would measure this machine's load instead. DELETEs per second are reported as measured, and divided
 * by the scale (what GitHub would see at that pace; this machine's speed bounds the measured figure).
 *
 *   npx tsx bench/cleanup.ts          (or npm run bench -- cleanup)
 */
import { pathToFileURL } from 'node:url';
import { runCleanup } from '../actions/cleanup/cleanup.js';
import type { Policy } from '../actions/cleanup/policy.js';
import { createClient } from '../actions/lib/github.js';
import { RegistryClient } from '../actions/lib/registry.js';
import { addPackage, addRepo, startGitHubFake, type GitHubFake } from '../test/support/github-fake/index.js';
import { deleteAllPolicy, versionHistory } from '../test/support/cleanup-fixtures.js';
import { REGISTRY, pushTinyImage, pushTinyIndex, sha256 } from '../test/support/registry-packages.js';

const TOTAL = Number(process.env.BENCH_CLEANUP_VERSIONS ?? 10_000);
const SCALE = Number(process.env.BENCH_CLEANUP_TIME_SCALE ?? 10);
const TAGGED = 200;
const KEEP = 100;
/** the action's defaults (actions/cleanup/main.ts, action.yml) */
const DELETE_CONCURRENCY = 3;
const DELETE_INTERVAL_MS = 400;
const TIME_BUDGET_MS = 25 * 60_000;
const GITHUB_TOKEN_LIMIT = 1000;

const policy: Policy = deleteAllPolicy({ keepTagged: KEEP });

async function pushRoots(owner: string): Promise<string[][]> {
  const repository = `${owner}/app`;
  const groups: string[][] = [];
  const batch = 8;
  for (let start = 0; start < TAGGED; start += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, TAGGED - start) }, async (_, k) => {
        const i = start + k;
        const [a, b] = await Promise.all([
          pushTinyImage(repository, `${i}-amd64`, { platform: 'linux/amd64' }),
          pushTinyImage(repository, `${i}-arm64`, { platform: 'linux/arm64' })
        ]);
        const idx = await pushTinyIndex(
          repository,
          [
            { ...a!, platform: 'linux/amd64' },
            { ...b!, platform: 'linux/arm64' }
          ],
          { seed: `${i}` }
        );
        return [idx.digest, a!.digest, b!.digest];
      })
    );
    groups.push(...made);
  }
  return groups;
}

/** The package state: roots (real manifests) interleaved with synthetic leftovers, newest first. */
function seed(fake: GitHubFake, owner: string, roots: string[][]): void {
  addRepo(fake.state, owner, 'shop');
  const entries: Array<{ name: string; tags: string[] }> = [];
  const leftovers = TOTAL - roots.length * 3;
  const perGap = Math.floor(leftovers / roots.length);
  let synthetic = 0;
  const push = (name: string, tags: string[]): void => void entries.push({ name, tags });
  for (const [i, [idx, a, b]] of [...roots].reverse().entries()) {
    push(idx!, [`build-${roots.length - 1 - i}`]);
    push(a!, []);
    push(b!, []);
    const gap = i === roots.length - 1 ? leftovers - synthetic : perGap;
    for (let j = 0; j < gap; j++, synthetic++) push(sha256(`leftover ${synthetic}`), []);
  }
  addPackage(fake.state, owner, 'app', { ownerType: 'Organization', versions: versionHistory(entries) });
}

/** Tagged indexes still in the package whose platforms are not all there any more. */
function brokenTags(fake: GitHubFake, owner: string, roots: string[][]): number {
  const present = new Set(fake.state.packages[`${owner}/app`]!.versions.map((v) => v.name));
  return roots.filter(([idx, a, b]) => present.has(idx!) && !(present.has(a!) && present.has(b!))).length;
}

export async function benchCleanup(): Promise<void> {
  console.log(
    `\n## cleanup of one package with ${TOTAL} versions under GitHub's limits for a GITHUB_TOKEN (${GITHUB_TOKEN_LIMIT} requests/hour; time scale ${SCALE}×)`
  );
  const owner = `cleanup-bench-${Date.now().toString(36)}`;
  const t = Date.now();
  const roots = await pushRoots(owner);
  console.log(
    `(pushed ${roots.length} indexes with ${roots.length * 2} platform manifests in ${Date.now() - t} ms)`
  );
  const registry = new RegistryClient(REGISTRY);
  const fake = await startGitHubFake({
    token: 't',
    rateLimit: { limit: GITHUB_TOKEN_LIMIT, timeScale: SCALE }
  });
  seed(fake, owner, roots);
  process.env.GITHUB_API_URL = fake.url;

  console.log(
    'run | GitHub requests | list pages | DELETEs | left after | stopped by        | DELETE/s measured | DELETE/s at 1× | 403 primary/secondary | broken tags'
  );
  let run = 0;
  let totalDeleted = 0;
  let broken = 0;
  for (;;) {
    run++;
    fake.nextRateLimitWindow(); // one scheduled run an hour
    const before = fake.requests.length;
    const limitedBefore = { ...fake.rateLimited };
    const github = createClient('t', {
      writeConcurrency: DELETE_CONCURRENCY,
      writeIntervalMs: DELETE_INTERVAL_MS / SCALE,
      retryAfterBaseMs: 1000 / SCALE
    });
    const deleteTimes: number[] = [];
    const started = Date.now();
    const result = await runCleanup({
      octokit: github.octokit,
      registry,
      owner,
      packages: ['app'],
      policy,
      deploymentsRepo: { owner, repo: 'shop' },
      rollbackWindow: 3,
      dryRun: false,
      deleteConcurrency: DELETE_CONCURRENCY,
      budget: {
        rateLimit: github.rateLimit,
        requests: github.requests,
        deadline: started + TIME_BUDGET_MS
      },
      onDeleted: () => deleteTimes.push(Date.now())
    });
    const r = result.report.result!;
    const requests = fake.requests.slice(before);
    const pages = requests.filter((q) => q.method === 'GET' && q.path.endsWith('/versions')).length;
    const deletes = requests.filter((q) => q.method === 'DELETE').length;
    const span = deleteTimes.length > 1 ? (deleteTimes.at(-1)! - deleteTimes[0]!) / 1000 : 0;
    const perSecond = span > 0 ? (deleteTimes.length - 1) / span : 0;
    const left = result.report.packages[0]!.delete.length - r.deleted.length;
    const brokenNow = brokenTags(fake, owner, roots);
    broken += brokenNow;
    totalDeleted += r.deleted.length;
    console.log(
      `${String(run).padStart(3)} | ${String(requests.length).padStart(15)} | ${String(pages).padStart(10)} | ${String(deletes).padStart(7)} | ${String(left).padStart(10)} | ${(r.stopped?.reason ?? '-').padEnd(17)} | ${perSecond.toFixed(1).padStart(17)} | ${(perSecond / SCALE).toFixed(2).padStart(14)} | ${`${fake.rateLimited.primary - limitedBefore.primary}/${fake.rateLimited.secondary - limitedBefore.secondary}`.padStart(21)} | ${brokenNow}`
    );
    if (r.failed.length) throw new Error(`cleanup failed: ${r.failed[0]!.error}`);
    if (left === 0 || run >= 30) break;
  }
  const kept = fake.state.packages[`${owner}/app`]!.versions.length;
  console.log(
    `converged after ${run} run(s): deleted ${totalDeleted}, kept ${kept} (${KEEP} indexes with their ${KEEP * 2} platforms); broken tags between runs: ${broken}`
  );
  fake.assertNoViolations();
  await fake.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchCleanup();
}
