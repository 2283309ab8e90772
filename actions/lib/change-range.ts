/**
 * Which commits a run must look at. push → before..after; first push or a force-push (before is not an ancestor
 * of after) → merge-base with the default branch (or with the old tip, on the default branch itself), else all;
 * pull_request → merge-base(base, head)..head; tags, schedule, dispatch, release → all services.
 */
import { type Git, ZERO_SHA } from './git.js';

export type ChangeRange =
  { kind: 'diff'; base: string; head: string; reason: string } | { kind: 'all'; reason: string };

export interface RangeEvent {
  eventName: string;
  ref: string;
  sha: string;
  defaultBranch: string;
  before?: string;
  after?: string;
  prBaseSha?: string;
  prHeadSha?: string;
}

/** The webhook fields a range is computed from (push and pull_request payloads). */
export interface RangePayload {
  before?: string;
  after?: string;
  repository?: { default_branch?: string };
  pull_request?: { base?: { sha?: string }; head?: { sha?: string } };
}

/**
 * The range inputs of a workflow run's event; the default branch is the `default-branch` input when given, else
 * the payload repository's, else main.
 */
export function rangeEventOf(
  ctx: { eventName: string; ref: string; sha: string; payload: unknown },
  defaultBranch?: string
): RangeEvent {
  const event = ctx.payload as RangePayload;
  return {
    eventName: ctx.eventName,
    ref: ctx.ref,
    sha: ctx.sha,
    defaultBranch: defaultBranch ?? event.repository?.default_branch ?? 'main',
    before: event.before,
    after: event.after,
    prBaseSha: event.pull_request?.base?.sha,
    prHeadSha: event.pull_request?.head?.sha
  };
}

/** How far to deepen a shallow clone, in order, before giving up and fetching all history. */
const DEEPEN_STEPS = [50, 500, 0];

/** Runs `find`; while it finds nothing and the clone is shallow, deepens and tries again. */
async function withHistory<T>(git: Git, find: () => Promise<T | undefined>): Promise<T | undefined> {
  let found = await find();
  for (const step of DEEPEN_STEPS) {
    if (found !== undefined) break;
    if (!(await git.deepen(step))) break;
    found = await find();
  }
  return found;
}

async function ensureCommit(git: Git, sha: string): Promise<boolean> {
  return (await git.hasCommit(sha)) || ((await git.fetchCommit(sha)) && (await git.hasCommit(sha)));
}

async function defaultBranchTip(git: Git, defaultBranch: string): Promise<string | undefined> {
  return (
    (await git.revParse(`refs/remotes/${git.remote}/${defaultBranch}`)) ??
    (await git.revParse(`refs/heads/${defaultBranch}`))
  );
}

export async function resolveRange(git: Git, event: RangeEvent): Promise<ChangeRange> {
  const isTag = event.ref.startsWith('refs/tags/');
  if (event.eventName === 'pull_request' || event.eventName === 'pull_request_target') {
    const { prBaseSha: base, prHeadSha: head } = event;
    if (!base || !head) return { kind: 'all', reason: 'pull_request payload has no base/head sha' };
    if (!(await ensureCommit(git, base)) || !(await ensureCommit(git, head))) {
      return { kind: 'all', reason: 'pull request commits are not available locally' };
    }
    const mergeBase = await withHistory(git, () => git.mergeBase(base, head));
    return mergeBase
      ? {
          kind: 'diff',
          base: mergeBase,
          head,
          reason: `pull request: merge-base ${mergeBase.slice(0, 7)}..${head.slice(0, 7)}`
        }
      : { kind: 'all', reason: 'pull request: no merge-base with the base branch' };
  }
  if (event.eventName !== 'push' || isTag) {
    return {
      kind: 'all',
      reason: isTag ? `tag push ${event.ref.slice(10)}` : `${event.eventName} event builds every service`
    };
  }

  const head = event.after ?? event.sha;
  const branch = event.ref.replace(/^refs\/heads\//, '');
  const onDefault = branch === event.defaultBranch;
  const before = event.before && event.before !== ZERO_SHA ? event.before : undefined;

  if (before && (await ensureCommit(git, before))) {
    const ancestor = await withHistory(git, async () =>
      (await git.isAncestor(before, head)) ? true : undefined
    );
    if (ancestor)
      return { kind: 'diff', base: before, head, reason: `push ${before.slice(0, 7)}..${head.slice(0, 7)}` };
  }
  const kind = before ? 'force-push' : 'first push';
  if (!onDefault) {
    const tip = await defaultBranchTip(git, event.defaultBranch);
    const base = tip && (await withHistory(git, () => git.mergeBase(tip, head)));
    if (base && base !== head) {
      return {
        kind: 'diff',
        base,
        head,
        reason: `${kind}: merge-base with ${event.defaultBranch} ${base.slice(0, 7)}..${head.slice(0, 7)}`
      };
    }
  }
  if (before && (await git.hasCommit(before))) {
    const base = await withHistory(git, () => git.mergeBase(before, head));
    if (base)
      return {
        kind: 'diff',
        base,
        head,
        reason: `${kind}: merge-base with the old tip ${base.slice(0, 7)}..${head.slice(0, 7)}`
      };
  }
  return { kind: 'all', reason: `${kind} with no common history: every service` };
}
