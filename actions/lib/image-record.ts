/**
 * The image record: what the build step produced, passed to every later step (scan, sign, SBOM, deploy) so they
 * act on the pushed digest instead of re-resolving a mutable tag.
 */
import { ConfigurationError } from './errors.js';
import { DIGEST_RE, parseImageRef } from './image-ref.js';

export const IMAGE_RECORD_SCHEMA = 'slipway.image-record/v1';

export interface PlatformImage {
  /** os/arch[/variant] */
  platform: string;
  digest: string;
  /** config + layers, bytes, as stored in the registry */
  compressedSize: number;
}

export interface ImageRecord {
  schema: typeof IMAGE_RECORD_SCHEMA;
  service: string;
  /** repository without tag, e.g. ghcr.io/acme/api */
  image: string;
  /** digest of what the tags point to: the index for a multi-platform image */
  digest: string;
  /** image@digest, the reference every later step uses */
  ref: string;
  /** full tag references that were pushed, e.g. ghcr.io/acme/api:main */
  tags: string[];
  mediaType: string;
  platforms: PlatformImage[];
  /** largest compressed size among the platforms (what one host pulls) */
  compressedSize: number;
  revision?: string;
  createdAt: string;
}

export function recordRef(image: string, digest: string): string {
  return `${image}@${digest}`;
}

/** Parses and checks an image record (JSON text or object) given as an input; errors name the input. */
export function parseImageRecord(raw: string | unknown, inputName = 'image-record'): ImageRecord {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new ConfigurationError(
        `Input '${inputName}' is not JSON (${(error as Error).message}); pass the 'image-record' output of the build action`
      );
    }
  }
  const fail = (what: string): never => {
    throw new ConfigurationError(
      `Input '${inputName}': ${what}; pass the 'image-record' output of the build action`
    );
  };
  if (typeof value !== 'object' || value === null) return fail('expected a JSON object');
  const record = value as Partial<ImageRecord>;
  if (record.schema !== IMAGE_RECORD_SCHEMA)
    fail(`schema must be '${IMAGE_RECORD_SCHEMA}', got '${String(record.schema)}'`);
  if (typeof record.service !== 'string' || record.service === '') fail("'service' is missing");
  if (typeof record.image !== 'string') fail("'image' is missing");
  if (typeof record.digest !== 'string' || !DIGEST_RE.test(record.digest)) {
    fail(`'digest' must be sha256:<64 hex>, got '${String(record.digest)}'`);
  }
  parseImageRef(record.image as string);
  if (!Array.isArray(record.tags)) fail("'tags' must be an array");
  if (!Array.isArray(record.platforms)) fail("'platforms' must be an array");
  (record.platforms as unknown[]).forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      fail(
        `platforms[${i}] must be an object {platform, digest, compressedSize}, got ${JSON.stringify(entry)}`
      );
    }
    const p = entry as Partial<PlatformImage>;
    if (typeof p.platform !== 'string' || !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p.platform)) {
      fail(`platforms[${i}].platform must be 'os/arch[/variant]', got ${JSON.stringify(p.platform ?? null)}`);
    }
    if (typeof p.digest !== 'string' || !DIGEST_RE.test(p.digest)) {
      fail(`platform ${String(p.platform)} has an invalid digest '${String(p.digest)}'`);
    }
  });
  return { ...(record as ImageRecord), ref: recordRef(record.image as string, record.digest as string) };
}

/** Accepts one record or a JSON array of records (the build workflow's aggregated output). */
export function parseImageRecords(raw: string, inputName = 'image-records'): ImageRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ConfigurationError(`Input '${inputName}' is not JSON (${(error as Error).message})`);
  }
  return (Array.isArray(value) ? value : [value]).map((item) => parseImageRecord(item, inputName));
}
