/**
 * Runs a plan: deletes the planned versions by id, in a safe order, and stops at the first failure so the report
 * says exactly what was deleted and what was not. A re-run plans again from what is left and converges.
 */
import { ConfigurationError, errorMessage } from '../lib/errors.js';
import { isPermissionError, type PackagesClient, type PackageScope } from '../lib/packages.js';
import { RegistryError, type Manifest, type RegistryClient } from '../lib/registry.js';
import { deletionOrder, type PackagePlan, type PlannedVersion } from './plan.js';

export interface VersionRef {
  package: string;
  id: number;
  digest: string;
  tags: string[];
}

export interface ExecutionResult {
  deleted: VersionRef[];
  failed?: VersionRef & { error: string };
  notAttempted: VersionRef[];
}

const ref = (pkg: string, v: PlannedVersion): VersionRef => ({
  package: pkg,
  id: v.id,
  digest: v.digest,
  tags: v.tags
});

export async function executePlans(
  client: PackagesClient,
  scope: PackageScope,
  plans: PackagePlan[],
  onDeleted?: (v: VersionRef) => void
): Promise<ExecutionResult> {
  const queue = plans.flatMap((p) => deletionOrder(p.delete).map((v) => ref(p.package, v)));
  const result: ExecutionResult = { deleted: [], notAttempted: [] };
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    try {
      await client.deleteVersion(scope, v.package, v.id);
      result.deleted.push(v);
      onDeleted?.(v);
    } catch (error) {
      result.notAttempted = queue.slice(i + 1);
      if (isPermissionError(error) && result.deleted.length === 0) {
        const accepted = (error as { response?: { headers?: Record<string, string> } }).response?.headers?.[
          'x-accepted-github-permissions'
        ];
        throw new ConfigurationError(
          `The token may not delete versions of package '${v.package}' (HTTP 403: ${errorMessage(error)}${accepted ? `; needs ${accepted}` : ''}). ` +
            `Nothing was deleted. Give the job 'permissions: packages: write' and the repository Admin access to the package ` +
            `(package settings → Manage Actions access), or pass a token with delete:packages in 'github-token'.`
        );
      }
      result.failed = { ...v, error: errorMessage(error) };
      return result;
    }
  }
  return result;
}

/** A manifest fetcher over the registry: 404 → undefined; 429/5xx retried with backoff (Retry-After honoured). */
export function registryFetcher(
  registry: RegistryClient,
  repository: string,
  { retries = 4, baseDelayMs = 500, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) } = {}
): { fetch: (digest: string) => Promise<Manifest | undefined>; count: () => number } {
  let count = 0;
  return {
    count: () => count,
    fetch: async (digest) => {
      for (let attempt = 1; ; attempt++) {
        count++;
        try {
          return (await registry.getManifest(repository, digest)).manifest;
        } catch (error) {
          const status = error instanceof RegistryError ? error.status : undefined;
          if (status === 404) return undefined;
          const retryable = status === undefined || status === 429 || status >= 500;
          if (!retryable || attempt > retries) throw error;
          await sleep(baseDelayMs * 2 ** (attempt - 1));
        }
      }
    }
  };
}
