/**
 * What the sign and sbom actions act on: the digests of image records (the build action's output, one record or a
 * JSON array) or image@sha256 references. A tag is refused: it can move between build and signing, and cosign
 * itself deprecates signing by tag (sigstore/cosign#2313).
 */
import { ConfigurationError, errorMessage } from './errors.js';
import { type ImageRecord, parseImageRecords } from './image-record.js';
import { parseImageRef } from './image-ref.js';
import { dockerConfigCredentials } from './docker-auth.js';
import { INDEX_MEDIA_TYPES, type Manifest, RegistryClient, RegistryError } from './registry.js';

export interface Target {
  /** image@sha256:… */
  ref: string;
  /** repository without tag, e.g. ghcr.io/acme/api */
  image: string;
  digest: string;
  /** service name or the repository's last path segment */
  name: string;
  /** os/arch for a platform manifest of an index; undefined for the top-level digest */
  platform?: string;
  /** 'index' when the digest is a multi-platform index, 'platform' for one of its manifests, else 'image' */
  kind: 'image' | 'index' | 'platform';
}

export function isIndexRecord(record: ImageRecord): boolean {
  return (
    INDEX_MEDIA_TYPES.includes(record.mediaType) || record.platforms.some((p) => p.digest !== record.digest)
  );
}

/** Refuses a tag-only reference, saying why and how to fix it. */
export function requireDigest(ref: string, inputName: string): { image: string; digest: string } {
  const parsed = parseImageRef(ref);
  if (!parsed.digest) {
    throw new ConfigurationError(
      `Input '${inputName}': '${ref}' is a tag, not a digest. Slipway signs and attests digests only: a tag can be ` +
        `moved to another image between the build and this step, and cosign itself deprecates signing by tag ` +
        `(sigstore/cosign#2313). Pass the 'image-record' output of the build action, or 'image@sha256:<digest>' ` +
        `(the build action's 'ref' output, or \`docker buildx imagetools inspect ${ref}\`).`
    );
  }
  const image = `${parsed.registry}/${parsed.repository}`;
  return { image, digest: parsed.digest };
}

export function targetsFromRecords(records: ImageRecord[], withPlatforms: boolean): Target[] {
  const targets: Target[] = [];
  for (const record of records) {
    const index = isIndexRecord(record);
    targets.push({
      ref: `${record.image}@${record.digest}`,
      image: record.image,
      digest: record.digest,
      name: record.service,
      kind: index ? 'index' : 'image',
      platform: index ? undefined : record.platforms[0]?.platform
    });
    if (index && withPlatforms) {
      for (const p of record.platforms) {
        targets.push({
          ref: `${record.image}@${p.digest}`,
          image: record.image,
          digest: p.digest,
          name: `${record.service}-${p.platform.replace(/\//g, '-')}`,
          kind: 'platform',
          platform: p.platform
        });
      }
    }
  }
  return dedupe(targets);
}

export function targetsFromRefs(refs: string[], inputName: string): Target[] {
  return dedupe(
    refs.map((ref) => {
      const { image, digest } = requireDigest(ref, inputName);
      return {
        ref: `${image}@${digest}`,
        image,
        digest,
        name: image.split('/').at(-1) ?? 'image',
        kind: 'image' as const
      };
    })
  );
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => (seen.has(t.ref) ? false : (seen.add(t.ref), true)));
}

/** Targets from exactly one of the two inputs; errors name them. */
export function resolveTargets(opts: {
  recordInput: string | undefined;
  refs: string[];
  withPlatforms: boolean;
  recordInputName?: string;
  refsInputName?: string;
}): Target[] {
  const recordName = opts.recordInputName ?? 'image-record';
  const refsName = opts.refsInputName ?? 'images';
  if (opts.recordInput && opts.refs.length) {
    throw new ConfigurationError(`Set either '${recordName}' or '${refsName}', not both`);
  }
  if (opts.recordInput)
    return targetsFromRecords(parseImageRecords(opts.recordInput, recordName), opts.withPlatforms);
  if (opts.refs.length) return targetsFromRefs(opts.refs, refsName);
  throw new ConfigurationError(
    `Nothing to act on: set '${recordName}' (the build action's image-record output, one record or a JSON array) ` +
      `or '${refsName}' (image@sha256:<digest>, one per line)`
  );
}

