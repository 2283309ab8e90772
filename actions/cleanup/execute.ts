/**
 * Runs a plan: deletes the planned versions by id within a request and time budget, a few at a time, in phases
 * (attachments, then tagged images, then untagged manifests; oldest first within a phase), and marks every entry
 * deleted, failed or not attempted so the report says exactly what happened. A re-run plans again from what is left
 * and converges.
 *
 * Budget: GitHub's primary limit is read from the `x-ratelimit-*` headers of every answer (GITHUB_TOKEN: 1,000
 * requests per hour per repository; a personal token 5,000 per hour); deletes stop while a reserve is still left for
 * the other jobs of the repository. Secondary limits (100 concurrent requests; 900 points per minute, a DELETE
 * costing 5 points) are kept by the client's write queue (lib/github.ts): `concurrency` deletes in flight, started
 * at least `intervalMs` apart. https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
import { sleep, backoffDelay } from '../lib/backoff.js';
import { errorMessage, httpStatus } from '../lib/errors.js';
import type { RateLimitState } from '../lib/github.js';
import {
  DeleteRefusedError,
  isPermissionError,
  isRateLimitError,
  type PackagesClient,
  type PackageScope
} from '../lib/packages.js';
import type { Manifest, RegistryClient } from '../lib/registry.js';
import { deletionOrder, deletionPhase, type PackagePlan, type PlannedVersion } from './plan.js';

export interface VersionRef {
  package: string;
  id: number;
  digest: string;
  tags: string[];
}

/** Where deletion progress goes: the job log's info lines and groups (core.info / startGroup / endGroup). */
export interface ProgressLog {
  info(line: string): void;
  startGroup(name: string): void;
  endGroup(): void;
}

/**
 * The deletions' progress for the job log: one `[n/N] deleted …` line each, inside one group opened at the first
 * deletion, so a run that deletes thousands of versions folds them into one expandable line. `end` closes it.
 */
export function deletionProgress(out: ProgressLog): {
  onDeleted: (v: VersionRef, n: number, total: number) => void;
  end: () => void;
} {
  let open = false;
  return {
    onDeleted: (v, n, total) => {
      if (!open) {
        open = true;
        out.startGroup(`Deleting ${total} package version(s)`);
      }
      out.info(
        `[${n}/${total}] deleted ${v.package} version ${v.id} ${v.digest} ${v.tags.join(' ')}`.trimEnd()
      );
    },
    end: () => {
      if (open) out.endGroup();
      open = false;
    }
  };
}

export type StopReason = 'failure' | 'rate limit' | 'request budget' | 'time budget';

export interface ExecutionResult {
  deleted: VersionRef[];
  failed: (VersionRef & { error: string })[];
  notAttempted: VersionRef[];
  /** set when the run ended before the last planned delete */
  stopped?: { reason: StopReason; detail: string };
}

export interface Budget {
  /** the client's view of the primary limit (x-ratelimit-* of the last answer) */
  rateLimit?: RateLimitState & { seenAtRequest?: number };
  /** the client's request count, to discount requests sent since the last answer */
  requests?: () => number;
  /** requests left unused for the repository's other jobs (default: 10% of the limit, at least 20) */
  reserve?: number;
  /** epoch ms after which no delete is started */
  deadline?: number;
  now?: () => number;
}

export interface ExecuteOptions {
  /** deletes in flight at once (default 3) */
  concurrency?: number;
  budget?: Budget;
  onDeleted?: (v: VersionRef, n: number, total: number) => void;
}

const ref = (pkg: string, v: PlannedVersion): VersionRef => ({
  package: pkg,
  id: v.id,
  digest: v.digest,
  tags: v.tags
});

/** Requests a delete may still cost (a DELETE, and a follow-up GET when GitHub answers 404). */
const COST = 2;

/** Why no more deletes may start, or undefined. */
export function budgetStop(
  budget: Budget,
  inFlight: number
): { reason: StopReason; detail: string } | undefined {
  const now = (budget.now ?? Date.now)();
  if (budget.deadline !== undefined && now >= budget.deadline)
    return {
      reason: 'time budget',
      detail: `the time budget ended at ${new Date(budget.deadline).toISOString()}`
    };
  const rl = budget.rateLimit;
  if (rl?.remaining === undefined) return undefined;
  const sent = budget.requests && rl.seenAtRequest !== undefined ? budget.requests() - rl.seenAtRequest : 0;
  const left = rl.remaining - Math.max(0, sent) - inFlight * COST;
  const reserve = budget.reserve ?? Math.max(20, Math.ceil((rl.limit ?? 0) / 10));
  if (left - COST < reserve) {
    const reset = rl.reset ? ` (resets at ${new Date(rl.reset * 1000).toISOString()})` : '';
    return {
      reason: 'request budget',
      detail: `${rl.remaining} of the ${rl.limit ?? '?'} GitHub API requests of this hour are left${reset}; ${reserve} are kept for the repository's other jobs`
    };
  }
  return undefined;
}

