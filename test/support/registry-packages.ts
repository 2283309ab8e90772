/**
 * The GitHub fake's packages endpoints served from the REAL local registry: every manifest stored in a repository
 * `<owner>/<package>` is a package version (id stable per digest, tags from the registry's tag links, created_at the
 * time the manifest was stored unless a test sets it), and deleting a version deletes the manifest through the
 * registry API (which also drops its tags), as GHCR does.
 *
 * Versions are read from the registry's storage directory (distribution's filesystem layout), because the registry
 * API cannot list untagged manifests. Also here: pushing tiny synthetic OCI images, indexes, cosign-style
 * attachments and referrers straight over HTTP, for tests that need hundreds of histories quickly.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { addPackage, ensureAccount, type FakePackageVersion, type FakeState } from './github-fake/index.js';

export const REGISTRY = process.env.SLIPWAY_TEST_REGISTRY ?? '127.0.0.1:5000';
export const REGISTRY_STORAGE = process.env.SLIPWAY_REGISTRY_DATA ?? '/var/lib/slipway-registry';
const REPOS_DIR = (storage: string): string => path.join(storage, 'docker/registry/v2/repositories');

export interface RegistryPackages {
  /** pin a version's created_at (ISO) by digest, e.g. to age it past older-than */
  setCreatedAt(digest: string, at: Date | string): void;
  /** declare a package so it is listed by GET …/packages (names/patterns) */
  declare(owner: string, name: string): void;
  /** manifests deleted through the fake, in order */
  deleted: { owner: string; name: string; digest: string }[];
}