/** Reads a manifest by digest (a RegistryClient in the actions, a stub in tests). */
export type ManifestReader = (
  image: string,
  digest: string
) => Promise<{ mediaType: string; manifest: Manifest }>;

/**
 * For `images` references (no image record to tell): asks the registry whether a digest is an index and, if so, adds
 * its platform manifests (buildx attestation manifests are not platforms). A registry that cannot be read leaves the
 * target as it is: cosign/trivy then report the real error.
 */
export async function expandIndexes(
  targets: Target[],
  read: ManifestReader,
  withPlatforms: boolean,
  onError: (target: Target, error: unknown) => void = () => undefined
): Promise<Target[]> {
  const out: Target[] = [];
  for (const t of targets) {
    if (t.kind !== 'image') {
      out.push(t);
      continue;
    }
    let fetched: { mediaType: string; manifest: Manifest };
    try {
      fetched = await read(t.image, t.digest);
    } catch (error) {
      onError(t, error);
      out.push(t);
      continue;
    }
    if (!INDEX_MEDIA_TYPES.includes(fetched.mediaType) && !fetched.manifest.manifests) {
      out.push(t);
      continue;
    }
    out.push({ ...t, kind: 'index' });
    if (!withPlatforms) continue;
    for (const d of fetched.manifest.manifests ?? []) {
      if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || !d.platform) continue;
      const platform = [d.platform.os, d.platform.architecture, d.platform.variant].filter(Boolean).join('/');
      out.push({
        ref: `${t.image}@${d.digest}`,
        image: t.image,
        digest: d.digest,
        name: `${t.name}-${platform.replace(/\//g, '-')}`,
        kind: 'platform',
        platform
      });
    }
  }
  return dedupe(out);
}

/** A ManifestReader over the registry API with the job's docker credentials (docker login). */
export function registryManifestReader(): ManifestReader {
  const clients = new Map<string, RegistryClient>();
  return async (image, digest) => {
    const ref = parseImageRef(image);
    let client = clients.get(ref.registry);
    if (!client) {
      client = new RegistryClient(ref.registry, dockerConfigCredentials(ref.registry));
      clients.set(ref.registry, client);
    }
    return client.getManifest(ref.repository, digest);
  };
}

/** Whether image@digest exists in its repository (a HEAD of the manifest in the actions, a stub in unit tests). */
export type DigestProbe = (image: string, digest: string) => Promise<boolean>;

/**
 * Every digest must exist in its repository before anything is signed or attested: cosign would otherwise push a `.sig`/
 * `.att` for a digest that names nothing there (dangling), and a half-done list is worse than none.
 * `inputName` is the input the targets came from ('image-record' or 'images').
 */
export async function checkTargetsExist(
  targets: Target[],
  probe: DigestProbe,
  inputName: string,
  what = 'signed (a signature of a missing digest would dangle)'
): Promise<void> {
  const missing: Target[] = [];
  for (const t of targets) {
    let exists: boolean;
    try {
      exists = await probe(t.image, t.digest);
    } catch (error) {
      throw new ConfigurationError(
        `Could not check that ${t.ref} exists: ${errorMessage(error)}. Nothing was ${what}.`
      );
    }
    if (!exists) missing.push(t);
  }
  if (missing.length > 0) {
    const absent = missing.map((t) => `digest ${t.digest} does not exist in repository ${t.image}`);
    throw new ConfigurationError(
      `Input '${inputName}': ${absent.join('; ')}. Nothing was ${what}. Pass the digest the build step pushed ` +
        `(its 'image-record' output), or fix the repository name in '${inputName}'.`
    );
  }
}

/** A DigestProbe over the registry API (a GET of the manifest: an HTML page or a 5xx is an error, a 404 is absent). */
export function registryDigestProbe(read: ManifestReader = registryManifestReader()): DigestProbe {
  return async (image, digest) => {
    try {
      await read(image, digest);
      return true;
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) return false;
      throw error;
    }
  };
}
