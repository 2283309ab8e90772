/**
 * GitHub Packages REST API for container packages: owner kind (user or organisation), version listing 100 per page
 * following the Link header, delete by version id — with retries.
 *
 * Retries are a small explicit loop on Octokit's request hook rather than @octokit/plugin-throttling/-retry:
 * throttling queues every request through Bottleneck and needs callbacks to decide anything, and neither plugin
 * retries a 403 secondary rate limit with a Retry-After the way GitHub documents it. Here one function decides
 * (`retryDelay`): 429, a 403 that is a (secondary) rate limit, 5xx and network errors are retried with
 * exponential backoff, honouring Retry-After and x-ratelimit-reset; a 403 permission error is never retried.
 */
import { ConfigurationError } from './errors.js';
import type { Octokit } from './github.js';

export type OwnerKind = 'User' | 'Organization';

export interface PackageVersion {
  id: number;
  /** manifest digest, sha256:<hex> */
  digest: string;
  tags: string[];
  createdAt: string;
}

export interface RetryOptions {
  /** attempts after the first (default 5) */
  retries?: number;
  /** first backoff in ms (default 1000), doubled per attempt, capped at maxDelayMs */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; status: number | undefined; delayMs: number; what: string }) => void;
}

interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function header(error: HttpErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

function bodyMessage(error: HttpErrorLike): string {
  const data = error.response?.data as { message?: unknown } | undefined;
  return typeof data?.message === 'string' ? data.message : (error.message ?? '');
}

/** Is this 403 a rate limit (primary or secondary) rather than a missing permission? */
export function isRateLimit403(error: HttpErrorLike): boolean {
  return (
    header(error, 'retry-after') !== undefined ||
    header(error, 'x-ratelimit-remaining') === '0' ||
    /rate limit/i.test(bodyMessage(error))
  );
}

/**
 * How long to wait before retrying `error` on attempt `attempt` (1-based), or undefined when it must not be
 * retried. Retry-After (seconds) wins; a primary rate limit waits until x-ratelimit-reset.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  { baseDelayMs = 1000, maxDelayMs = 60_000 }: RetryOptions = {},
  nowMs = Date.now()
): number | undefined {
  const e = error as HttpErrorLike;
  const status = e.status;
  const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  const retryAfter = header(e, 'retry-after');
  const afterMs =
    retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : undefined;
  if (status === undefined) {
    // no HTTP status: a network error (connection reset, DNS) — retry
    return typeof e.message === 'string' ? backoff : undefined;
  }
  if (status === 429 || (status === 403 && isRateLimit403(e))) {
    if (afterMs !== undefined) return afterMs;
    const reset = header(e, 'x-ratelimit-reset');
    if (header(e, 'x-ratelimit-remaining') === '0' && reset && /^\d+$/.test(reset)) {
      return Math.max(0, Number(reset) * 1000 - nowMs) + 1000;
    }
    // secondary rate limit without Retry-After: GitHub asks to wait at least a minute
    return status === 403 ? Math.max(backoff, Math.min(maxDelayMs, 60_000)) : backoff;
  }
  if (status >= 500) return afterMs ?? backoff;
  return undefined;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes every request of `octokit` retry as `retryDelay` decides. Returns the same client. */
export function withRetries(octokit: Octokit, options: RetryOptions = {}): Octokit {
  const retries = options.retries ?? 5;
  const sleep = options.sleep ?? realSleep;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const delay = attempt <= retries ? retryDelay(error, attempt, options) : undefined;
        if (delay === undefined) throw error;
        options.onRetry?.({
          attempt,
          status: (error as HttpErrorLike).status,
          delayMs: delay,
          what: `${requestOptions.method} ${requestOptions.url}`
        });
        await sleep(delay);
      }
    }
  });
  return octokit;
}

export interface PackageScope {
  owner: string;
  kind: OwnerKind;
}

