/**
 * Local git queries used to decide what changed (never the compare API, which stops at 300 files), and the few
 * fetches that bring what a partial checkout lacks.
 *
 * Every revision that reaches git is a validated object name (see `assertSha`), and every call that takes
 * revisions or a repository ends its options with `--end-of-options` (git ≥ 2.24), so no value from an event
 * payload can ever be read as an option such as `--upload-pack=<command>`:
 * https://git-scm.com/docs/gitcli ("--end-of-options").
 */
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

  async isRepository(): Promise<boolean> {
    const result = await this.git(['rev-parse', '--is-inside-work-tree'], true).catch(() => undefined);
    return result?.exitCode === 0 && result.stdout.trim() === 'true';
  }

  /**
   * Whether the commit is in the local object store. `rev-list --missing=print` never fetches a missing object,
   * unlike `cat-file -e`, which in a partial clone fetches the commit and its whole history from the promisor.
   */
  async hasCommit(sha: string): Promise<boolean> {
    assertSha(sha, 'commit');
    const result = await this.git(
      ['rev-list', '--missing=print', '--no-walk', '--end-of-options', sha],
      true
    );
    return result.exitCode === 0 && result.stdout.trim() === sha;
  }

  /**
   * The commits of `shas` not in the local object store, with one git call when all are there (the common case: a
   * full clone, or a commit already fetched); `rev-list` fails on a missing start commit, so then each is asked.
   */
  async missingCommits(shas: string[]): Promise<string[]> {
    const unique = [...new Set(shas)];
    for (const sha of unique) assertSha(sha, 'commit');
    if (unique.length === 0) return [];
    if (unique.length > 1) {
      const result = await this.git(
        ['rev-list', '--missing=print', '--no-walk', '--end-of-options', ...unique],
        true
      );
      const listed = new Set(result.stdout.split('\n').map((l) => l.trim()));
      if (result.exitCode === 0 && unique.every((sha) => listed.has(sha))) return [];
    }
    const missing: string[] = [];
    for (const sha of unique) if (!(await this.hasCommit(sha))) missing.push(sha);
    return missing;
  }

  async isShallow(): Promise<boolean> {
    return (await this.git(['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
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
   * Fetches commits by SHA (GitHub serves any commit it still has, even one a force-push left on no branch:
   * https://github.com/bitcoin/bitcoin/pull/32774, https://github.com/go-gitea/gitea/issues/11958). In a shallow
   * clone only the commits themselves (`--depth=1`; deepening follows); a full clone stays full: `--depth` there
   * would make it shallow. One fetch for all; when that fails (one of them is gone), one each. Returns the commits
   * still missing after the fetches.
   */
  async fetchCommits(shas: string[], purpose: string): Promise<string[]> {
    const missing = await this.missingCommits(shas);
    if (missing.length === 0) return [];
    const depth = (await this.isShallow()) ? ['--depth=1'] : [];
    if (!(await this.fetch(purpose, depth, missing)) && missing.length > 1)
      for (const sha of missing) await this.fetch(purpose, depth, [sha]);
    return this.missingCommits(missing);
  }

  /** Fetches a branch into refs/remotes/<remote>/<branch> (only its tip in a shallow clone). */
  async fetchBranch(branch: string, purpose: string): Promise<boolean> {
    if (!isValidBranchName(branch)) throw new ConfigurationError(`'${branch}' is not a valid branch name`);
    const depth = (await this.isShallow()) ? ['--depth=1'] : [];
    return this.fetch(purpose, depth, [`+refs/heads/${branch}:refs/remotes/${this.remote}/${branch}`]);
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