function failureMessage(error: unknown, v: VersionRef): string {
  if (error instanceof DeleteRefusedError) return error.message;
  if (isPermissionError(error)) {
    const headers = (error as { response?: { headers?: Record<string, string> } }).response?.headers;
    const accepted = headers?.['x-accepted-github-permissions'];
    return (
      `The token may not delete versions of package '${v.package}' (HTTP 403: ${errorMessage(error)}${accepted ? `; needs ${accepted}` : ''}). ` +
      `Give the job 'permissions: packages: write' and the repository Admin access to the package ` +
      `(package settings → Manage Actions access), or pass a token with delete:packages in 'github-token'.`
    );
  }
  return errorMessage(error);
}

export async function executePlans(
  client: PackagesClient,
  scope: PackageScope,
  plans: PackagePlan[],
  options: ExecuteOptions = {}
): Promise<ExecutionResult> {
  const concurrency = Math.max(1, options.concurrency ?? 3);
  const budget = options.budget ?? {};
  const queue = plans.flatMap((p) => deletionOrder(p.delete).map((v) => ({ v, ref: ref(p.package, v) })));
  const total = queue.length;
  const result: ExecutionResult = { deleted: [], failed: [], notAttempted: [] };
  const phases = [0, 1, 2].map((n) => queue.filter((q) => deletionPhase(q.v.kind) === n).map((q) => q.ref));

  // the first delete of the run goes alone: a token that may not delete fails once, not `concurrency` times
  let probed = false;
  for (const phase of phases) {
    let next = 0;
    let inFlight = 0;
    /** Deletes the next version of the phase; false when the phase is done or the run stops. */
    const step = async (): Promise<boolean> => {
      if (result.stopped || next >= phase.length) return false;
      const stop = budgetStop(budget, inFlight);
      if (stop) {
        result.stopped = stop;
        return false;
      }
      const v = phase[next++]!;
      inFlight++;
      try {
        await client.deleteVersion(scope, v.package, v.id);
        result.deleted.push(v);
        options.onDeleted?.(v, result.deleted.length, total);
      } catch (error) {
        if (isRateLimitError(error) && !(error instanceof DeleteRefusedError)) {
          // the client waited as long as it may (lib/github.ts); what is left is for the next run
          result.notAttempted.push(v);
          result.stopped ??= { reason: 'rate limit', detail: `GitHub rate limit: ${errorMessage(error)}` };
        } else {
          result.failed.push({ ...v, error: failureMessage(error, v) });
          result.stopped = { reason: 'failure', detail: failureMessage(error, v) };
        }
      } finally {
        inFlight--;
      }
      return true;
    };
    const worker = async (): Promise<void> => {
      while (await step());
    };
    if (!probed && phase.length > 0) {
      probed = true;
      await step();
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, phase.length) }, worker));
    // everything of this phase not started yet, and every later phase, is not attempted
    if (result.stopped) {
      result.notAttempted.push(...phase.slice(next));
    }
  }
  if (result.stopped) {
    const done = new Set(
      [...result.deleted, ...result.failed, ...result.notAttempted].map((v) => `${v.package}@${v.id}`)
    );
    for (const q of queue) if (!done.has(`${q.ref.package}@${q.ref.id}`)) result.notAttempted.push(q.ref);
  }
  return result;
}

/** A manifest fetcher over the registry: 404 → undefined; network errors, 429 and 5xx retried with backoff. */
export function registryFetcher(
  registry: RegistryClient,
  repository: string,
  { retries = 4, baseDelayMs = 500, wait = sleep } = {}
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
          const status = httpStatus(error);
          if (status === 404) return undefined;
          const retryable = status === undefined || status === 429 || status >= 500;
          if (!retryable || attempt > retries) throw error;
          await wait(backoffDelay(attempt, baseDelayMs));
        }
      }
    }
  };
}
