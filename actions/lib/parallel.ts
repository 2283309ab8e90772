/**
 * Per-image work inside one job, side by side: at most `limit` at once (default: the runner's cores, as the local
 * executor bounds jobs), every item tried, results in the items' order. Bottleneck (already the API client's
 * limiter) does the bounding.
 */
import os from 'node:os';
import Bottleneck from 'bottleneck';

/** The default bound: the runner's logical cores (GitHub's ubuntu-24.04: 4 on public, 2 on private repositories). */
export function defaultConcurrency(): number {
  return Math.max(1, os.availableParallelism());
}

/** Runs `fn` on every item, at most `limit` at once; settles each (no item is skipped because another failed). */
export async function settleBounded<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  limit = defaultConcurrency()
): Promise<PromiseSettledResult<R>[]> {
  const limiter = new Bottleneck({ maxConcurrent: Math.max(1, limit) });
  return Promise.allSettled(items.map((item, index) => limiter.schedule(() => fn(item, index))));
}

/** The fulfilled values in order; when any item failed, `onFailure` gets the first failure and what succeeded. */
export function fulfilledOrThrow<R>(
  settled: PromiseSettledResult<R>[],
  onFailure: (firstError: unknown, succeeded: R[]) => Error
): R[] {
  const succeeded = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw onFailure(failed.reason, succeeded);
  return succeeded;
}