function readLink(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every manifest of `<repository>` in the registry storage, with its tags; undefined when there is no such repo. */
export function storedManifests(
  repository: string,
  storage = REGISTRY_STORAGE
): { digest: string; tags: string[]; storedAt: Date }[] | undefined {
  const dir = path.join(REPOS_DIR(storage), repository, '_manifests');
  if (!existsSync(dir)) return undefined;
  const revisions = path.join(dir, 'revisions/sha256');
  const out = new Map<string, { digest: string; tags: string[]; storedAt: Date }>();
  for (const hex of existsSync(revisions) ? readdirSync(revisions) : []) {
    const link = path.join(revisions, hex, 'link');
    // a deleted manifest leaves its directory without a link; a DELETE in flight can remove it between two calls
    const stat = statSync(link, { throwIfNoEntry: false });
    if (!stat) continue;
    out.set(`sha256:${hex}`, { digest: `sha256:${hex}`, tags: [], storedAt: stat.mtime });
  }
  const tagsDir = path.join(dir, 'tags');
  for (const tag of existsSync(tagsDir) ? readdirSync(tagsDir).sort() : []) {
    const digest = readLink(path.join(tagsDir, tag, 'current/link'));
    const entry = digest ? out.get(digest) : undefined;
    if (entry) entry.tags.push(tag);
  }
  return [...out.values()];
}

/**
 * The manifest `digest` of `repository` as the registry would serve it, read from storage (undefined when the
 * repository has no such revision): for checks over many histories without an HTTP round trip each.
 */
export function storedManifest(
  repository: string,
  digest: string,
  storage = REGISTRY_STORAGE
): { mediaType?: string; manifests?: { digest: string; mediaType: string }[] } | undefined {
  const hex = digest.replace(/^sha256:/, '');
  const link = path.join(REPOS_DIR(storage), repository, '_manifests/revisions/sha256', hex, 'link');
  if (!existsSync(link)) return undefined;
  const data = path.join(storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
  return JSON.parse(readFileSync(data, 'utf8')) as {
    mediaType?: string;
    manifests?: { digest: string; mediaType: string }[];
  };
}

export function attachRegistryPackages(
  state: FakeState,
  opts: { registry?: string; storage?: string } = {}
): RegistryPackages {
  const registry = opts.registry ?? REGISTRY;
  const storage = opts.storage ?? REGISTRY_STORAGE;
  const ids = new Map<string, number>();
  let nextId = 500_000;
  const created = new Map<string, string>();
  const deleted: RegistryPackages['deleted'] = [];
  const iso = (d: Date | string): string =>
    (typeof d === 'string' ? new Date(d) : d).toISOString().replace(/\.\d{3}Z$/, 'Z');

  state.packageSource = (owner, name) => {
    const repository = `${owner.toLowerCase()}/${name}`;
    const manifests = storedManifests(repository, storage);
    if (!manifests) return undefined;
    const versions: FakePackageVersion[] = manifests.map((m) => {
      const key = `${repository}@${m.digest}`;
      if (!ids.has(key)) ids.set(key, nextId++);
      const at = created.get(m.digest) ?? iso(m.storedAt);
      return { id: ids.get(key)!, name: m.digest, created_at: at, updated_at: at, tags: m.tags };
    });
    return versions.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
  };
  state.onDeleteVersion = async (owner, name, version) => {
    const res = await fetch(
      `http://${registry}/v2/${owner.toLowerCase()}/${name}/manifests/${version.name}`,
      { method: 'DELETE' }
    );
    if (!res.ok && res.status !== 404)
      throw new Error(`registry DELETE ${name}@${version.name}: HTTP ${res.status} ${await res.text()}`);
    deleted.push({ owner, name, digest: version.name });
  };
  return {
    deleted,
    setCreatedAt: (digest, at) => void created.set(digest, iso(at)),
    declare(owner, name) {
      ensureAccount(state, owner);
      addPackage(state, owner, name, { versions: [] });
    }
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Synthetic content pushed straight to the registry

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const EMPTY = 'application/vnd.oci.empty.v1+json';

export interface PushedManifest {
  digest: string;
  size: number;
  mediaType: string;
  manifest: Record<string, unknown>;
}

export const sha256 = (data: string | Buffer): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

const pushedBlobs = new Map<string, Promise<string>>();

/** Monolithic blob upload, once per repository and process (concurrent callers share the upload). */
export function pushBlob(repository: string, data: string | Buffer, registry = REGISTRY): Promise<string> {
  const digest = sha256(data);
  const key = `${registry}/${repository}@${digest}`;
  if (!pushedBlobs.has(key)) {
    const upload = uploadBlob(repository, data, digest, registry);
    upload.catch(() => pushedBlobs.delete(key));
    pushedBlobs.set(key, upload);
  }
  return pushedBlobs.get(key)!;
}

async function uploadBlob(
  repository: string,
  data: string | Buffer,
  digest: string,
  registry: string
): Promise<string> {
  const start = await fetch(`http://${registry}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload start ${repository}: HTTP ${start.status}`);
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location')!, `http://${registry}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: typeof data === 'string' ? Buffer.from(data) : data
  });
  if (put.status !== 201)
    throw new Error(`blob upload ${repository}: HTTP ${put.status} ${await put.text()}`);
  await put.arrayBuffer();
  return digest;
}

export async function pushManifest(
  repository: string,
  manifest: Record<string, unknown>,
  reference?: string,
  registry = REGISTRY
): Promise<string> {
  const body = JSON.stringify(manifest);
  const digest = sha256(body);
  const res = await fetch(`http://${registry}/v2/${repository}/manifests/${reference ?? digest}`, {
    method: 'PUT',
    headers: { 'content-type': String(manifest.mediaType) },
    body
  });
  if (res.status !== 201)
    throw new Error(
      `manifest PUT ${repository}:${reference ?? digest}: HTTP ${res.status} ${await res.text()}`
    );
  return digest;
}

/** A tiny single-platform OCI image (its config carries the platform and a seed so every image differs). */
export async function pushTinyImage(
  repository: string,
  seed: string,
  opts: {
    tag?: string;
    platform?: string;
    subject?: { digest: string; mediaType: string; size: number };
    artifactType?: string;
  } = {}
): Promise<PushedManifest> {
  const [os, architecture] = (opts.platform ?? 'linux/amd64').split('/');
  // config and layer are shared by every image of a repository (one upload each); the seed in the manifest's
  // annotations makes every manifest, and so every version, distinct
  const config = JSON.stringify({ architecture, os, rootfs: { type: 'layers', diff_ids: [] } });
  const configDigest = await pushBlob(repository, config);
  const layer = 'tiny layer';
  const layerDigest = await pushBlob(repository, layer);
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(opts.artifactType ? { artifactType: opts.artifactType } : {}),
    config: {
      mediaType: opts.artifactType ? EMPTY : OCI_CONFIG,
      digest: configDigest,
      size: Buffer.byteLength(config)
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: layerDigest,
        size: Buffer.byteLength(layer)
      }
    ],
    ...(opts.subject ? { subject: opts.subject } : {}),
    annotations: { 'test.seed': seed }
  };
  const digest = await pushManifest(repository, manifest, opts.tag);
  return { digest, size: Buffer.byteLength(JSON.stringify(manifest)), mediaType: OCI_MANIFEST, manifest };
}

