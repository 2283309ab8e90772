/**
 * What the cleanup tests and the cleanup bench build alike: a policy that deletes every garbage version (to be
 * narrowed per test) and a package's version history as GitHub lists it (newest first, one minute apart, times to
 * the second).
 */
import type { Policy } from '../../actions/cleanup/policy.js';
import { isoSeconds, type FakePackageVersion } from './github-fake/state.js';

/** Deletes untagged and orphaned versions, keeps nothing by count, protects releases. */
export function deleteAllPolicy(overrides: Partial<Policy> = {}): Policy {
  return {
    keepUntagged: 0,
    deleteTags: [],
    excludeTags: [],
    protectReleases: true,
    deleteUntagged: true,
    deleteOrphans: true,
    ...overrides
  };
}

/**
 * Versions newest first: entry i was created `i` minutes before `end`. Ids come from `nextId` (default 1, 2, …).
 */
export function versionHistory(
  entries: Array<{ name: string; tags: string[] }>,
  opts: { end?: Date; nextId?: () => number } = {}
): FakePackageVersion[] {
  const end = (opts.end ?? new Date()).getTime();
  let id = 0;
  const nextId = opts.nextId ?? (() => ++id);
  return entries.map(({ name, tags }, i) => {
    const at = isoSeconds(new Date(end - i * 60_000));
    return { id: nextId(), name, created_at: at, updated_at: at, tags };
  });
}
