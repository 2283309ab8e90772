/** The planner over an in-memory registry: what a kept root reaches stays, everything else goes with a reason. */
import { planPackage, deletionOrder, type PackagePlan } from '../../../actions/cleanup/plan.js';
import type { Policy } from '../../../actions/cleanup/policy.js';
import type { PackageVersion } from '../../../actions/lib/packages.js';
import type { Manifest } from '../../../actions/lib/registry.js';
import { deleteAllPolicy } from '../../support/cleanup-fixtures.js';

const INDEX = 'application/vnd.oci.image.index.v1+json';
const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const d = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString();

const policy: Policy = deleteAllPolicy();

function setup(): { versions: PackageVersion[]; manifests: Map<string, Manifest> } {
  const manifests = new Map<string, Manifest>();
  const image = (): Manifest => ({ schemaVersion: 2, mediaType: IMAGE, layers: [] });
  const index = (...children: number[]): Manifest => ({
    schemaVersion: 2,
    mediaType: INDEX,
    manifests: children.map((c, i) => ({
      mediaType: IMAGE,
      digest: d(c),
      size: 1,
      platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' }
    }))
  });
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 20, 21, 30, 31]) manifests.set(d(n), image());
  manifests.set(d(10), index(1, 2)); // v1.0.0, multi-arch
  manifests.set(d(11), index(3, 4)); // pr-7, multi-arch, old
  manifests.set(d(12), index(5, 6)); // main, multi-arch
  // OCI referrers fallback index for d(10), listing referrer d(31)
  manifests.set(d(40), {
    schemaVersion: 2,
    mediaType: INDEX,
    manifests: [{ mediaType: IMAGE, digest: d(31), size: 1 }]
  });
  const hex = (n: number): string => d(n).slice(7);
  const versions: PackageVersion[] = (
    [
      { id: 12, digest: d(12), tags: ['main'], createdAt: daysAgo(1) },
      { id: 5, digest: d(5), tags: [], createdAt: daysAgo(1) },
      { id: 6, digest: d(6), tags: [], createdAt: daysAgo(1) },
      { id: 20, digest: d(20), tags: [`sha256-${hex(12)}.sig`], createdAt: daysAgo(1) },
      { id: 11, digest: d(11), tags: ['pr-7'], createdAt: daysAgo(40) },
      { id: 3, digest: d(3), tags: [], createdAt: daysAgo(40) },
      { id: 4, digest: d(4), tags: [], createdAt: daysAgo(40) },
      { id: 21, digest: d(21), tags: [`sha256-${hex(11)}.sig`], createdAt: daysAgo(40) },
      { id: 10, digest: d(10), tags: ['v1.0.0'], createdAt: daysAgo(90) },
      { id: 1, digest: d(1), tags: [], createdAt: daysAgo(90) },
      { id: 2, digest: d(2), tags: [], createdAt: daysAgo(90) },
      { id: 40, digest: d(40), tags: [`sha256-${hex(10)}`], createdAt: daysAgo(90) },
      { id: 31, digest: d(31), tags: [], createdAt: daysAgo(90) },
      { id: 30, digest: d(30), tags: [`sha256-${'f'.repeat(64)}.att`], createdAt: daysAgo(100) }, // orphan
      { id: 7, digest: d(7), tags: [], createdAt: daysAgo(100) }, // leftover
      { id: 8, digest: d(8), tags: ['old-branch'], createdAt: daysAgo(100) }
    ] as Omit<PackageVersion, 'updatedAt'>[]
  ).map((v) => ({ ...v, updatedAt: v.createdAt }));
  return { versions, manifests };
}

async function plan(
  p: Partial<Policy>,
  protectedDigests = new Map<string, string>()
): Promise<PackagePlan & { fetches: string[] }> {
  const { versions, manifests } = setup();
  const fetches: string[] = [];
  const result = await planPackage({
    package: 'api',
    image: 'ghcr.io/acme/api',
    versions,
    policy: { ...policy, ...p },
    protectedDigests,
    fetchManifest: async (digest) => {
      fetches.push(digest);
      return manifests.get(digest);
    },
    now: NOW
  });
  return { ...result, fetches };
}

const ids = (list: { id: number }[]): number[] => list.map((v) => v.id).sort((a, b) => a - b);

it('older-than: kept indexes keep their platforms, signatures and referrers; the rest goes', async () => {
  const p = await plan({ olderThanMs: 30 * 86_400_000 });
  expect(ids(p.delete)).toEqual([3, 4, 7, 8, 11, 21, 30]);
  expect(ids(p.keep)).toEqual([1, 2, 5, 6, 10, 12, 20, 31, 40]);
  const why = Object.fromEntries([...p.keep, ...p.delete].map((v) => [v.id, v.reason]));
  expect(why[10]).toMatch(/release tag v1.0.0 is protected/);
  expect(why[1]).toMatch(/platform linux\/amd64 of kept/);
  expect(why[20]).toMatch(/signature of kept/);
  expect(why[31]).toMatch(/referrer listed by kept/);
  expect(why[21]).toMatch(/signature of deleted/);
  expect(why[30]).toMatch(/orphaned attestation/);
  expect(why[7]).toMatch(/untagged/);
  // one GET per kept root (10, 12) and per kept referrers index (40); none for victims
  expect(p.fetches.sort()).toEqual([d(10), d(12), d(40)].sort());
});

it('a deployed digest is kept with its platforms even when the tag rules would delete it', async () => {
  const p = await plan(
    { olderThanMs: 30 * 86_400_000 },
    new Map([[d(11), 'deployed: active in production (deployment 9)']])
  );
  expect(ids(p.delete)).toEqual([7, 8, 30]);
  expect(p.keep.find((v) => v.id === 11)!.reason).toMatch(/deployed/);
  expect(p.keep.find((v) => v.id === 3)!.reason).toMatch(/platform/);
  expect(p.keep.find((v) => v.id === 21)!.reason).toMatch(/signature of kept/);
});

