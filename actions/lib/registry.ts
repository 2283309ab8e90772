/**
 * A small OCI distribution client (manifests only) over fetch: GET/HEAD/DELETE manifests and list tags, with the
 * registry bearer-token challenge (GHCR: any username + GITHUB_TOKEN). Loopback registries are plain http.
 */
import * as core from '@actions/core';
import { isInsecureRegistry } from './image-ref.js';

/** The one table of manifest media types: multi-platform indexes (OCI, Docker list) and single images. */
export const INDEX_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
];
const IMAGE_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
];
const MANIFEST_ACCEPT = [...INDEX_MEDIA_TYPES, ...IMAGE_MEDIA_TYPES].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  manifest: Manifest;
}

/**
 * What to check when a registry answers with an error status (the Distribution spec's error codes:
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes; GHCR needs a login with a token
 * that has `packages: read`/`packages: write`:
 * https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry#authenticating-in-a-github-actions-workflow).
 */
export function registryAdvice(status: number, registry: string, repository: string): string {
  const repo = repository ? `${registry}/${repository}` : registry;
  if (status === 401 || status === 403) {
    return (
      `log in to ${registry} with rights to ${repo} before this step (docker/login-action); on ghcr.io the job ` +
      'needs `permissions: packages: read` (`packages: write` to push)'
    );
  }
  if (status === 404) {
    return `check the repository name and the digest/tag (${repo}) and that the registry host is the one the image was pushed to`;
  }
  if (status === 429) return `${registry} is rate-limiting: wait and re-run the job`;
  if (status >= 500) {
    return `${registry} failed on its side (HTTP ${status}): check the registry's status page or logs, then re-run the job`;
  }
  return `check the image reference (${repo}) and the registry's logs`;
}

export class RegistryError extends Error {
  override readonly name: string = 'RegistryError';
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
  }
}

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Methods that change the repository and so need a push token. */
const WRITE_METHODS = new Set(['PUT', 'POST', 'PATCH']);

