/**
 * The plan for one package: which versions stay and which go, and why.
 *
 * Roots are the deployed digests, the tagged versions the tag rules keep and (after those) the untagged versions
 * the untagged rules keep. Every root's manifest is fetched once: an index keeps its platform manifests (and nested
 * indexes are fetched in turn); any kept manifest keeps its cosign attachments (`sha256-<hex>.sig|.att|.sbom`) and
 * its OCI referrers fallback index (`sha256-<hex>`, fetched: it lists the referrers). A version is deleted only when
 * no kept root reaches it, so deleting never breaks a kept tag.
 */
import type { PackageVersion } from '../lib/packages.js';
import { INDEX_MEDIA_TYPES, type Manifest } from '../lib/registry.js';
import { formatDuration } from '../lib/duration.js';
import { classify, tagRules, type Policy, type VersionKind } from './policy.js';

/** Fetches a manifest by digest; undefined when the registry does not have it (404). */
export type ManifestFetcher = (digest: string) => Promise<Manifest | undefined>;

export interface PlannedVersion {
  id: number;
  digest: string;
  tags: string[];
  createdAt: string;
  /** GitHub's updated_at of the version: ages and "newest" are measured from it */
  updatedAt: string;
  kind: VersionKind;
  reason: string;
}

export interface PackagePlan {
  package: string;
  image: string;
  keep: PlannedVersion[];
  delete: PlannedVersion[];
  /** manifests fetched to build the graph */
  fetched: number;
  warnings: string[];
}

export interface PlanInput {
  package: string;
  image: string;
  versions: PackageVersion[];
  policy: Policy;
  /** digest → why it must stay (deployed, rollback window) */
  protectedDigests: Map<string, string>;
  fetchManifest: ManifestFetcher;
  now: Date;
  /** manifest reads in flight at once (default 8) */
  concurrency?: number;
}

const short = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

