/** Commit-range decisions against real git repositories (a bare origin and clones, as on a runner). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Git, ZERO_SHA, isValidBranchName, isValidRefName } from '../../actions/lib/git.js';
import { rangeEventOf, resolveRange, type RangeEvent } from '../../actions/lib/change-range.js';

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e'
};
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();

function commit(dir: string, file: string): string {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), `${Math.random()}\n`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `change ${file}`);
  return git(dir, 'rev-parse', 'HEAD');
}

function setup(): { dir: string; origin: string; root: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'slipway-range-'));
  const origin = path.join(root, 'origin.git');
  const dir = path.join(root, 'work');
  git(root, 'init', '-q', '--bare', '-b', 'main', origin);
  git(root, 'init', '-q', '-b', 'main', dir);
  git(dir, 'remote', 'add', 'origin', origin);
  commit(dir, 'a/1');
  commit(dir, 'b/1');
  git(dir, 'push', '-q', 'origin', 'main');
  git(dir, 'fetch', '-q', 'origin');
  return { dir, origin, root };
}

const push = (over: Partial<RangeEvent>): RangeEvent => ({
  eventName: 'push',
  ref: 'refs/heads/main',
  sha: '',
  defaultBranch: 'main',
  ...over
});

describe('resolveRange', () => {
  it('push: before..after', async () => {
    const { dir } = setup();
    const before = git(dir, 'rev-parse', 'HEAD');
    commit(dir, 'a/2');
    const after = commit(dir, 'b/2');
    const range = await resolveRange(new Git(dir), push({ before, after, sha: after }));
    expect(range).toMatchObject({ kind: 'diff', base: before, head: after });
    expect(await new Git(dir).changedFiles(before, after)).toEqual(['a/2', 'b/2']);
  });

  it('first push of a branch: merge-base with the default branch', async () => {
    const { dir } = setup();
    const mainTip = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'checkout', '-q', '-b', 'feature');
    const after = commit(dir, 'a/feature');
    const range = await resolveRange(
      new Git(dir),
      push({ ref: 'refs/heads/feature', before: ZERO_SHA, after, sha: after })
    );
    expect(range).toMatchObject({ kind: 'diff', base: mainTip, head: after });
    expect(range.reason).toMatch(/^first push: merge-base with main/);
  });

  it('first push of the default branch: every service', async () => {
    const { dir } = setup();
    const after = git(dir, 'rev-parse', 'HEAD');
    expect(await resolveRange(new Git(dir), push({ before: ZERO_SHA, after, sha: after }))).toMatchObject({
      kind: 'all'
    });
  });

  it('force-push of a rebased branch: merge-base with the default branch, not the old tip', async () => {
    const { dir } = setup();
    git(dir, 'checkout', '-q', '-b', 'feature');
    commit(dir, 'a/feature');
    const before = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'checkout', '-q', 'main');
    commit(dir, 'b/main-moved');
    git(dir, 'push', '-q', 'origin', 'main');
    git(dir, 'fetch', '-q', 'origin');
    git(dir, 'checkout', '-q', 'feature');
    git(dir, 'rebase', '-q', 'main');
    const after = git(dir, 'rev-parse', 'HEAD');
    const g = new Git(dir);
    const range = await resolveRange(g, push({ ref: 'refs/heads/feature', before, after, sha: after }));
    expect(range.kind).toBe('diff');
    expect(range.reason).toMatch(/^force-push: merge-base with main/);
    if (range.kind === 'diff') expect(await g.changedFiles(range.base, range.head)).toEqual(['a/feature']);
  });

  it('force-push on the default branch: merge-base with the old tip', async () => {
    const { dir } = setup();
    const base = git(dir, 'rev-parse', 'HEAD');
    const before = commit(dir, 'a/old');
    git(dir, 'reset', '-q', '--hard', base);
    const after = commit(dir, 'b/new');
    const g = new Git(dir);
    const range = await resolveRange(g, push({ before, after, sha: after }));
    expect(range).toMatchObject({ kind: 'diff', base, head: after });
    expect(range.reason).toMatch(/force-push: merge-base with the old tip/);
  });

  it('pull_request: merge-base..head, ignoring what landed on the base since', async () => {
    const { dir } = setup();
    const fork = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'checkout', '-q', '-b', 'pr');
    commit(dir, 'a/pr');
    const head = commit(dir, 'a/pr2');
    git(dir, 'checkout', '-q', 'main');
    const baseSha = commit(dir, 'b/main-after');
    const g = new Git(dir);
    const range = await resolveRange(g, {
      eventName: 'pull_request',
      ref: 'refs/pull/7/merge',
      sha: '',
      defaultBranch: 'main',
      prBaseSha: baseSha,
      prHeadSha: head
    });
    expect(range).toMatchObject({ kind: 'diff', base: fork, head });
    if (range.kind === 'diff')
      expect(await g.changedFiles(range.base, range.head)).toEqual(['a/pr', 'a/pr2']);
  });

  it('tags, schedule and dispatch build everything', async () => {
    const { dir } = setup();
    const g = new Git(dir);
    expect(
      await resolveRange(g, { eventName: 'push', ref: 'refs/tags/v1.0.0', sha: '', defaultBranch: 'main' })
    ).toEqual({ kind: 'all', reason: 'tag push v1.0.0' });
    expect(
      (
        await resolveRange(g, {
          eventName: 'schedule',
          ref: 'refs/heads/main',
          sha: '',
          defaultBranch: 'main'
        })
      ).kind
    ).toBe('all');
    expect(
      (
        await resolveRange(g, {
          eventName: 'workflow_dispatch',
          ref: 'refs/heads/main',
          sha: '',
          defaultBranch: 'main'
        })
      ).kind
    ).toBe('all');
  });

  it('deepens a depth-1 clone to find the range (actions/checkout default)', async () => {
    const { dir, root } = setup();
    const before = git(dir, 'rev-parse', 'HEAD');
    for (let i = 0; i < 5; i++) commit(dir, `a/n${i}`);
    const after = commit(dir, 'b/last');
    git(dir, 'push', '-q', 'origin', 'main');
    const clone = path.join(root, 'shallow');
    git(root, 'clone', '-q', '--depth=1', '--no-tags', `file://${path.join(root, 'origin.git')}`, clone);
    const g = new Git(clone);
    expect(await g.isShallow()).toBe(true);
    expect(await g.hasCommit(before)).toBe(false);
    const range = await resolveRange(g, push({ before, after, sha: after }));
    expect(range).toMatchObject({ kind: 'diff', base: before, head: after });
    if (range.kind === 'diff') expect((await g.changedFiles(range.base, range.head)).length).toBe(6);
  });

  it('a push whose old tip is gone: every service, and a warning saying so (not a "force-push")', async () => {
    const { dir } = setup();
    const after = git(dir, 'rev-parse', 'HEAD');
    const range = await resolveRange(new Git(dir), push({ before: 'f'.repeat(40), after, sha: after }));
    expect(range).toMatchObject({ kind: 'all', reason: 'the previous tip fffffff is gone: every service' });
    expect(range.warning).toMatch(/previous tip f{40} \(payload field 'before'\) is not in the checkout/);
  });

  it('a force-push in a full clone fetches the old tip without --depth: the clone stays full', async () => {
    const { dir, origin, root } = setup();
    git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    const base = git(dir, 'rev-parse', 'HEAD');
    const before = commit(dir, 'a/old');
    git(dir, 'push', '-q', 'origin', 'main');
    git(dir, 'reset', '-q', '--hard', base);
    const after = commit(dir, 'b/new');
    git(dir, 'push', '-q', '--force', 'origin', 'main');
    const clone = path.join(root, 'full');
    git(root, 'clone', '-q', `file://${origin}`, clone);
    const g = new Git(clone);
    const range = await resolveRange(g, push({ before, after, sha: after }));
    expect(range).toMatchObject({ kind: 'diff', base, head: after });
    expect(g.fetches.map((f) => f.args.join(' '))).toEqual([
      `git fetch --no-tags --no-recurse-submodules --end-of-options origin ${before}`
    ]);
    expect(await g.isShallow()).toBe(false);
  });

  it('not a git repository: every service, with a warning', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-not-git-'));
    const after = 'a'.repeat(40);
    const range = await resolveRange(new Git(dir), push({ before: 'b'.repeat(40), after, sha: after }));
    expect(range).toMatchObject({ kind: 'all', reason: `${dir} is not a git repository: every service` });
    expect(range.warning).toContain('run actions/checkout before this step');
  });
});

describe('rangeEventOf', () => {
  const ctx = (payload: unknown, ref = 'refs/heads/main') => ({
    eventName: 'push',
    ref,
    sha: 'c'.repeat(40),
    payload
  });

  it.each([
    [{ before: '--upload-pack=touch /tmp/x', after: 'a'.repeat(40) }, "Event payload field 'before'"],
    [{ before: 'a'.repeat(40), after: 'HEAD~1' }, "Event payload field 'after'"],
    [{ pull_request: { base: { sha: 'main' }, head: { sha: 'a'.repeat(40) } } }, "'pull_request.base.sha'"],
    [{ pull_request: { base: { sha: 'a'.repeat(40) }, head: { sha: '-x' } } }, "'pull_request.head.sha'"],
    [
      { repository: { default_branch: '--output=/tmp/x' } },
      "'repository.default_branch' is not a valid branch"
    ]
  ])('refuses %j naming %s', (payload, field) => {
    expect(() => rangeEventOf(ctx(payload))).toThrow(field);
  });

  it('refuses an invalid default-branch input and GITHUB_REF', () => {
    expect(() => rangeEventOf(ctx({}), 'a..b')).toThrow("input 'default-branch' is not a valid branch name");
    expect(() => rangeEventOf(ctx({}, 'refs/heads/a b'))).toThrow('GITHUB_REF is not a valid ref name');
  });

  it('takes a 64-digit SHA-256 object name and the payload default branch', () => {
    const sha256 = 'd'.repeat(64);
    expect(
      rangeEventOf(ctx({ before: sha256, after: sha256, repository: { default_branch: 'trunk' } }))
    ).toMatchObject({
      before: sha256,
      defaultBranch: 'trunk'
    });
  });
});

describe('isValidRefName follows git check-ref-format', () => {
  const names = [
    'refs/heads/main',
    'refs/heads/feature/x',
    'refs/heads/-x',
    'refs/heads/.x',
    'refs/heads/x.lock',
    'refs/heads/a..b',
    'refs/heads/a@{b',
    'refs/heads/a b',
    'refs/heads/a~1',
    'refs/heads/a^',
    'refs/heads/a:b',
    'refs/heads/a?',
    'refs/heads/a*',
    'refs/heads/a[b',
    'refs/heads/a\\b',
    'refs/heads/a/',
    'refs/heads/a.',
    'refs/heads//a',
    'refs/heads/a\tb',
    'refs/heads/ünï',
    'refs/heads/@',
    'refs/tags/v1.0.0',
    'refs/pull/7/merge',
    '@'
  ];
  it.each(names)('%j', (name) => {
    let gitSays: boolean;
    try {
      execFileSync('git', ['check-ref-format', name], { stdio: 'ignore' });
      gitSays = true;
    } catch {
      gitSays = false;
    }
    expect(isValidRefName(name)).toBe(gitSays);
  });

  it('branch names as git check-ref-format --branch: no leading dash', () => {
    expect(isValidBranchName('main')).toBe(true);
    expect(isValidBranchName('-main')).toBe(false);
    expect(isValidBranchName('--upload-pack=x')).toBe(false);
  });
});
