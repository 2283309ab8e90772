/**
 * The bundled plan action in every checkout shape actions/checkout produces (fetch-depth 0, 1, 50, a blob:none
 * partial clone, a sparse checkout; a PR checks out refs/pull/N/merge) × every kind of event: each shape decides
 * the same services as the full clone, fetching only what it lacked, and a full clone is never made shallow.
 */
import { ZERO_SHA, pullRequestEvent, pushEvent } from '../support/events.js';
import {
  CHECKOUT_SHAPES,
  TestRepo,
  actionsCheckout,
  emptyCommits,
  git,
  serveLikeGitHub
} from '../support/git-repo.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';
import type { GitHubEvent } from '../support/run-action.js';

const repoInfo = { owner: 'acme', name: 'monorepo', defaultBranch: 'main' };
const ALL = ['api', 'dashboard', 'runner', 'daemon', 'proxy', 'cli'];

interface Scenario {
  name: string;
  /** GITHUB_REF and GITHUB_SHA of the run, which actions/checkout checks out */
  ref: string;
  sha: string;
  event: GitHubEvent;
  expected: string[];
  reason: RegExp;
}

let scenarios: Scenario[] = [];
let origin = '';

beforeAll(() => {
  const repo = TestRepo.fromExample();
  origin = repo.origin;
  serveLikeGitHub(origin);
  // a history longer than the first deepening step, so fetch-depth 50 and 1 must deepen more than once
  const fork = emptyCommits(repo.dir, 120);
  repo.change(['services/dashboard/notes.txt'], 'feat: dashboard');
  const mainBefore = repo.head();
  repo.change(['services/api/notes.txt'], 'feat: api');
  const mainAfter = repo.change(['services/runner/notes.txt'], 'feat: runner');
  repo.push('main');

  // first push of a branch forked 3 commits behind main, its merge-base 61 commits below its tip
  repo.git('checkout', '-q', '-b', 'feature/cli', fork);
  repo.change(['services/cli/notes.txt'], 'feat: cli');
  const featureTip = emptyCommits(repo.dir, 60, 'chore: feature history');
  repo.push('feature/cli');

  // force-push: the old tip changed daemon on top of the fork; the rebased one changes proxy on top of main
  repo.git('checkout', '-q', '-b', 'topic', fork);
  const oldTip = repo.change(['services/daemon/topic.txt'], 'feat: daemon');
  repo.push('topic');
  repo.git('reset', '-q', '--hard', mainAfter);
  const newTip = repo.change(['services/proxy/topic.txt'], 'feat: proxy');
  repo.push('topic', true);

  // a pull request from a fork (no branch on origin): GitHub's refs/pull/7/head and its test merge commit
  repo.git('checkout', '-q', '--detach', fork);
  const prHead = repo.change(['services/daemon/pr.txt'], 'feat: daemon pr');
  repo.git('checkout', '-q', '--detach', mainAfter);
  repo.git('merge', '-q', '--no-ff', '-m', 'Merge pull request 7', prHead);
  const merge = repo.head();
  repo.git('push', '-q', 'origin', `${prHead}:refs/pull/7/head`, `${merge}:refs/pull/7/merge`);

  repo.git('tag', 'v1.0.0', mainAfter);
  repo.git('push', '-q', 'origin', 'refs/tags/v1.0.0');

  const push = (ref: string, before: string, after: string, forced = false): GitHubEvent =>
    pushEvent({ repo: repoInfo, ref, before, after, forced });
  scenarios = [
    {
      name: 'push to main',
      ref: 'refs/heads/main',
      sha: mainAfter,
      event: push('refs/heads/main', mainBefore, mainAfter),
      expected: ['api', 'runner'],
      reason: /^push /
    },
    {
      name: 'first push of a branch',
      ref: 'refs/heads/feature/cli',
      sha: featureTip,
      event: push('refs/heads/feature/cli', ZERO_SHA, featureTip),
      expected: ['cli'],
      reason: /^first push: merge-base with main/
    },
    {
      name: 'force-push',
      ref: 'refs/heads/topic',
      sha: newTip,
      event: push('refs/heads/topic', oldTip, newTip, true),
      expected: ['proxy'],
      reason: /^force-push: merge-base with main/
    },
    {
      name: 'pull request (refs/pull/7/merge)',
      ref: 'refs/pull/7/merge',
      sha: merge,
      event: pullRequestEvent({
        repo: repoInfo,
        number: 7,
        baseRef: 'main',
        baseSha: mainAfter,
        headRef: 'daemon-pr',
        headSha: prHead
      }),
      expected: ['daemon'],
      reason: /^pull request: merge-base/
    },
    {
      name: 'tag',
      ref: 'refs/tags/v1.0.0',
      sha: mainAfter,
      event: push('refs/tags/v1.0.0', ZERO_SHA, mainAfter),
      expected: ALL,
      reason: /^tag push v1\.0\.0/
    }
  ];
}, 120_000);