it('without a tagged rule only untagged leftovers and orphans go', async () => {
  const p = await plan({});
  expect(ids(p.delete)).toEqual([7, 30]);
});

it('delete-orphans false keeps orphans; delete-untagged false keeps leftovers', async () => {
  expect(ids((await plan({ deleteOrphans: false })).delete)).toEqual([7]);
  expect(ids((await plan({ deleteUntagged: false })).delete)).toEqual([30]);
});

it('delete-untagged false with tagged victims fetches the kept untagged roots (one could be an index)', async () => {
  const p = await plan({ deleteUntagged: false, deleteTags: ['old-*'] });
  expect(ids(p.delete)).toEqual([8, 30]);
  expect(p.fetches).toContain(d(7));
});

it('keep-n-tagged counts only the tagged versions the rules could delete', async () => {
  const p = await plan({ keepTagged: 1 });
  // main (newest deletable) kept, pr-7 and old-branch go; v1.0.0 is protected and does not count
  expect(ids(p.delete)).toEqual([3, 4, 7, 8, 11, 21, 30]);
  expect(p.keep.find((v) => v.id === 12)!.reason).toMatch(/among the 1 newest/);
});

it('keep-n-untagged keeps the newest unreferenced untagged versions', async () => {
  const p = await plan({ keepUntagged: 1, keepTagged: 0, protectReleases: true });
  // every deletable tagged version goes, so main's platforms 5 and 6 are the newest unreferenced untagged
  expect(p.keep.find((v) => v.id === 5)!.reason).toMatch(/newest untagged/);
  expect(ids(p.delete)).toEqual(expect.arrayContaining([3, 4, 6, 7, 8, 11, 12]));
});

it('a kept root whose manifest cannot be read (404 or error) protects every version, and says why', async () => {
  const { versions, manifests } = setup();
  for (const unreadable of [
    async (digest: string) => (digest === d(10) ? undefined : manifests.get(digest)),
    async (digest: string) => {
      if (digest === d(10)) throw new Error('registry answered 500');
      return manifests.get(digest);
    }
  ]) {
    const p = await planPackage({
      package: 'api',
      image: 'ghcr.io/acme/api',
      versions,
      policy: { ...policy, olderThanMs: 30 * 86_400_000 },
      protectedDigests: new Map(),
      fetchManifest: unreadable,
      now: NOW
    });
    expect(p.delete).toEqual([]);
    expect(p.keep.find((v) => v.id === 1)!.reason).toMatch(/could not be read.*cannot be proven unreachable/);
    expect(p.warnings.join('\n')).toMatch(/nothing deleted.*could not be read.*'registry' input/s);
  }
});

it('ages use updated_at: a tag added yesterday to an old digest is young', async () => {
  const { versions, manifests } = setup();
  const retagged = versions.map((v) => (v.id === 8 ? { ...v, updatedAt: daysAgo(1) } : v));
  const p = await planPackage({
    package: 'api',
    image: 'ghcr.io/acme/api',
    versions: retagged,
    policy: { ...policy, olderThanMs: 30 * 86_400_000 },
    protectedDigests: new Map(),
    fetchManifest: async (digest) => manifests.get(digest),
    now: NOW
  });
  expect(p.keep.find((v) => v.id === 8)!.reason).toMatch(/younger than 30d/);
});

it('older-than applies to orphaned signatures too', async () => {
  const { versions, manifests } = setup();
  const young = versions.map((v) => (v.id === 30 ? { ...v, updatedAt: daysAgo(2) } : v));
  const p = await planPackage({
    package: 'api',
    image: 'ghcr.io/acme/api',
    versions: young,
    policy: { ...policy, olderThanMs: 30 * 86_400_000 },
    protectedDigests: new Map(),
    fetchManifest: async (digest) => manifests.get(digest),
    now: NOW
  });
  expect(p.keep.find((v) => v.id === 30)!.reason).toMatch(/orphaned attestation, younger than 30d/);
});

it('reads manifests concurrently, at most `concurrency` at once', async () => {
  const { versions, manifests } = setup();
  // five kept tagged roots: main, v1.0.0 and three more tags on plain images
  const more = [1, 2, 3].map((k) => ({
    id: 100 + k,
    digest: d(100 + k),
    tags: [`v${k}.0.0`],
    createdAt: daysAgo(1),
    updatedAt: daysAgo(1)
  }));
  for (const v of more) manifests.set(v.digest, { schemaVersion: 2, mediaType: IMAGE, layers: [] });
  let inFlight = 0;
  let peak = 0;
  await planPackage({
    package: 'api',
    image: 'ghcr.io/acme/api',
    versions: [...more, ...versions],
    policy,
    protectedDigests: new Map(),
    fetchManifest: async (digest) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return manifests.get(digest);
    },
    now: NOW,
    concurrency: 3
  });
  expect(peak).toBe(3);
});

it('deletes attachments first, then tagged images, then untagged; oldest first within each', () => {
  const v = (id: number, kind: 'untagged' | 'tagged' | 'signature', updatedAt: string) => ({
    id,
    digest: d(id),
    tags: [],
    createdAt: updatedAt,
    updatedAt,
    kind,
    reason: ''
  });
  const order = deletionOrder([
    v(1, 'untagged', daysAgo(1)),
    v(4, 'untagged', daysAgo(9)),
    v(2, 'tagged', daysAgo(1)),
    v(3, 'signature', daysAgo(1))
  ]);
  expect(order.map((x) => x.id)).toEqual([3, 2, 4, 1]);
});
