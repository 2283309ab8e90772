/**
 * The bundled plan action on hostile or broken inputs: option injection through the event payload is refused
 * before git runs (nothing executed), and a decision resting on something missing says so in a warning.
 */
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZERO_SHA, pullRequestEvent, pushEvent } from '../support/events.js';
import { TestRepo, actionsCheckout, git, serveLikeGitHub } from '../support/git-repo.js';
import { REPO_ROOT, failureMessage, runAction } from '../support/run-action.js';

const repoInfo = { owner: 'acme', name: 'monorepo', defaultBranch: 'main' };

function setup(): { repo: TestRepo; marker: string; injection: string } {
  const repo = TestRepo.fromExample();
  serveLikeGitHub(repo.origin);
  const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'slipway-marker-')), 'pwned');
  return { repo, marker, injection: `--upload-pack=touch ${marker};git-upload-pack` };
}

describe('plan refuses option injection from the event payload', () => {
  it('the injected option really runs a command when git takes it as an option (control)', () => {
    const { repo, marker, injection } = setup();
    const { dir } = actionsCheckout(repo.origin, 'refs/heads/main', repo.head(), {
      name: 'default',
      fetchDepth: 1
    });
    // what `git fetch --depth=1 origin <before>` did with such a payload before the fix
    try {
      git(dir, 'fetch', '--no-tags', '--depth=1', 'origin', injection);
    } catch {
      // the fetch itself fails after running the command
    }
    expect(existsSync(marker)).toBe(true);
  });

  it.each([
    ['before', (before: string, after: string) => ({ before, after })],
    ['after', (before: string, after: string) => ({ before: after, after: before })]
  ])(
    "a push whose '%s' is an option: clear error naming the field, nothing executed",
    async (field, fields) => {
      const { repo, marker, injection } = setup();
      const head = repo.change(['services/api/x.txt']);
      repo.push();
      const { dir } = actionsCheckout(repo.origin, 'refs/heads/main', head, {
        name: 'default',
        fetchDepth: 1
      });
      const { before, after } = fields(injection, head);
      const run = await runAction('plan', {
        workspace: dir,
        event: pushEvent({ repo: repoInfo, ref: 'refs/heads/main', before, after }),
        sha: head
      });
      expect(run.exitCode).not.toBe(0);
      expect(failureMessage(run)).toContain(`Event payload field '${field}' must be a full commit SHA`);
      expect(failureMessage(run)).toContain('--upload-pack=touch');
      expect(run.stdout).not.toMatch(/fetched|fetch failed/);
      expect(existsSync(marker)).toBe(false);
    },
    60_000
  );

  it('a pull request head sha that is an option is refused', async () => {
    const { repo, marker, injection } = setup();
    const base = repo.head();
    const run = await runAction('plan', {
      workspace: repo.dir,
      event: pullRequestEvent({
        repo: repoInfo,
        number: 1,
        baseRef: 'main',
        baseSha: base,
        headRef: 'x',
        headSha: injection
      }),
      ref: 'refs/pull/1/merge',
      sha: base
    });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toContain(
      "Event payload field 'pull_request.head.sha' must be a full commit SHA"
    );
    expect(existsSync(marker)).toBe(false);
  }, 60_000);

  it('a default branch that is an option is refused (first push of a branch fetches it)', async () => {
    const { repo, marker, injection } = setup();
    repo.git('checkout', '-q', '-b', 'feature');
    const head = repo.change(['services/api/y.txt']);
    repo.push('feature');
    const { dir } = actionsCheckout(repo.origin, 'refs/heads/feature', head, {
      name: 'default',
      fetchDepth: 1
    });
    const event = pushEvent({
      repo: { ...repoInfo, defaultBranch: injection },
      ref: 'refs/heads/feature',
      before: ZERO_SHA,
      after: head
    });
    const run = await runAction('plan', { workspace: dir, event, ref: 'refs/heads/feature', sha: head });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toContain(
      "event payload field 'repository.default_branch' is not a valid branch name"
    );
    expect(existsSync(marker)).toBe(false);
    const input = await runAction('plan', {
      workspace: dir,
      event: pushEvent({ repo: repoInfo, ref: 'refs/heads/feature', before: ZERO_SHA, after: head }),
      ref: 'refs/heads/feature',
      sha: head,
      inputs: { 'default-branch': 'main..x' }
    });
    expect(input.exitCode).not.toBe(0);
    expect(failureMessage(input)).toContain("input 'default-branch' is not a valid branch name");
  }, 60_000);
});

describe('plan says what really happened when it cannot compare', () => {
  it('on a directory that is not a git repository: every service, with a warning naming the fix', async () => {
    // the example's files without any .git, as a download of an artifact would leave them
    const plain = path.join(mkdtempSync(path.join(os.tmpdir(), 'slipway-not-git-')), 'work');
    cpSync(path.join(REPO_ROOT, 'examples', 'monorepo'), plain, { recursive: true });
    const head = 'a'.repeat(40);
    const run = await runAction('plan', {
      workspace: plain,
      event: pushEvent({ repo: repoInfo, ref: 'refs/heads/main', before: head, after: head }),
      sha: head
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.reason).toBe(`${plain} is not a git repository: every service`);
    expect(run.outputs.reason).not.toMatch(/force-push/);
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toEqual([expect.stringContaining('is not a git repository')]);
    expect(warnings[0]).toContain('run actions/checkout before this step');
    expect(JSON.parse(run.outputs.services!)).toHaveLength(6);
  }, 60_000);

  it("a shallow clone whose 'before' origin no longer has: every service, with a warning, not a 'force-push'", async () => {
    const { repo } = setup();
    const gone = repo.change(['services/api/gone.txt']);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    const head = repo.change(['services/cli/new.txt']);
    repo.push('main', true);
    // the old tip is on no ref and pruned from origin, as after GitHub's garbage collection
    git(repo.origin, 'reflog', 'expire', '--expire=now', '--all');
    git(repo.origin, 'gc', '-q', '--prune=now');
    expect(() => git(repo.origin, 'cat-file', '-e', gone)).toThrow();
    const { dir } = actionsCheckout(repo.origin, 'refs/heads/main', head, { name: 'default', fetchDepth: 1 });
    const run = await runAction('plan', {
      workspace: dir,
      event: pushEvent({ repo: repoInfo, ref: 'refs/heads/main', before: gone, after: head, forced: true }),
      sha: head
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.reason).toBe(`the previous tip ${gone.slice(0, 7)} is gone: every service`);
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toEqual([
      expect.stringContaining(
        `The push's previous tip ${gone} (payload field 'before') is not in the checkout`
      )
    ]);
    // one fetch, of the old tip with 50 commits below it and below the checkout's commit (a depth-1 checkout)
    expect(JSON.parse(run.outputs.fetches!)).toEqual([
      expect.stringContaining(`--depth=50 --end-of-options origin ${gone} ${head}`)
    ]);
  }, 60_000);
});