export class RegistryClient {
  private readonly base: string;
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly registry: string,
    private readonly credentials?: RegistryCredentials
  ) {
    this.base = `${isInsecureRegistry(registry) ? 'http' : 'https'}://${registry === 'docker.io' ? 'registry-1.docker.io' : registry}`;
  }

  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const res = await this.request('GET', repository, `manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    if (res.status === 404)
      throw new RegistryError(
        `${this.registry}/${repository}:${reference}: manifest unknown (HTTP 404): ${registryAdvice(404, this.registry, repository)}`,
        404
      );
    await this.ensureOk(res, `GET manifest ${repository}:${reference}`, repository);
    const body = await res.text();
    const manifest = this.parseManifest(body, res, repository, reference);
    const digest = res.headers.get('docker-content-digest') ?? (await sha256Digest(body));
    return { digest, mediaType: manifest.mediaType ?? res.headers.get('content-type') ?? '', manifest };
  }

  /** The manifest exactly as stored (the bytes its digest is computed over), for copying it under another tag. */
  async getManifestBytes(
    repository: string,
    reference: string
  ): Promise<{ body: Buffer; mediaType: string; digest: string }> {
    const res = await this.request('GET', repository, `manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    if (res.status === 404)
      throw new RegistryError(
        `${this.registry}/${repository}@${reference}: manifest unknown (HTTP 404): ${registryAdvice(404, this.registry, repository)}`,
        404
      );
    await this.ensureOk(res, `GET manifest ${repository}@${reference}`, repository);
    const body = Buffer.from(await res.arrayBuffer());
    const digest = await sha256Digest(body);
    const parsed = this.parseManifest(body.toString('utf8'), res, repository, reference);
    return { body, digest, mediaType: parsed.mediaType ?? res.headers.get('content-type') ?? '' };
  }

  /**
   * A manifest body that is not JSON (a proxy's login page, a web server answering 200 with HTML) fails with a
   * message naming the registry URL, the content-type received and the fix, not a JSON.parse SyntaxError.
   */
  private parseManifest(body: string, res: Response, repository: string, reference: string): Manifest {
    try {
      const value: unknown = JSON.parse(body);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Manifest;
    } catch {
      // reported below
    }
    const type = res.headers.get('content-type') || 'no content-type';
    throw new RegistryError(
      `${this.base}/v2/${repository}/manifests/${reference} answered HTTP ${res.status} ` +
        `with ${type}, not a JSON image manifest: input 'registry' ('${this.registry}') does not point at an OCI ` +
        `registry, or a proxy answered with its own page (a login page?). Set 'registry' to the registry host ` +
        `(e.g. ghcr.io) or fix the proxy`,
      res.status
    );
  }

  /** Stores a manifest under a tag; returns the digest the registry computed. */
  async putManifest(repository: string, tag: string, body: Buffer, mediaType: string): Promise<string> {
    const res = await this.request(
      'PUT',
      repository,
      `manifests/${tag}`,
      { 'content-type': mediaType },
      body
    );
    await this.ensureOk(res, `PUT manifest ${repository}:${tag}`, repository);
    await res.arrayBuffer().catch(() => undefined);
    return res.headers.get('docker-content-digest') ?? '';
  }

  /** The digest a tag (or digest) resolves to, or undefined when it does not exist. */
  async resolve(repository: string, reference: string): Promise<string | undefined> {
    const res = await this.request('HEAD', repository, `manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    if (res.status === 404) return undefined;
    await this.ensureOk(res, `HEAD manifest ${repository}:${reference}`, repository);
    return res.headers.get('docker-content-digest') ?? (await this.getManifest(repository, reference)).digest;
  }

  async listTags(repository: string): Promise<string[]> {
    const res = await this.request('GET', repository, 'tags/list');
    if (res.status === 404) return [];
    await this.ensureOk(res, `GET tags ${repository}`, repository);
    const body = await this.json<{ tags?: string[] | null }>(res, `${this.base}/v2/${repository}/tags/list`);
    return body.tags ?? [];
  }

  private async ensureOk(res: Response, what: string, repository: string): Promise<void> {
    if (res.ok) return;
    const text = await res.text().catch(() => '');
    // an HTML error page says nothing useful and floods the log: name its type instead
    const type = res.headers.get('content-type') ?? '';
    const said =
      /html/i.test(type) || /^\s*</.test(text) ? `(an ${type || 'HTML'} page)` : text.slice(0, 300);
    throw new RegistryError(
      `${what} on ${this.registry}: HTTP ${res.status} ${said}`.trim() +
        `: ${registryAdvice(res.status, this.registry, repository)}`,
      res.status
    );
  }

  /** A JSON body, or a RegistryError naming the URL and what came instead (an HTML page from a proxy, say). */
  private async json<T>(res: Response, url: string): Promise<T> {
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new RegistryError(
        `${url} answered HTTP ${res.status} with ${res.headers.get('content-type') || 'no content-type'}, not ` +
          `JSON: '${this.registry}' does not look like an OCI registry, or a proxy answered with its own page. ` +
          `Check the registry host in the image reference (e.g. ghcr.io) and any proxy in between`,
        res.status
      );
    }
  }

  private async request(
    method: string,
    repository: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Buffer
  ): Promise<Response> {
    const url = `${this.base}/v2/${repository}/${path}`;
    const send = async (): Promise<Response> => {
      const token = this.tokens.get(repository);
      try {
        const res = await fetch(url, {
          method,
          headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...(body ? { body } : {})
        });
        // ACTIONS_STEP_DEBUG: every registry request (https://github.com/actions/toolkit/blob/master/docs/action-debugging.md)
        if (core.isDebug()) core.debug(`registry ${method} ${url} → ${res.status}`);
        return res;
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        if (core.isDebug()) core.debug(`registry ${method} ${url} → ${cause}`);
        throw new RegistryError(
          `registry ${this.registry} is unreachable (${cause}) — is it running and is the address right?`
        );
      }
    };
    let res = await send();
    // no token yet, or one whose scope is too narrow (a pull token met a push): answer the challenge once
    if (res.status === 401) {
      const token = await this.fetchToken(
        res.headers.get('www-authenticate') ?? '',
        repository,
        WRITE_METHODS.has(method)
      );
      if (token === this.tokens.get(repository)) return res; // the same token again: the refusal stands
      await res.arrayBuffer().catch(() => undefined);
      this.tokens.set(repository, token);
      res = await send();
    }
    return res;
  }

  private async fetchToken(challenge: string, repository: string, write: boolean): Promise<string> {
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string])
    );
    if (!/^Bearer/i.test(challenge) || !params.realm) {
      throw new RegistryError(
        `${this.registry} asked for authentication Slipway does not support: '${challenge}'`,
        401
      );
    }
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    // A write asks pull,push itself: GHCR's challenge names a placeholder pull scope whatever the request
    // ("ghcr.io returns a placeholder scope: … scope=\"repository:user/image:pull\"",
    // https://github.com/cloudflare/serverless-registry/issues/148), so taking the challenge's scope for a PUT gets
    // a pull token that the registry refuses; a pusher asks `repository:<name>:pull,push`
    // (the distribution token scope grammar, as oras does, https://github.com/helm/helm/issues/6214).
    url.searchParams.set(
      'scope',
      write ? `repository:${repository}:pull,push` : (params.scope ?? `repository:${repository}:pull`)
    );
    const auth = this.credentials
      ? {
          authorization: `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`
        }
      : undefined;
    const res = await fetch(url, { headers: auth });
    if (core.isDebug()) core.debug(`registry token GET ${url.href} → ${res.status}`);
    if (!res.ok)
      throw new RegistryError(
        `token request to ${url.origin} failed: HTTP ${res.status}: ${registryAdvice(res.status, this.registry, repository)}`,
        res.status
      );
    const body = await this.json<{ token?: string; access_token?: string }>(
      res,
      `${url.origin}${url.pathname}`
    );
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token response from ${url.origin} carried no token`);
    return token;
  }
}

export async function sha256Digest(body: string | Buffer): Promise<string> {
  const { createHash } = await import('node:crypto');
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Compressed size of an image manifest: config + layers, as pushed. */
export function compressedSize(manifest: Manifest): number {
  return (manifest.config?.size ?? 0) + (manifest.layers ?? []).reduce((sum, layer) => sum + layer.size, 0);
}
