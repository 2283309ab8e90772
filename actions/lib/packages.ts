/**
 * GitHub Packages REST API for container packages: owner kind (user or organisation), version listing (100 per page
 * through `octokit.paginate`), delete by version id, and the follow-up read that proves a delete.
 *
 * Retries and rate limits are the client's business (lib/github.ts: @octokit/plugin-retry and
 * @octokit/plugin-throttling); this module only names the pages and requests it makes.
 */
import { ConfigurationError, httpStatus, type HttpErrorLike } from './errors.js';
import type { Octokit } from './github.js';

export type OwnerKind = 'User' | 'Organization';

export interface PackageVersion {
  id: number;
  /** manifest digest, sha256:<hex> */
  digest: string;
  tags: string[];
  createdAt: string;
  /** GitHub's updated_at (the version's last change); equal to createdAt when GitHub gives none */
  updatedAt: string;
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

/** What a DELETE did: deleted, or answered 404 and a follow-up read shows the version gone. */
export type DeleteOutcome = 'deleted' | 'gone';

/**
 * A DELETE GitHub answered 404 while the version is still there: the token may list the package but not delete its
 * versions (GitHub has been reported to answer 404 rather than 403 then).
 */
export class DeleteRefusedError extends Error {
  override readonly name = 'DeleteRefusedError';
}

/** The packages endpoints for one owner. Every page and request counts towards `requests` (bench and tests). */
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
      if (httpStatus(error) === 404) {
        throw new ConfigurationError(
          `Input 'owner': '${owner}' is neither a GitHub user nor an organisation. Set it to the account that owns the packages.`
        );
      }
      throw error;
    }
  }

  /** Every item of a paginated GET, counting pages. */
  private async all<T>(route: string, params: Record<string, unknown>): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.octokit.paginate.iterator(route, { per_page: 100, ...params })) {
      this.requests++;
      out.push(...(page.data as T[]));
    }
    return out;
  }

  /** Names of the owner's container packages (for name patterns). */
  async listPackages(scope: PackageScope): Promise<string[]> {
    const list = await this.all<{ name: string }>(`GET ${scopePath(scope)}/packages`, {
      package_type: 'container'
    });
    return list.map((p) => p.name);
  }

  /** Every version of a container package, newest (updated_at) first; a missing package is a ConfigurationError. */
  async listVersions(scope: PackageScope, name: string): Promise<PackageVersion[]> {
    let raw: {
      id: number;
      name: string;
      created_at: string;
      updated_at?: string;
      metadata?: { container?: { tags?: string[] } };
    }[];
    try {
      raw = await this.all(`GET ${scopePath(scope)}/packages/container/{package_name}/versions`, {
        package_name: name,
        state: 'active'
      });
    } catch (error) {
      if (httpStatus(error) === 404) {
        throw new ConfigurationError(
          `Package '${name}' was not found for ${scope.kind === 'Organization' ? 'organisation' : 'user'} '${scope.owner}' ` +
            `(GET …/packages/container/${name}/versions answered 404). Check the name in 'packages' (or the services ` +
            `manifest) and that the token can read the package (permissions: packages: read).`
        );
      }
      throw error;
    }
    const versions = raw.map((v) => ({
      id: v.id,
      digest: v.name,
      tags: v.metadata?.container?.tags ?? [],
      createdAt: v.created_at,
      updatedAt: v.updated_at && v.updated_at > v.created_at ? v.updated_at : v.created_at
    }));
    return versions.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id);
  }

  /** Does the version still exist? (GET …/versions/{id}: 200 yes, 404 no) */
  async versionExists(scope: PackageScope, name: string, id: number): Promise<boolean> {
    this.requests++;
    try {
      await this.octokit.request(
        `GET ${scopePath(scope)}/packages/container/{package_name}/versions/{package_version_id}`,
        { package_name: name, package_version_id: id }
      );
      return true;
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw error;
    }
  }

  /**
   * Deletes one version. A 404 counts as deleted only when a follow-up read shows the version gone (a retried DELETE
   * that had succeeded); if it is still there the delete was refused: DeleteRefusedError.
   */
  async deleteVersion(scope: PackageScope, name: string, id: number): Promise<DeleteOutcome> {
    this.requests++;
    try {
      await this.octokit.request(
        `DELETE ${scopePath(scope)}/packages/container/{package_name}/versions/{package_version_id}`,
        { package_name: name, package_version_id: id }
      );
      return 'deleted';
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
      if (!(await this.versionExists(scope, name, id))) return 'gone';
      throw new DeleteRefusedError(
        `GitHub answered 404 to DELETE of version ${id} of package '${name}', but the version is still there: the token ` +
          `may read the package but not delete it. Give the job 'permissions: packages: write' and the repository Admin ` +
          `access to the package (package settings → Manage Actions access), or pass a token with delete:packages in 'github-token'.`
      );
    }
  }
}

/** Is this 403/429 a rate limit (primary or secondary) rather than a missing permission? */
export function isRateLimitError(error: unknown): boolean {
  const e = error as HttpErrorLike;
  if (e.status !== 403 && e.status !== 429) return false;
  const h = e.response?.headers ?? {};
  const data = e.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : (e.message ?? '');
  return (
    e.status === 429 ||
    h['retry-after'] !== undefined ||
    String(h['x-ratelimit-remaining']) === '0' ||
    /rate limit/i.test(message)
  );
}

/** A 403 from GitHub that says the token may not do this (not a rate limit). */
export function isPermissionError(error: unknown): boolean {
  return httpStatus(error) === 403 && !isRateLimitError(error);
}