/** An OCI index over already-pushed manifests. */
export async function pushTinyIndex(
  repository: string,
  children: { digest: string; size: number; platform?: string; mediaType?: string }[],
  opts: { tag?: string; seed?: string } = {}
): Promise<PushedManifest> {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((c) => {
      const [os, architecture] = (c.platform ?? 'linux/amd64').split('/');
      return {
        mediaType: c.mediaType ?? OCI_MANIFEST,
        digest: c.digest,
        size: c.size,
        platform: { os, architecture }
      };
    }),
    annotations: { 'test.seed': opts.seed ?? 'index' }
  };
  const digest = await pushManifest(repository, manifest, opts.tag);
  return { digest, size: Buffer.byteLength(JSON.stringify(manifest)), mediaType: OCI_INDEX, manifest };
}

/** `sha256-<hex>.<suffix>` tag as cosign writes it for a signature/attestation/SBOM of `subject`. */
export const cosignTag = (subject: string, suffix: 'sig' | 'att' | 'sbom'): string =>
  `${subject.replace(':', '-')}.${suffix}`;

/**
 * Records a deployment in the fake's state as the deploy action would through the API: the payload carries
 * `{ slipway: { images: [{ service, image, digest }] } }`; a `success` marks the environment's earlier successful
 * deployments inactive (GitHub's auto_inactive).
 */
export function recordDeployment(
  state: FakeState,
  repo: string,
  environment: string,
  images: { service: string; image: string; digest: string }[],
  outcome: 'success' | 'failure' | 'in_progress' | 'queued'
): number {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  state.idCounter += 1;
  const id = state.idCounter;
  state.deployments.push({
    id,
    repo,
    ref: 'main',
    sha: 'a'.repeat(40),
    task: 'deploy',
    environment,
    original_environment: environment,
    description: null,
    payload: { slipway: { images } },
    transient_environment: false,
    production_environment: environment === 'production',
    creator: state.viewer,
    created_at: at,
    updated_at: at
  });
  const status = (
    deploymentId: number,
    s: 'success' | 'failure' | 'in_progress' | 'queued' | 'inactive'
  ): void => {
    state.idCounter += 1;
    state.deploymentStatuses.push({
      id: state.idCounter,
      deployment_id: deploymentId,
      repo,
      state: s,
      description: '',
      environment,
      target_url: `https://example.test/${deploymentId}`,
      log_url: '',
      environment_url: '',
      creator: state.viewer,
      created_at: at,
      updated_at: at
    });
  };
  if (outcome === 'success') {
    for (const other of state.deployments) {
      if (other.id === id || other.repo !== repo || other.environment !== environment) continue;
      const latest = state.deploymentStatuses.filter((x) => x.deployment_id === other.id).at(-1);
      if (latest?.state === 'success') status(other.id, 'inactive');
    }
  }
  status(id, outcome);
  return id;
}