function scopePath(scope: PackageScope): string {
  return scope.kind === 'Organization'
    ? `/orgs/${encodeURIComponent(scope.owner)}`
    : `/users/${encodeURIComponent(scope.owner)}`;
}

/** The packages endpoints for one owner. Every call counts towards `requests` (for the bench and tests). */
export class PackagesClient {
  requests = 0;
  constructor(private readonly octokit: Octokit) {}

  /** User or organisation, from GET /users/{owner} (`type`). */
  async ownerScope(owner: string): Promise<PackageScope> {
    this.requests++;
    try {
      const res = await this.octokit.request('GET /users/{username}', { username: owner });
      return { owner: res.data.login, kind: res.data.type === 'Organization' ? 'Organization' : 'User' };
    } catch (error) {
      if ((error as HttpErrorLike).status === 404) {
        throw new ConfigurationError(
          `Input 'owner': '${owner}' is neither a GitHub user nor an organisation. Set it to the account that owns the packages.`
        );
      }
      throw error;
    }
  }

  /** Names of the owner's container packages (for name patterns). */
  async listPackages(scope: PackageScope): Promise<string[]> {
    const names: string[] = [];
    let url: string | undefined = `${scopePath(scope)}/packages?package_type=container&per_page=100`;
    while (url) {
      this.requests++;
      const res: { data: unknown; headers: Record<string, unknown> } = await this.octokit.request(
        `GET ${url}`
      );
      for (const p of res.data as { name: string }[]) names.push(p.name);
      url = nextLink(res.headers.link);
    }
    return names;
  }

  /** Every version of a container package, newest first; a missing package is a ConfigurationError. */
  async listVersions(scope: PackageScope, name: string): Promise<PackageVersion[]> {
    const versions: PackageVersion[] = [];
    let url: string | undefined =
      `${scopePath(scope)}/packages/container/${encodeURIComponent(name)}/versions?per_page=100&state=active`;
    while (url) {
      this.requests++;
      let res: { data: unknown; headers: Record<string, unknown> };
      try {
        res = await this.octokit.request(`GET ${url}`);
      } catch (error) {
        if ((error as HttpErrorLike).status === 404) {
          throw new ConfigurationError(
            `Package '${name}' was not found for ${scope.kind === 'Organization' ? 'organisation' : 'user'} '${scope.owner}' ` +
              `(GET …/packages/container/${name}/versions answered 404). Check the name in 'packages' (or the services ` +
              `manifest) and that the token can read the package (permissions: packages: read).`
          );
        }
        throw error;
      }
      for (const v of res.data as {
        id: number;
        name: string;
        created_at: string;
        metadata?: { container?: { tags?: string[] } };
      }[]) {
        versions.push({
          id: v.id,
          digest: v.name,
          tags: v.metadata?.container?.tags ?? [],
          createdAt: v.created_at
        });
      }
      url = nextLink(res.headers.link);
    }
    return versions.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  }

  /** Deletes one version; a 404 (already gone, e.g. a retried DELETE that had succeeded) counts as deleted. */
  async deleteVersion(scope: PackageScope, name: string, id: number): Promise<'deleted' | 'gone'> {
    this.requests++;
    try {
      await this.octokit.request(
        `DELETE ${scopePath(scope)}/packages/container/${encodeURIComponent(name)}/versions/${id}`
      );
      return 'deleted';
    } catch (error) {
      if ((error as HttpErrorLike).status === 404) return 'gone';
      throw error;
    }
  }
}

/** The rel="next" URL of a Link header, as a path Octokit can request (same origin as its baseUrl). */
export function nextLink(link: unknown): string | undefined {
  if (typeof link !== 'string') return undefined;
  const m = /<([^>]+)>;\s*rel="next"/.exec(link);
  return m?.[1];
}

/** A 403 from GitHub that says the token may not do this (not a rate limit). */
export function isPermissionError(error: unknown): boolean {
  const e = error as HttpErrorLike;
  return e.status === 403 && !isRateLimit403(e);
}
