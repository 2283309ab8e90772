/**
 * Local git queries used to decide what changed (never the compare API, which stops at 300 files), and the few
 * fetches that bring what a partial checkout lacks.
 *
 * Every revision that reaches git is a validated object name (see `assertSha`), and every call that takes
 * revisions or a repository ends its options with `--end-of-options` (git ≥ 2.24), so no value from an event
 * payload can ever be read as an option such as `--upload-pack=<command>`:
 * https://git-scm.com/docs/gitcli ("--end-of-options").
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from './errors.js';
import { execTool } from './exec.js';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** A full object name: 40 hex digits (SHA-1) or 64 (SHA-256 repositories). */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isSha(value: string): boolean {
  return SHA.test(value);
}

/** Throws a ConfigurationError naming `field` unless `value` is a full commit SHA. */
export function assertSha(value: string, field: string): string {
  if (!isSha(value)) {
    throw new ConfigurationError(
      `${field} must be a full commit SHA (40 or 64 lower-case hex digits), got ${JSON.stringify(value.slice(0, 100))}: ` +
        'the event payload is not one GitHub sends; re-run the workflow from a real push or pull request event'
    );
  }
  return value;
}

/**
 * git check-ref-format's rules for a full ref name (https://git-scm.com/docs/git-check-ref-format): components
 * separated by `/`, none empty, starting with `.` or ending with `.lock`; no `..`, no `@{`, no control character,
 * space, `~ ^ : ? * [ \`; not ending with `/` or `.`; not the single character `@`. A branch name is valid when
 * `refs/heads/<name>` is, and must not start with `-` (`git check-ref-format --branch`).
 */
