/**
 * Version → one digest per service. Slipway always deploys `image@sha256:…`; a tag is resolved once, here, and
 * never again (the digest is what the deployment record, the compose file and the rollback use).
 *
 *   latest            the newest stable GitHub release (GET /releases/latest) → its tag as a semver
 *   1.2.3 / v1.2.3    the registry tag `1.2.3` of every service (what the tags action pushes for a release)
 *   sha256:<hex>      that digest (only with a single service)
 *   image@sha256:…    one reference per service (newline separated), matched to services by repository
 *   JSON              image record(s) from the build action, matched by service
 *   previous          handled by the caller: the previous good deployment of the environment
 */
import semver from 'semver';
import type { DeployedImage } from '../lib/deployments.js';
import { ConfigurationError } from '../lib/errors.js';
import { parseImageRecords } from '../lib/image-record.js';
import { DIGEST_RE, parseImageRef } from '../lib/image-ref.js';
import { boolInput } from '../lib/inputs.js';
import { RegistryError } from '../lib/registry.js';
import type { ServiceConfig } from './config.js';

export type VersionSpec =
  | { kind: 'latest' }
  | { kind: 'previous' }
  | { kind: 'semver'; version: string }
  | { kind: 'digest'; digest: string }
  | { kind: 'refs'; refs: string[] }
  | { kind: 'records'; json: string };

/** Classifies the `version` input (pure). */
export function parseVersionSpec(raw: string): VersionSpec {
  const value = raw.trim();
  if (value === '' || value === 'latest') return { kind: 'latest' };
  if (value === 'previous') return { kind: 'previous' };
  if (value.startsWith('{') || value.startsWith('[')) return { kind: 'records', json: value };
  if (DIGEST_RE.test(value)) return { kind: 'digest', digest: value };
  const stripped = value.replace(/^v/, '');
  if (semver.valid(stripped) && semver.clean(stripped) === stripped)
    return { kind: 'semver', version: stripped };
  const lines = value
    .split(/\r?\n|,/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 0 && lines.every((l) => l.includes('@sha256:'))) return { kind: 'refs', refs: lines };
  throw new ConfigurationError(
    `Input 'version': '${value}' is not a version Slipway can deploy. Use 'latest' (newest stable release), ` +
      `'previous' (the previous good deployment), a semver like 1.2.3 or v1.2.3, 'sha256:<digest>', ` +
      `'image@sha256:<digest>' per service, or the image-record JSON of the build action.`
  );
}

export interface TagResolver {
  /** digest of repository:tag, or undefined when the tag does not exist */
  resolve(image: string, tag: string): Promise<string | undefined>;
  listTags(image: string): Promise<string[]>;
}

export async function resolveSemver(
  version: string,
  services: Record<string, ServiceConfig>,
  registry: TagResolver
): Promise<DeployedImage[]> {
  const images: DeployedImage[] = [];
  const missing: string[] = [];
  for (const [service, cfg] of Object.entries(services)) {
    let digest: string | undefined;
    try {
      digest = await registry.resolve(cfg.image, version);
    } catch (error) {
      if (error instanceof RegistryError) {
        throw new ConfigurationError(`Could not resolve ${cfg.image}:${version}: ${error.message}`);
      }
      throw error;
    }
    if (!digest) {
      const tags = (await registry.listTags(cfg.image).catch(() => [] as string[]))
        .filter((t) => semver.valid(t))
        .sort(semver.rcompare)
        .slice(0, 5);
      missing.push(
        `${cfg.image}:${version} (${service}; newest versions there: ${tags.join(', ') || 'none'})`
      );
      continue;
    }
    images.push({ service, image: cfg.image, digest });
  }
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Version ${version} does not exist for every service: ${missing.join('; ')}. ` +
        `Deploy a version that was released for all services, or fix 'services' in the environment config.`
    );
  }
  return images;
}

export interface RefOptions {
  /**
   * Deploy an image record whose image is not the repository the environment config names for its service
   * (input 'allow-foreign-images'). Off by default: a record of another repository is refused before anything
   * is recorded or touched.
   */
  allowForeignImages: boolean;
}

/**
 * image@digest references or image records → one image per configured service (pure once `options` is given;
 * without it the 'allow-foreign-images' input is read, so the action's entry needs no change).
 */
export function imagesFromRefs(
  spec: Extract<VersionSpec, { kind: 'digest' | 'refs' | 'records' }>,
  services: Record<string, ServiceConfig>,
  options: RefOptions = { allowForeignImages: boolInput('allow-foreign-images', false) }
): DeployedImage[] {
  const names = Object.keys(services);
  if (spec.kind === 'digest') {
    if (names.length !== 1) {
      throw new ConfigurationError(
        `Input 'version': a bare digest is ambiguous with ${names.length} services (${names.join(', ')}); ` +
          `pass 'image@sha256:…' per service or the image records of the build.`
      );
    }
    const service = names[0] as string;
    return [{ service, image: (services[service] as ServiceConfig).image, digest: spec.digest }];
  }
  const byService = new Map<string, DeployedImage>();
  if (spec.kind === 'records') {
    for (const record of parseImageRecords(spec.json, 'version')) {
      const configured = services[record.service];
      if (!configured) {
        throw new ConfigurationError(
          `Input 'version': the image record of service '${record.service}' (${record.image}@${record.digest}) ` +
            `names no service of the environment config (${names.join(', ')}); pass the records of this ` +
            `environment's services, or add '${record.service}' to 'services' in the environment config`
        );
      }
      if (!options.allowForeignImages && normalizeRepo(record.image) !== normalizeRepo(configured.image)) {
        throw new ConfigurationError(
          `Input 'version': the image record of service '${record.service}' is of repository ` +
            `${normalizeRepo(record.image)}, but the environment config deploys '${record.service}' from ` +
            `${normalizeRepo(configured.image)}; nothing was deployed. Pass the record of ${configured.image} ` +
            `(the build of this repository), fix 'services.${record.service}.image' in the environment config, ` +
            `or set 'allow-foreign-images: true' to deploy an image of another repository on purpose`
        );
      }
      byService.set(record.service, { service: record.service, image: record.image, digest: record.digest });
    }
  } else {
    for (const ref of spec.refs) {
      const parsed = parseImageRef(ref);
      const repo = `${parsed.registry}/${parsed.repository}`;
      const service = names.find((n) => normalizeRepo((services[n] as ServiceConfig).image) === repo);
      if (!service) {
        throw new ConfigurationError(
          `Input 'version': '${ref}' is not the image of any service in the environment config (${names.join(', ')})`
        );
      }
      byService.set(service, {
        service,
        image: (services[service] as ServiceConfig).image,
        digest: parsed.digest as string
      });
    }
  }
  const missing = names.filter((n) => !byService.has(n));
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Input 'version' names no image for service(s) ${missing.join(', ')}; give one per service`
    );
  }
  return names.map((n) => byService.get(n) as DeployedImage);
}

function normalizeRepo(image: string): string {
  const parsed = parseImageRef(image);
  return `${parsed.registry}/${parsed.repository}`;
}
