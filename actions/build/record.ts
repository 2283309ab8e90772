/** Builds the image record from what the registry actually holds for the pushed digest. */
import { IMAGE_RECORD_SCHEMA, type ImageRecord, type PlatformImage, recordRef } from '../lib/image-record.js';
import { INDEX_MEDIA_TYPES, type RegistryClient, compressedSize } from '../lib/registry.js';

function platformName(p: { os: string; architecture: string; variant?: string }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export async function describeImage(
  client: RegistryClient,
  repository: string,
  digest: string,
  singlePlatform: string
): Promise<{ mediaType: string; platforms: PlatformImage[] }> {
  const top = await client.getManifest(repository, digest);
  if (!INDEX_MEDIA_TYPES.includes(top.mediaType)) {
    return {
      mediaType: top.mediaType,
      platforms: [{ platform: singlePlatform, digest, compressedSize: compressedSize(top.manifest) }]
    };
  }
  const platforms: PlatformImage[] = [];
  for (const descriptor of top.manifest.manifests ?? []) {
    // buildx attestation manifests are listed as unknown/unknown with a reference-type annotation: not a platform
    if (descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (!descriptor.platform) continue;
    const child = await client.getManifest(repository, descriptor.digest);
    platforms.push({
      platform: platformName(descriptor.platform),
      digest: descriptor.digest,
      compressedSize: compressedSize(child.manifest)
    });
  }
  return { mediaType: top.mediaType, platforms };
}

export function makeImageRecord(opts: {
  service: string;
  image: string;
  digest: string;
  tags: string[];
  mediaType: string;
  platforms: PlatformImage[];
  revision?: string;
  now?: Date;
}): ImageRecord {
  return {
    schema: IMAGE_RECORD_SCHEMA,
    service: opts.service,
    image: opts.image,
    digest: opts.digest,
    ref: recordRef(opts.image, opts.digest),
    tags: opts.tags,
    mediaType: opts.mediaType,
    platforms: opts.platforms,
    compressedSize: Math.max(0, ...opts.platforms.map((p) => p.compressedSize)),
    revision: opts.revision,
    createdAt: (opts.now ?? new Date()).toISOString()
  };
}