export function isValidRefName(ref: string): boolean {
  if (ref === '@' || ref.endsWith('/') || ref.endsWith('.')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{/.test(ref)) return false;
  return ref.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

export function isValidBranchName(branch: string): boolean {
  return !branch.startsWith('-') && isValidRefName(`refs/heads/${branch}`);
}

/** What a fetch was for and the exact git arguments it ran; plan logs and outputs these. */
export interface FetchRecord {
  purpose: string;
  args: string[];
  ok: boolean;
}

export class Git {
  /** Every fetch this instance ran, in order. */
  readonly fetches: FetchRecord[] = [];

  constructor(
    readonly cwd: string,
    readonly remote = 'origin',
    private readonly onFetch?: (fetch: FetchRecord) => void
  ) {}

  /**
   * GIT_NO_LAZY_FETCH stops a partial clone (`filter: blob:none`, sparse-checkout) from fetching a missing object
   * behind our back (git ≥ 2.45; older git: we only hand git commits we checked are present).
   * https://git-scm.com/docs/git#Documentation/git.txt-codeGITNOLAZYFETCHcode
   */
  private async git(args: string[], ignoreReturnCode = false): Promise<{ exitCode: number; stdout: string }> {
    return execTool('git', args, { cwd: this.cwd, ignoreReturnCode, env: { GIT_NO_LAZY_FETCH: '1' } });
  }

  /** `<git-dir>/shallow`, absolute; learnt with the first rev-parse (isRepository or isShallow). */
  private shallowFile?: string;
  /** The checked-out commit, as isRepository found it (undefined: not asked, or no commit yet). */
  private headCommit?: string;

  /** Whether `cwd` is in a work tree; learns the shallow file's path and HEAD in the same rev-parse. */
  async isRepository(): Promise<boolean> {
    const ask = (extra: string[]) =>
      this.git(['rev-parse', '--is-inside-work-tree', '--git-path', 'shallow', ...extra], true).catch(
        () => undefined
      );
    // an unborn HEAD (a repository without commits) fails the first form
    const withHead = await ask(['HEAD']);
    const answer = withHead?.exitCode === 0 ? withHead : await ask([]);
    if (answer?.exitCode !== 0) return false;
    const [inside, shallow, head] = answer.stdout.split('\n').map((l) => l.trim());
    if (inside !== 'true') return false;
    if (shallow) this.shallowFile = path.resolve(this.cwd, shallow);
    if (answer === withHead && head && isSha(head)) this.headCommit = head;
    return true;
  }

  /** Whether the commit is in the local object store (see missingCommits). */
  async hasCommit(sha: string): Promise<boolean> {
    return (await this.missingCommits([sha])).length === 0;
  }

  /**
   * The commits of `shas` not in the local object store, in one git call: `rev-list --no-walk --ignore-missing`
   * lists the start commits it has and skips the others. `--missing=print` makes rev-list never fetch a missing
   * object (it turns off fetch_if_missing), unlike `cat-file -e`, which in a partial clone fetches the commit and its
   * whole history from the promisor: https://git-scm.com/docs/git-rev-list#Documentation/git-rev-list.txt---missingmissing-action
   */
  async missingCommits(shas: string[]): Promise<string[]> {
    const unique = [...new Set(shas)];
    for (const sha of unique) assertSha(sha, 'commit');
    if (unique.length === 0) return [];
    const result = await this.git(
      ['rev-list', '--missing=print', '--no-walk', '--ignore-missing', '--end-of-options', ...unique],
      true
    );
    if (result.exitCode !== 0) return unique;
    const listed = new Set(result.stdout.split('\n').map((l) => l.trim()));
    return unique.filter((sha) => !listed.has(sha));
  }

  /**
   * A repository is shallow exactly when `<git-dir>/shallow` exists (git's is_repository_shallow opens that file;
   * gitrepository-layout: "shallow … is internally used and maintained by shallow clone mechanism"), so after the
   * first rev-parse the answer is a file check, fresh after every fetch (`--unshallow` removes the file):
   * https://git-scm.com/docs/gitrepository-layout#Documentation/gitrepository-layout.txt-shallow
   */
  async isShallow(): Promise<boolean> {
    this.shallowFile ??= path.resolve(
      this.cwd,
      (await this.git(['rev-parse', '--git-path', 'shallow'])).stdout.trim()
    );
    return existsSync(this.shallowFile);
  }

  private remoteKnown?: boolean;

  /** Whether the remote exists (asked once: nothing here adds or removes remotes). */
  async hasRemote(): Promise<boolean> {
    this.remoteKnown ??= (await this.git(['remote'], true)).stdout.split('\n').includes(this.remote);
    return this.remoteKnown;
  }

  private async fetch(purpose: string, options: string[], refspecs: string[]): Promise<boolean> {
    if (!(await this.hasRemote())) return false;
    const args = ['fetch', '--no-tags', '--no-recurse-submodules', ...options, '--end-of-options'];
    args.push(this.remote, ...refspecs);
    const ok = (await this.git(args, true)).exitCode === 0;
    const record = { purpose, args: ['git', ...args], ok };
    this.fetches.push(record);
    this.onFetch?.(record);
    return ok;
  }

  /**
   * How a shallow clone fetches `wanted` when the commits `known` (present) will be compared with them: with
   * `history` commits of history below both when every known commit and the checked-out one (HEAD, as isRepository
   * found it) is itself a shallow boundary, as in
   * actions/checkout's default `fetch-depth: 1` (what git knows of them is the commit alone, so `--depth` only
   * deepens: no history present can be cut; the known commits come along so their history arrives in the same
   * fetch, not a second `--deepen`), else the wanted commits alone (`--depth=1`), since `--depth` may also shorten
   * history present ("deepen or shorten the history to the specified number of commits":
   * https://git-scm.com/docs/git-fetch#Documentation/git-fetch.txt---depthdepth). Undefined in a full clone, which
   * stays full: any `--depth` there would make it shallow.
   */
  private async shallowPlan(
    known: string[],
    history: number
  ): Promise<{ depth: string; extra: string[]; withHistory: boolean } | undefined> {
    if (!(await this.isShallow())) return undefined;
    // the boundary commits: `<git-dir>/shallow` holds one object name per line
    const boundaries = new Set(readFileSync(this.shallowFile!, 'utf8').split('\n').filter(isSha));
    // the checkout's own commit is asked too: a boundary there says the checkout fetched commits alone (depth 1)
    const checkout = this.headCommit;
    return history > 1 && checkout !== undefined && [checkout, ...known].every((sha) => boundaries.has(sha))
      ? { depth: `--depth=${history}`, extra: known, withHistory: true }
      : { depth: '--depth=1', extra: [], withHistory: false };
  }

  /**
   * Fetches commits by SHA (GitHub serves any commit it still has, even one a force-push left on no branch:
   * https://github.com/bitcoin/bitcoin/pull/32774, https://github.com/go-gitea/gitea/issues/11958). In a shallow
   * clone see shallowPlan (`history` commits below them, or the commits alone; deepening follows); a full clone
   * stays full. One fetch for all; when that fails (one of them is gone) and several were missing, one each.
   * Returns the commits still missing after the fetches (those whose fetch failed), and whether a fetch that
   * succeeded brought `history` commits of history (shallowPlan's `--depth=<history>`).
   */
  async fetchCommits(
    shas: string[],
    purpose: string,
    history = 1
  ): Promise<{ missing: string[]; withHistory: boolean }> {
    const missing = await this.missingCommits(shas);
    if (missing.length === 0) return { missing: [], withHistory: false };
    const known = [...new Set(shas)].filter((sha) => !missing.includes(sha));
    const plan = await this.shallowPlan(known, history);
    const options = plan ? [plan.depth] : [];
    const extra = plan?.extra ?? [];
    const withHistory = plan?.withHistory ?? false;
    // a fetch by SHA fails unless origin sent every commit asked for, so a fetch that succeeded needs no re-check
    if (await this.fetch(purpose, options, [...missing, ...extra])) return { missing: [], withHistory };
    if (missing.length === 1) return { missing, withHistory: false };
    const still: string[] = [];
    for (const sha of missing) if (!(await this.fetch(purpose, options, [sha, ...extra]))) still.push(sha);
    return { missing: still, withHistory: withHistory && still.length < missing.length };
  }

  /**
   * Fetches a branch into refs/remotes/<remote>/<branch>; in a shallow clone its tip, with `history` commits below
   * it and below `known` when shallowPlan allows (one fetch for the tip and what a merge-base with `known` needs).
   * Whether it succeeded, and whether it brought that history.
   */
  async fetchBranch(
    branch: string,
    purpose: string,
    known: string[] = [],
    history = 1
  ): Promise<{ ok: boolean; withHistory: boolean }> {
    if (!isValidBranchName(branch)) throw new ConfigurationError(`'${branch}' is not a valid branch name`);
    for (const sha of known) assertSha(sha, 'commit');
    const plan = await this.shallowPlan(known, history);
    const ok = await this.fetch(purpose, plan ? [plan.depth] : [], [
      `+refs/heads/${branch}:refs/remotes/${this.remote}/${branch}`,
      ...(plan?.extra ?? [])
    ]);
    return { ok, withHistory: ok && (plan?.withHistory ?? false) };
  }

  /**
   * Deepens a shallow clone below the given commits by `by` commits, or to the full history when `by` is 0; false
   * when the clone is not shallow (never turns a full clone shallow) or the fetch failed.
   */
  async deepen(by: number, shas: string[], purpose: string): Promise<boolean> {
    if (!(await this.isShallow())) return false;
    const option = by > 0 ? `--deepen=${by}` : '--unshallow';
    return this.fetch(purpose, [option], shas);
  }

  /** The whole history of every branch (a full-history scan); false when not shallow or the fetch failed. */
  async unshallowAll(purpose: string): Promise<boolean> {
    if (!(await this.isShallow())) return false;
    return this.fetch(purpose, ['--unshallow'], []);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const args = ['merge-base', '--is-ancestor', '--end-of-options', ancestor, descendant];
    return (await this.git(args, true)).exitCode === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.git(['merge-base', '--end-of-options', a, b], true);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** The commit a full ref name points at (the name is checked with git check-ref-format's rules first). */
  async resolveRef(ref: string): Promise<string | undefined> {
    if (!isValidRefName(ref)) return undefined;
    const result = await this.git(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
      true
    );
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** Changed paths between two commits; renames count as delete + add so both sides trigger. */
  async changedFiles(base: string, head: string): Promise<string[]> {
    assertSha(base, 'range base');
    assertSha(head, 'range head');
    const result = await this.git(['diff', '--name-only', '--no-renames', '-z', base, head, '--']);
    return result.stdout.split('\0').filter(Boolean);
  }
}
