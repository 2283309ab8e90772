/** The retention policy: durations, tag patterns, protected tags, and what kind of thing a version is. */
import picomatch from 'picomatch';
import semver from 'semver';
import { ConfigurationError } from '../lib/errors.js';

export interface Policy {
  /** keep the N newest tagged versions that the tag rules would delete; undefined = no count rule */
  keepTagged?: number;
  /** keep the N newest untagged versions that nothing kept references */
  keepUntagged: number;
  /** only versions older than this (ms) are deleted; undefined = no age rule */
  olderThanMs?: number;
  /** glob patterns: only tags matching one of these may be deleted (empty = any tag) */
  deleteTags: string[];
  /** glob patterns of tags that are never deleted */
  excludeTags: string[];
  /** `latest` and semver release tags (1.2.3, v1.2.3) are protected */
  protectReleases: boolean;
  deleteUntagged: boolean;
  /** delete cosign signatures/attestations/SBOMs and referrer indexes whose subject no longer exists */
  deleteOrphans: boolean;
}

const COSIGN_TAG = /^sha256-([a-f0-9]{64})\.(sig|att|sbom)$/;
const REFERRERS_TAG = /^sha256-([a-f0-9]{64})$/;

export function isReleaseTag(tag: string): boolean {
  if (tag === 'latest') return true;
  const candidate = tag.startsWith('v') ? tag.slice(1) : tag;
  return /^\d+\.\d+\.\d+$/.test(candidate) && semver.valid(candidate) !== null;
}

export type VersionKind = 'tagged' | 'untagged' | 'signature' | 'attestation' | 'sbom' | 'referrers';

export interface Classified {
  kind: VersionKind;
  /** for signature/attestation/sbom/referrers: the digests of the subjects named by the tags */
  subjects: string[];
}

/**
 * A version whose tags are all cosign tags (`sha256-<hex>.sig|.att|.sbom`) is an attachment of the image with that
 * digest; all `sha256-<hex>` tags: an OCI referrers fallback index; any other tag: a tagged image.
 */
export function classify(tags: string[]): Classified {
  if (tags.length === 0) return { kind: 'untagged', subjects: [] };
  const cosign = tags.map((t) => COSIGN_TAG.exec(t));
  if (cosign.every(Boolean)) {
    const suffix = cosign[0]![2] as 'sig' | 'att' | 'sbom';
    const kind = suffix === 'sig' ? 'signature' : suffix === 'att' ? 'attestation' : 'sbom';
    return { kind, subjects: [...new Set(cosign.map((m) => `sha256:${m![1]}`))] };
  }
  const referrers = tags.map((t) => REFERRERS_TAG.exec(t));
  if (referrers.every(Boolean)) {
    return { kind: 'referrers', subjects: [...new Set(referrers.map((m) => `sha256:${m![1]}`))] };
  }
  return { kind: 'tagged', subjects: [] };
}

export interface TagRules {
  /** why this tag must stay, or undefined when the tag rules allow deleting it */
  keepReason(tag: string): string | undefined;
  /** at least one rule can delete tagged versions */
  deletesTagged: boolean;
}

function matcher(patterns: string[]): (tag: string) => string | undefined {
  const compiled = patterns.map((p) => ({ p, m: picomatch(p, { dot: true }) }));
  return (tag) => compiled.find(({ m }) => m(tag))?.p;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;

/** Checks the tag patterns against each other; conflicting keep/delete patterns are an error. */
export function tagRules(policy: Policy): TagRules {
  for (const p of policy.deleteTags) {
    if (policy.excludeTags.includes(p)) {
      throw new ConfigurationError(
        `Inputs 'delete-tags' and 'exclude-tags' both list '${p}': a tag cannot be both deleted and kept. Remove it from one of them.`
      );
    }
    if (policy.protectReleases && !GLOB_CHARS.test(p) && isReleaseTag(p)) {
      throw new ConfigurationError(
        `Input 'delete-tags' lists '${p}', which is protected (latest and semver release tags are never deleted). ` +
          `Remove it from 'delete-tags', or set 'protect-release-tags: false' to allow it.`
      );
    }
  }
  for (const p of [...policy.deleteTags, ...policy.excludeTags]) {
    try {
      picomatch.makeRe(p);
    } catch (error) {
      throw new ConfigurationError(`Tag pattern '${p}' is not a valid glob: ${(error as Error).message}`);
    }
  }
  const excluded = matcher(policy.excludeTags);
  const deletable = matcher(policy.deleteTags);
  return {
    deletesTagged:
      policy.keepTagged !== undefined || policy.olderThanMs !== undefined || policy.deleteTags.length > 0,
    keepReason(tag) {
      if (policy.protectReleases && isReleaseTag(tag))
        return tag === 'latest' ? `tag latest is protected` : `release tag ${tag} is protected`;
      const ex = excluded(tag);
      if (ex) return `tag ${tag} matches exclude-tags '${ex}'`;
      if (policy.deleteTags.length > 0 && !deletable(tag)) return `tag ${tag} matches no delete-tags pattern`;
      return undefined;
    }
  };
}
