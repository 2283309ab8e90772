/**
 * Which commits a run must look at. push → before..after; first push or a force-push (before is not an ancestor
 * of after) → merge-base with the default branch (or with the old tip, on the default branch itself), else all;
 * pull_request → merge-base(base, head)..head; tags, schedule, dispatch, release → all services.
 *
 * The decision is the one a full clone (actions/checkout `fetch-depth: 0`) gives, in every checkout shape: what
 * the checkout lacks is fetched — the event's commits by SHA, the default branch, then history in steps — and a
 * full clone is never made shallow. actions/checkout's default (`fetch-depth: 1`) fetches only the event's commit
 * as `+<sha>:refs/remotes/origin/<branch>` (or `refs/remotes/pull/<n>/merge`), no other branch:
 * https://github.com/actions/checkout/blob/f548e57e544e1ff5a4c46bf1e1b8685f8e4a348a/src/ref-helper.ts#L77-L140
 */
import { ConfigurationError } from './errors.js';
import { type Git, ZERO_SHA, assertSha, isValidBranchName, isValidRefName } from './git.js';

export type ChangeRange = (
  { kind: 'diff'; base: string; head: string; reason: string } | { kind: 'all'; reason: string }
) & {
  /** set when the decision rests on something missing (no repository, a commit origin no longer has) */
  warning?: string;
};

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

const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value);

/**
 * The range inputs of a workflow run's event; the default branch is the `default-branch` input when given, else
 * the payload repository's, else main. Every value that will reach git is checked here, naming where it came from:
 * commits must be full SHAs and the branch a valid branch name, so a crafted payload (`"before":
 * "--upload-pack=…"`) is refused before any git command runs. Push payload fields:
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
export function rangeEventOf(
  ctx: { eventName: string; ref: string; sha: string; payload: unknown },
  defaultBranch?: string
): RangeEvent {
  const event = (ctx.payload ?? {}) as RangePayload;
  const branchSource = defaultBranch
    ? "input 'default-branch'"
    : event.repository?.default_branch
      ? "event payload field 'repository.default_branch'"
      : undefined;
  const branch = defaultBranch ?? text(event.repository?.default_branch) ?? 'main';
  if (branchSource && !isValidBranchName(branch)) {
    throw new ConfigurationError(
      `${branchSource} is not a valid branch name (git check-ref-format --branch), got ${JSON.stringify(branch.slice(0, 100))}: ` +
        "give the repository's default branch, e.g. main"
    );
  }
  if (ctx.ref && !isValidRefName(ctx.ref)) {
    throw new ConfigurationError(
      `GITHUB_REF is not a valid ref name (git check-ref-format), got ${JSON.stringify(ctx.ref.slice(0, 100))}: run the action from a workflow GitHub started`
    );
  }
  const sha = (value: unknown, field: string): string | undefined => {
    const s = text(value);
    return s === undefined || s === '' ? undefined : assertSha(s, `Event payload field '${field}'`);
  };
  return {
    eventName: ctx.eventName,
    ref: ctx.ref,
    sha: ctx.sha ? assertSha(ctx.sha, 'GITHUB_SHA') : ctx.sha,
    defaultBranch: branch,
    before: sha(event.before, 'before'),
    after: sha(event.after, 'after'),
    prBaseSha: sha(event.pull_request?.base?.sha, 'pull_request.base.sha'),
    prHeadSha: sha(event.pull_request?.head?.sha, 'pull_request.head.sha')
  };
}

/**
 * How much history a shallow clone gets, in order, before giving up and fetching all of it (0): the first step
 * comes with the fetch of the missing commits when the checkout holds commits alone (Git.fetchCommits and
 * fetchBranch report it as `withHistory`), later steps deepen below the range's commits.
 */
const FIRST_HISTORY = 50;
const DEEPEN_STEPS = [FIRST_HISTORY, 500, 0];

/**
 * Runs `find`; while it finds nothing and the clone is shallow, deepens below `shas` and tries again, ending
 * with the full history, so the answer is the one a full clone gives. `fetched`: the first step's history came
 * with the fetch of the commits, so deepening starts at the next step.
 */
async function withHistory<T>(
  git: Git,
  shas: string[],
  why: string,
  find: () => Promise<T | undefined>,
  fetched = false
): Promise<T | undefined> {
  let found = await find();
  for (const step of fetched ? DEEPEN_STEPS.slice(1) : DEEPEN_STEPS) {
    if (found !== undefined) break;
    if (!(await git.deepen(step, shas, why))) break;
    found = await find();
  }
  return found;
}

/**
 * The default branch's tip: the local remote-tracking ref, else fetched from origin (with FIRST_HISTORY commits
 * below it and below `head` when the checkout holds commits alone), else a local branch.
 */
async function defaultBranchTip(
  git: Git,
  branch: string,
  head: string
): Promise<{ tip?: string; fetched: boolean }> {
  const remoteRef = `refs/remotes/${git.remote}/${branch}`;
  const local = await git.resolveRef(remoteRef);
  if (local) return { tip: local, fetched: false };
  const { ok, withHistory } = await git.fetchBranch(
    branch,
    `the default branch ${branch}`,
    [head],
    FIRST_HISTORY
  );
  const tip =
    (ok ? await git.resolveRef(remoteRef) : undefined) ?? (await git.resolveRef(`refs/heads/${branch}`));
  return { tip, fetched: withHistory };
}

