/**
 * Promotion of a gated candidate: the build pushes a candidate tag only, the gates scan its digest, and only then
 * are the real tags (main, latest, 1.2.3 …) written — by copying the manifest bytes within the repository, so the
 * tags point at exactly the digest that was scanned, and nothing that failed a gate is ever reachable by them.
 */
import { ConfigurationError } from '../lib/errors.js';
import type { ImageRecord } from '../lib/image-record.js';
import { parseImageRef } from '../lib/image-ref.js';
import { INDEX_MEDIA_TYPES } from '../lib/registry.js';

export interface PromotionTarget {
  /** full reference as given */
  ref: string;
  tag: string;
}

/** Checks every tag is a plain tag in the record's own repository (a copy never crosses repositories). */
export function promotionTargets(record: ImageRecord, tags: string[]): PromotionTarget[] {
  if (tags.length === 0) {
    throw new ConfigurationError("Input 'tags' is empty: pass the tags output of the tags action");
  }
  const home = parseImageRef(record.image);
  return tags.map((ref) => {
    const parsed = parseImageRef(ref);
    if (parsed.digest || !parsed.tag) {
      throw new ConfigurationError(
        `Input 'tags': '${ref}' is not a tag reference (image:tag); the digest comes from the image record`
      );
    }
    if (parsed.registry !== home.registry || parsed.repository !== home.repository) {
      throw new ConfigurationError(
        `Input 'tags': '${ref}' is not in ${record.image}, the repository of the image record; promote copies a manifest within one repository — build the image for that repository instead`
      );
    }
    return { ref, tag: parsed.tag };
  });
}

export interface ManifestStore {
  getManifestBytes(
    repository: string,
    reference: string
  ): Promise<{ body: Buffer; mediaType: string; digest: string }>;
  putManifest(repository: string, tag: string, body: Buffer, mediaType: string): Promise<string>;
  resolve(repository: string, reference: string): Promise<string | undefined>;
}

/** Writes each tag (idempotent: an existing tag on the same digest is written again, harmlessly). */
export async function promote(
  store: ManifestStore,
  record: ImageRecord,
  targets: PromotionTarget[]
): Promise<string[]> {
  const { repository } = parseImageRef(record.image);
  const manifest = await store.getManifestBytes(repository, record.digest);
  if (manifest.digest !== record.digest) {
    throw new Error(
      `the registry served ${record.image}@${record.digest} with content hashing to ${manifest.digest}; not promoting`
    );
  }
  if (INDEX_MEDIA_TYPES.includes(manifest.mediaType)) {
    // a multi-platform index: every platform manifest it lists must be in this repository before any tag points at
    // it, or the tag would pull for some platforms and fail for others
    const children = (JSON.parse(manifest.body.toString('utf8')) as { manifests?: Array<{ digest: string }> })
      .manifests;
    for (const child of children ?? []) {
      const found = await store.resolve(repository, child.digest);
      if (found !== child.digest) {
        throw new Error(
          `${record.image}@${record.digest} lists ${child.digest}, which is not in ${record.image}; not promoting (no tag written)`
        );
      }
    }
  }
  const promoted: string[] = [];
  for (const target of targets) {
    try {
      await store.putManifest(repository, target.tag, manifest.body, manifest.mediaType);
      const resolved = await store.resolve(repository, target.tag);
      if (resolved !== record.digest) {
        throw new Error(
          `${target.ref} resolves to ${resolved ?? 'nothing'} after the write, not ${record.digest}`
        );
      }
      promoted.push(target.ref);
    } catch (error) {
      const rest = targets.slice(promoted.length).map((t) => t.ref);
      throw new Error(
        `promoting ${target.ref} failed: ${(error as Error).message}. Promoted: ${promoted.join(', ') || 'none'}; not promoted: ${rest.join(', ')} (a re-run writes them all again)`
      );
    }
  }
  return promoted;
}