export async function planPackage(input: PlanInput): Promise<PackagePlan> {
  const { policy, versions, now } = input;
  const concurrency = Math.max(1, input.concurrency ?? 8);
  const rules = tagRules(policy);
  const byDigest = new Map<string, PackageVersion>();
  for (const v of versions) if (!byDigest.has(v.digest)) byDigest.set(v.digest, v);
  const kinds = new Map(versions.map((v) => [v.id, classify(v.tags)]));
  const attachments = new Map<string, PackageVersion[]>(); // subject digest → cosign attachments
  const referrerIndexes = new Map<string, PackageVersion[]>(); // subject digest → sha256-<hex> indexes
  for (const v of versions) {
    const c = kinds.get(v.id)!;
    const target =
      c.kind === 'referrers'
        ? referrerIndexes
        : c.kind === 'tagged' || c.kind === 'untagged'
          ? undefined
          : attachments;
    for (const s of c.subjects) target?.set(s, [...(target.get(s) ?? []), v]);
  }

  const keep = new Map<string, string>(); // digest → reason
  const queue: string[] = [];
  const fetchedDigests = new Set<string>();
  const warnings: string[] = [];
  let fetched = 0;

  const keepDigest = (digest: string, reason: string, expand: boolean): void => {
    if (!byDigest.has(digest) || keep.has(digest)) {
      if (expand && keep.has(digest) && !fetchedDigests.has(digest)) queue.push(digest);
      return;
    }
    keep.set(digest, reason);
    if (expand) queue.push(digest);
    for (const a of attachments.get(digest) ?? []) {
      const kind = kinds.get(a.id)!.kind;
      keepDigest(a.digest, `${kind} of kept ${short(digest)}`, false);
    }
    for (const r of referrerIndexes.get(digest) ?? [])
      keepDigest(r.digest, `referrers of kept ${short(digest)}`, true);
  };

  // digest → why its manifest could not be read: such a root protects everything it might reference
  const unreadable = new Map<string, string>();
  const read = async (digest: string): Promise<Manifest | undefined> => {
    try {
      const manifest = await input.fetchManifest(digest);
      if (!manifest) unreadable.set(digest, 'the registry answered 404 (manifest unknown)');
      return manifest;
    } catch (error) {
      unreadable.set(digest, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = [...new Set(queue.splice(0))].filter((d) => !fetchedDigests.has(d));
      for (let i = 0; i < batch.length; i += concurrency) {
        const slice = batch.slice(i, i + concurrency);
        slice.forEach((d) => fetchedDigests.add(d));
        fetched += slice.length;
        const manifests = await Promise.all(slice.map(read));
        slice.forEach((digest, k) => expandManifest(digest, manifests[k]));
      }
    }
  };

  const expandManifest = (digest: string, manifest: Manifest | undefined): void => {
    if (manifest) {
      const isReferrers = kinds.get(byDigest.get(digest)!.id)?.kind === 'referrers';
      for (const child of manifest.manifests ?? []) {
        const platform = child.platform
          ? `${child.platform.os}/${child.platform.architecture}${child.platform.variant ? `/${child.platform.variant}` : ''}`
          : undefined;
        const reason = isReferrers
          ? `referrer listed by kept ${short(digest)}`
          : platform
            ? `platform ${platform} of kept ${short(digest)}`
            : `referenced by kept ${short(digest)}`;
        keepDigest(child.digest, reason, INDEX_MEDIA_TYPES.includes(child.mediaType));
      }
    }
  };

  // 1. deployed and rollback-window digests
  for (const [digest, reason] of input.protectedDigests) keepDigest(digest, reason, true);

  // 2. tagged versions: a version stays when any of its tags must stay, then the count and age rules
  // the version's updated_at (see docs/cleanup.md "Ages"): a tag added to an old digest makes it young again
  const ageMs = (v: PackageVersion): number => now.getTime() - Date.parse(v.updatedAt);
  const tagged = versions.filter((v) => kinds.get(v.id)!.kind === 'tagged');
  let eligibleRank = 0;
  const taggedVictims = new Map<string, string>();
  for (const v of tagged) {
    const tagReason = v.tags.map((t) => rules.keepReason(t)).find(Boolean);
    if (tagReason) {
      keepDigest(v.digest, tagReason, true);
      continue;
    }
    if (!rules.deletesTagged) {
      keepDigest(
        v.digest,
        'tagged (no rule deletes tagged versions: set keep-n-tagged, older-than or delete-tags)',
        true
      );
      continue;
    }
    eligibleRank++;
    if (policy.keepTagged !== undefined && eligibleRank <= policy.keepTagged) {
      keepDigest(v.digest, `among the ${policy.keepTagged} newest deletable tagged versions`, true);
      continue;
    }
    if (policy.olderThanMs !== undefined && ageMs(v) < policy.olderThanMs) {
      keepDigest(v.digest, `younger than ${formatDuration(policy.olderThanMs)}`, true);
      continue;
    }
    const why = [
      policy.deleteTags.length > 0 ? 'tags match delete-tags' : undefined,
      policy.keepTagged !== undefined ? `not among the ${policy.keepTagged} newest` : undefined,
      policy.olderThanMs !== undefined ? `older than ${formatDuration(policy.olderThanMs)}` : undefined
    ].filter(Boolean);
    taggedVictims.set(v.digest, `tagged: ${why.join(', ')}`);
  }
  await drain();

  // 3. untagged versions nothing kept references
  const untagged = versions.filter((v) => kinds.get(v.id)!.kind === 'untagged' && !keep.has(v.digest));
  const lazyRoots: string[] = [];
  if (!policy.deleteUntagged) {
    for (const v of untagged) {
      keepDigest(v.digest, 'untagged (delete-untagged is false)', false);
      lazyRoots.push(v.digest);
    }
  } else {
    let rank = 0;
    for (const v of untagged) {
      rank++;
      if (rank <= policy.keepUntagged)
        keepDigest(v.digest, `among the ${policy.keepUntagged} newest untagged versions`, true);
      else if (policy.olderThanMs !== undefined && ageMs(v) < policy.olderThanMs)
        keepDigest(v.digest, `untagged, younger than ${formatDuration(policy.olderThanMs)}`, true);
    }
  }

  // 4. attachments and referrer indexes whose subject no longer exists at all (older-than applies to them too)
  for (const v of versions) {
    const c = kinds.get(v.id)!;
    if (c.kind === 'tagged' || c.kind === 'untagged') continue;
    if (!c.subjects.every((s) => !byDigest.has(s))) continue;
    if (!policy.deleteOrphans)
      keepDigest(v.digest, `orphaned ${c.kind} (delete-orphans is false)`, c.kind === 'referrers');
    else if (policy.olderThanMs !== undefined && ageMs(v) < policy.olderThanMs)
      keepDigest(
        v.digest,
        `orphaned ${c.kind}, younger than ${formatDuration(policy.olderThanMs)}`,
        c.kind === 'referrers'
      );
  }
  await drain();

  // 5. untagged roots kept wholesale are fetched only when something would be deleted: one of them could be an
  //    index that references a version about to go
  if (lazyRoots.length > 0 && versions.some((v) => !keep.has(v.digest))) {
    for (const d of lazyRoots) keepDigest(d, keep.get(d)!, true);
    await drain();
  }

  // 6. a kept root whose manifest could not be read might reference any version: nothing can be proven
  //    unreachable, so nothing of this package is deleted
  if (unreadable.size > 0) {
    const [first, why] = [...unreadable][0]!;
    for (const v of versions)
      if (!keep.has(v.digest))
        keep.set(
          v.digest,
          `kept because the manifest of kept ${short(first)} could not be read, so this version cannot be proven unreachable`
        );
    warnings.push(
      `${input.image}: nothing deleted — the manifest of ${unreadable.size} kept version(s) could not be read from the ` +
        `registry (${input.image}@${first}: ${why}), so what they reference is unknown and every version of the ` +
        `package is kept. Check the 'registry' input (the images must be <registry>/<owner>/<package>) and the ` +
        `token's read access to the registry.`
    );
  }

  const plan: PackagePlan = {
    package: input.package,
    image: input.image,
    keep: [],
    delete: [],
    fetched,
    warnings
  };
  for (const v of versions) {
    const c = kinds.get(v.id)!;
    const base = {
      id: v.id,
      digest: v.digest,
      tags: v.tags,
      createdAt: v.createdAt,
      updatedAt: v.updatedAt,
      kind: c.kind
    };
    const kept = keep.get(v.digest);
    if (kept !== undefined) {
      plan.keep.push({ ...base, reason: kept });
      continue;
    }
    let reason: string;
    if (c.kind === 'tagged') reason = taggedVictims.get(v.digest) ?? 'tagged';
    else if (c.kind === 'untagged')
      reason = `untagged, referenced by no kept version${policy.olderThanMs !== undefined ? `, older than ${formatDuration(policy.olderThanMs)}` : ''}`;
    else {
      const present = c.subjects.filter((s) => byDigest.has(s));
      reason =
        present.length > 0
          ? `${c.kind} of deleted ${present.map(short).join(', ')}`
          : `orphaned ${c.kind}: subject ${c.subjects.map(short).join(', ')} no longer exists`;
    }
    plan.delete.push({ ...base, reason });
  }
  return plan;
}

/**
 * Deletion phase of a victim: attachments and referrer indexes (0), then tagged images (1), then untagged manifests
 * (2). A phase starts only when the one before it is done, so a run that stops early never leaves a tag whose
 * platforms are gone, nor an image without its signature.
 */
export function deletionPhase(kind: VersionKind): number {
  return kind === 'tagged' ? 1 : kind === 'untagged' ? 2 : 0;
}

/** Deletion order: by phase, oldest (updated_at) first within a phase. */
export function deletionOrder(victims: PlannedVersion[]): PlannedVersion[] {
  return [...victims].sort(
    (a, b) =>
      deletionPhase(a.kind) - deletionPhase(b.kind) || a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id
  );
}
