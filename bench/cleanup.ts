/**
 * cleanup on a package with 10,000 versions: API requests and wall time, against the minimum a cleanup must make
 * (⌈N/100⌉ list pages + one manifest GET per kept tagged root + one DELETE per victim), done by a bare loop in the
 * same run as the baseline.
 *
 * The versions: 200 tagged multi-arch indexes (each with 2 platform manifests) pushed as real tiny OCI manifests to
 * the local registry, because kept roots are fetched from it; and 9,400 untagged leftovers that exist only in the
 * fake's package state (synthetic digests: nothing references them and nobody fetches them, so they need no blobs).
 * Policy: keep the 100 newest tagged (the other 100 indexes go), delete untagged → 100 kept roots fetched, 9,600
 * victims (100 indexes + their 200 platforms + 9,400 leftovers) deleted.
 *
 *   npx tsx bench/cleanup.ts          (or npm run bench -- cleanup, once bench/run.ts lists it)
 */
import { pathToFileURL } from 'node:url';
import * as github from '@actions/github';
import { runCleanup } from '../actions/cleanup/cleanup.js';
import { RegistryClient } from '../actions/lib/registry.js';
import {
  addPackage,
  addRepo,
  startGitHubFake,
  type FakePackageVersion,
  type GitHubFake
} from '../test/support/github-fake/index.js';
import { REGISTRY, pushTinyImage, pushTinyIndex, sha256 } from '../test/support/registry-packages.js';

const TOTAL = Number(process.env.BENCH_CLEANUP_VERSIONS ?? 10_000);
const TAGGED = 200;
const KEEP = 100;

function row(name: string, value: number, baseline: number, baselineName: string, unit: string): void {
  console.log(
    `${name.padEnd(40)} ${value.toFixed(0).padStart(7)} ${unit.padEnd(4)} ${baselineName}: ${baseline.toFixed(0).padStart(7)} ${unit.padEnd(4)} ratio ${(value / baseline).toFixed(2)}`
  );
}

async function pushRoots(owner: string): Promise<FakePackageVersion[][]> {
  const repository = `${owner}/app`;
  const groups: FakePackageVersion[][] = [];
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
    for (const [idx, a, b] of made) {
      groups.push([
        { id: 0, name: idx!, created_at: '', updated_at: '', tags: [`build-${groups.length}`] },
        { id: 0, name: a!, created_at: '', updated_at: '', tags: [] },
        { id: 0, name: b!, created_at: '', updated_at: '', tags: [] }
      ]);
    }
  }
  return groups;
}

/** The same package state in a fresh fake: roots (real manifests) interleaved with synthetic leftovers, newest first. */
async function seededFake(owner: string, roots: FakePackageVersion[][]): Promise<GitHubFake> {
  const fake = await startGitHubFake({ token: 't' });
  addRepo(fake.state, owner, 'shop');
  const versions: FakePackageVersion[] = [];
  const leftovers = TOTAL - roots.length * 3;
  const perGap = Math.floor(leftovers / roots.length);
  let synthetic = 0;
  const t0 = Date.now();
  const push = (v: FakePackageVersion): void => {
    const at = new Date(t0 - versions.length * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    versions.push({ ...v, id: versions.length + 1, created_at: at, updated_at: at });
  };
  for (const [i, group] of [...roots].reverse().entries()) {
    group.forEach(push);
    const gap = i === roots.length - 1 ? leftovers - synthetic : perGap;
    for (let j = 0; j < gap; j++, synthetic++)
      push({ id: 0, name: sha256(`leftover ${synthetic}`), created_at: '', updated_at: '', tags: [] });
  }
  addPackage(fake.state, owner, 'app', { ownerType: 'Organization', versions });
  return fake;
}

export async function benchCleanup(): Promise<void> {
  console.log(
    `\n## cleanup of one package with ${TOTAL} versions (${TAGGED} tagged indexes, keep ${KEEP}; baseline: a bare list + GET roots + DELETE loop)`
  );
  const owner = `cleanup-bench-${Date.now().toString(36)}`;
  let t = Date.now();
  const roots = await pushRoots(owner);
  console.log(
    `(pushed ${roots.length} indexes with ${roots.length * 2} platform manifests in ${Date.now() - t} ms)`
  );
  const registry = new RegistryClient(REGISTRY);

  // Slipway
  const fake = await seededFake(owner, roots);
  const octokit = github.getOctokit('t', { baseUrl: fake.url });
  t = Date.now();
  const result = await runCleanup({
    octokit,
    registry,
    owner,
    packages: ['app'],
    policy: {
      keepTagged: KEEP,
      keepUntagged: 0,
      deleteTags: [],
      excludeTags: [],
      protectReleases: true,
      deleteUntagged: true,
      deleteOrphans: true
    },
    deploymentsRepo: { owner, repo: 'shop' },
    rollbackWindow: 3,
    dryRun: false
  });
  const slipwayMs = Date.now() - t;
  const plan = result.report.packages[0]!;
  const victims = plan.delete.length;
  if (result.report.result?.failed) throw new Error(`cleanup failed: ${result.report.result.failed.error}`);
  const byOp = new Map<string, number>();
  for (const r of fake.requests)
    byOp.set(r.operationId ?? r.path, (byOp.get(r.operationId ?? r.path) ?? 0) + 1);
  await fake.close();

  // baseline: the irreducible requests, no planning
  const base = await seededFake(owner, roots);
  const baseOctokit = github.getOctokit('t', { baseUrl: base.url });
  const kept = new Set(plan.keep.map((v) => v.id));
  t = Date.now();
  const listed = await baseOctokit.paginate(
    'GET /orgs/{org}/packages/{package_type}/{package_name}/versions',
    {
      org: owner,
      package_type: 'container',
      package_name: 'app',
      per_page: 100
    }
  );
  let manifestGets = 0;
  for (const v of listed.filter((x) => (x.metadata?.container?.tags ?? []).length > 0 && kept.has(x.id))) {
    await registry.getManifest(`${owner}/app`, v.name);
    manifestGets++;
  }
  for (const v of listed.filter((x) => !kept.has(x.id)))
    await baseOctokit.request(
      'DELETE /orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}',
      {
        org: owner,
        package_type: 'container',
        package_name: 'app',
        package_version_id: v.id
      }
    );
  const baselineMs = Date.now() - t;
  const baselineRequests = base.requests.length + manifestGets;
  await base.close();

  const goal = Math.ceil(TOTAL / 100) + KEEP + victims;
  console.log(
    `plan: keep ${plan.keep.length}, delete ${victims}; GitHub requests by operation: ${[...byOp].map(([k, v]) => `${k.replace(/^packages\//, '')} ${v}`).join(', ')}; manifest GETs ${result.manifestRequests}`
  );
  row(
    'requests (API + registry manifest GETs)',
    result.apiRequests + result.manifestRequests,
    goal,
    'goal',
    'req'
  );
  row('requests, bare loop', baselineRequests, goal, 'goal', 'req');
  row('wall time', slipwayMs, baselineMs, 'bare loop', 'ms');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchCleanup();
}