function ok(run: ActionRun): ActionRun {
  if (run.exitCode !== 0)
    throw new Error(`plan failed (${run.exitCode}): ${failureMessage(run)}\n${run.stdout}`);
  return run;
}

const EVENTS = [
  'push to main',
  'first push of a branch',
  'force-push',
  'pull request (refs/pull/7/merge)',
  'tag'
];

describe.each(EVENTS)('%s', (eventName) => {
  const full: { services?: string[] } = {};

  it.each(CHECKOUT_SHAPES.map((shape) => [shape.name, shape] as const))(
    'checkout with %s decides as the full clone',
    async (_name, shape) => {
      const scenario = scenarios.find((s) => s.name === eventName)!;
      const { dir } = actionsCheckout(origin, scenario.ref, scenario.sha, shape);
      const wasShallow = git(dir, 'rev-parse', '--is-shallow-repository') === 'true';
      const run = ok(
        await runAction('plan', {
          workspace: dir,
          event: scenario.event,
          ref: scenario.ref,
          sha: scenario.sha
        })
      );
      const services = JSON.parse(run.outputs.services!) as string[];
      const fetches = JSON.parse(run.outputs.fetches!) as string[];

      expect(services).toEqual(scenario.expected);
      expect(run.outputs.reason).toMatch(scenario.reason);
      if (shape.fetchDepth === 0) full.services = services;
      else if (full.services) expect(services).toEqual(full.services);
      expect(run.annotations.filter((a) => a.level === 'warning')).toEqual([]);
      for (const fetch of fetches) expect(fetch).toMatch(/ --end-of-options origin /);
      // every fetch is logged with what it was for
      for (const fetch of fetches) expect(run.stdout).toContain(fetch);
      if (!wasShallow) {
        // a full clone stays full: nothing fetched with a depth
        expect(git(dir, 'rev-parse', '--is-shallow-repository')).toBe('false');
        expect(fetches.filter((f) => /--depth|--deepen|--unshallow/.test(f))).toEqual([]);
      }
      expect(fetches.map(fetchKind)).toEqual(EXPECTED_FETCHES[eventName]?.[shape.name]);
    },
    120_000
  );
});

/**
 * What each shape had to fetch (by kind, in order). The full clone fetches only a force-push's old tip, which no
 * branch holds any more; a shallow clone fetches what it lacks, then deepens in steps — all the way for a
 * force-push, since only the whole history proves the old tip is not an ancestor, as a full clone sees it. A
 * checkout of the commit alone (depth 1) fetches the missing commits with 50 commits of history below them and
 * below the checkout's commit in one fetch; the 50-deep checkout fetches the old tip alone (`--depth=50` there
 * could shorten the history it has) and deepens. This repository is under 550 commits deep, so after 50 + 500
 * the depth-1 shapes hold all of it and no `--unshallow` is left to do.
 */
const partial = {
  'push to main': ['sha 50'],
  'first push of a branch': ['branch 50', 'deepen 500'],
  'force-push': ['sha 50', 'deepen 500', 'branch'],
  'pull request (refs/pull/7/merge)': ['sha 50'],
  tag: []
} as Record<string, string[]>;
const EXPECTED_FETCHES: Record<string, Record<string, string[]>> = Object.fromEntries(
  EVENTS.map((event) => [
    event,
    {
      'fetch-depth: 0': event === 'force-push' ? ['sha'] : [],
      'fetch-depth: 1 (default)': partial[event]!,
      'fetch-depth: 50': {
        'push to main': [],
        'first push of a branch': ['branch', 'deepen 50'],
        'force-push': ['sha', 'deepen 50', 'deepen 500', 'unshallow', 'branch'],
        'pull request (refs/pull/7/merge)': [],
        tag: []
      }[event]!,
      'filter: blob:none': partial[event]!,
      'sparse-checkout': partial[event]!
    }
  ])
);

/**
 * A fetch's kind: `sha` (commits by SHA), `branch` (the default branch), `deepen N` or `unshallow`; `sha 50` and
 * `branch 50` when it also brought 50 commits of history (`--depth=50`, below the checkout's commit too).
 */
function fetchKind(fetch: string): string {
  const deepen = / --deepen=(\d+) /.exec(fetch);
  if (deepen) return `deepen ${deepen[1]}`;
  if (fetch.includes(' --unshallow ')) return 'unshallow';
  const history = / --depth=(\d+) /.exec(fetch);
  const kind = fetch.includes(' +refs/heads/main:refs/remotes/origin/main') ? 'branch' : 'sha';
  return history && history[1] !== '1' ? `${kind} ${history[1]}` : kind;
}
