/** Parsing of image references; Slipway signs, scans and deploys by digest, so digests are checked strictly. */
import { ConfigurationError } from './errors.js';

export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const REPOSITORY_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;

export interface ImageRef {
  /** Registry host[:port], e.g. ghcr.io or localhost:5000 */
  registry: string;
  /** Repository path inside the registry, e.g. acme/api */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw new ConfigurationError(`'${ref}': '${digest}' is not a sha256 digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw new ConfigurationError(`'${ref}': '${tag}' is not a valid tag`);
  }
  const firstSlash = rest.indexOf('/');
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : '';
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  const repository = hasRegistry ? rest.slice(firstSlash + 1) : rest.includes('/') ? rest : `library/${rest}`;
  if (!REPOSITORY_RE.test(repository)) {
    throw new ConfigurationError(
      `'${ref}': repository '${repository}' is not a valid OCI name (lower-case letters, digits, separators . _ - /)`
    );
  }
  return { registry, repository, tag, digest };
}

/** Refuses a tag-only reference where a digest is needed, saying why. */
export function requireDigestRef(ref: string, inputName: string): ImageRef & { digest: string } {
  const parsed = parseImageRef(ref);
  if (!parsed.digest) {
    throw new ConfigurationError(
      `Input '${inputName}': '${ref}' has no digest. Slipway acts only on immutable references ` +
        `(image@sha256:…) because a tag can be moved to another image between build and use. ` +
        `Pass the image record from the build step, or 'image@sha256:<digest>'.`
    );
  }
  return parsed as ImageRef & { digest: string };
}

/** Plain-http registries: loopback, as docker treats them. */
export function isInsecureRegistry(registry: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);
}