const short = (sha: string): string => sha.slice(0, 7);

function noRepository(git: Git): ChangeRange {
  return {
    kind: 'all',
    reason: `${git.cwd} is not a git repository: every service`,
    warning:
      `${git.cwd} is not a git repository, so nothing tells what changed and every service is built: run ` +
      "actions/checkout before this step, or point 'working-directory' at the checkout"
  };
}

export async function resolveRange(git: Git, event: RangeEvent): Promise<ChangeRange> {
  const isTag = event.ref.startsWith('refs/tags/');
  const isPr = event.eventName === 'pull_request' || event.eventName === 'pull_request_target';
  if (!isPr && (event.eventName !== 'push' || isTag)) {
    return {
      kind: 'all',
      reason: isTag ? `tag push ${event.ref.slice(10)}` : `${event.eventName} event builds every service`
    };
  }
  if (!(await git.isRepository())) return noRepository(git);
  return isPr ? pullRequestRange(git, event) : pushRange(git, event);
}

async function pullRequestRange(git: Git, event: RangeEvent): Promise<ChangeRange> {
  const { prBaseSha: base, prHeadSha: head } = event;
  if (!base || !head) {
    return {
      kind: 'all',
      reason: 'pull_request payload has no base/head sha: every service',
      warning:
        'The pull_request event payload has no pull_request.base.sha/head.sha, so every service is built'
    };
  }
  const { missing, withHistory: fetched } = await git.fetchCommits(
    [base, head],
    'the pull request base and head',
    FIRST_HISTORY
  );
  if (missing.length) {
    return {
      kind: 'all',
      reason: 'pull request commits are not available: every service',
      warning:
        `The pull request commit(s) ${missing.map(short).join(', ')} are not in the checkout and origin did not ` +
        "provide them, so every service is built: keep the checkout's origin remote (actions/checkout does)"
    };
  }
  const mergeBase = await withHistory(
    git,
    [base, head],
    'history to the pull request merge-base',
    () => git.mergeBase(base, head),
    fetched
  );
  return mergeBase
    ? {
        kind: 'diff',
        base: mergeBase,
        head,
        reason: `pull request: merge-base ${short(mergeBase)}..${short(head)}`
      }
    : { kind: 'all', reason: 'pull request: no merge-base with the base branch: every service' };
}

async function pushRange(git: Git, event: RangeEvent): Promise<ChangeRange> {
  const head = event.after ?? event.sha;
  if (!head) {
    return {
      kind: 'all',
      reason: 'push payload has no after sha: every service',
      warning: 'The push event has neither an after sha nor GITHUB_SHA, so every service is built'
    };
  }
  const branch = event.ref.replace(/^refs\/heads\//, '');
  const onDefault = branch === event.defaultBranch;
  const before = event.before && event.before !== ZERO_SHA ? event.before : undefined;

  const { missing, withHistory: fetched } = await git.fetchCommits(
    before ? [before, head] : [head],
    'the pushed commits',
    FIRST_HISTORY
  );
  if (missing.includes(head)) {
    return {
      kind: 'all',
      reason: `the pushed commit ${short(head)} is not available: every service`,
      warning:
        `The pushed commit ${head} is not in ${git.cwd} and origin did not provide it, so every service is built: ` +
        "check out the event's commit (actions/checkout does by default) and keep its origin remote"
    };
  }
  const beforeGone = before !== undefined && missing.includes(before);
  if (before && !beforeGone) {
    const ancestor = await withHistory(
      git,
      [before, head],
      'history to the previous tip',
      async () => ((await git.isAncestor(before, head)) ? true : undefined),
      fetched
    );
    if (ancestor)
      return { kind: 'diff', base: before, head, reason: `push ${short(before)}..${short(head)}` };
  }
  const kind = !before ? 'first push' : beforeGone ? 'previous tip gone' : 'force-push';
  const gone = beforeGone
    ? `The push's previous tip ${before} (payload field 'before') is not in the checkout and origin no longer has ` +
      'it, so whether this was a force-push cannot be told'
    : undefined;
  if (!onDefault) {
    const { tip, fetched: tipHistory } = await defaultBranchTip(git, event.defaultBranch, head);
    const base =
      tip &&
      (await withHistory(
        git,
        [tip, head],
        `history to the merge-base with ${event.defaultBranch}`,
        () => git.mergeBase(tip, head),
        tipHistory
      ));
    if (base && base !== head) {
      return {
        kind: 'diff',
        base,
        head,
        reason: `${kind}: merge-base with ${event.defaultBranch} ${short(base)}..${short(head)}`,
        ...(gone
          ? { warning: `${gone}; compared with the default branch ${event.defaultBranch} instead` }
          : {})
      };
    }
  }
  if (before && !beforeGone) {
    const base = await withHistory(
      git,
      [before, head],
      'history to the merge-base with the previous tip',
      () => git.mergeBase(before, head)
    );
    if (base)
      return {
        kind: 'diff',
        base,
        head,
        reason: `${kind}: merge-base with the old tip ${short(base)}..${short(head)}`
      };
  }
  if (beforeGone) {
    return {
      kind: 'all',
      reason: `the previous tip ${short(before)} is gone: every service`,
      warning: `${gone}, and there is nothing else to compare with: every service is built`
    };
  }
  return { kind: 'all', reason: `${kind} with no common history: every service` };
}
