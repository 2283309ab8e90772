/**
 * Real git repositories for integration tests: a working clone of examples/monorepo with a bare `origin`, so
 * pushes, force-pushes and shallow clones behave as on GitHub's runners.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync, mkdirSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './run-action.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com'
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
}

export class TestRepo {
  constructor(
    readonly dir: string,
    readonly origin: string
  ) {}

  /** Copies examples/monorepo into a new repo on `main`, commits it and pushes it to a bare origin. */
  static fromExample(example = 'monorepo'): TestRepo {
    const base = mkdtempSync(path.join(os.tmpdir(), 'slipway-repo-'));
    const origin = path.join(base, 'origin.git');
    const dir = path.join(base, 'work');
    git(base, 'init', '-q', '--bare', '-b', 'main', origin);
    cpSync(path.join(REPO_ROOT, 'examples', example), dir, { recursive: true });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'remote', 'add', 'origin', origin);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'feat: initial import');
    git(dir, 'push', '-q', 'origin', 'main');
    return new TestRepo(dir, origin);
  }

  head(): string {
    return git(this.dir, 'rev-parse', 'HEAD');
  }

  /** Appends a line to each file (creating it) and commits; returns the new sha. */
  change(files: string[], message = 'chore: change'): string {
    for (const file of files) {
      mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
      appendFileSync(path.join(this.dir, file), `# ${message} ${Date.now()}-${Math.random()}\n`);
    }
    git(this.dir, 'add', '-A');
    git(this.dir, 'commit', '-q', '-m', message);
    return this.head();
  }

  write(file: string, content: string): void {
    mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    writeFileSync(path.join(this.dir, file), content);
  }

  git(...args: string[]): string {
    return git(this.dir, ...args);
  }

  push(branch = 'main', force = false): void {
    git(this.dir, 'push', '-q', ...(force ? ['--force'] : []), 'origin', `HEAD:refs/heads/${branch}`);
  }

  /** A shallow clone of origin at `branch`, as actions/checkout makes with fetch-depth 1. */
  shallowClone(branch = 'main', depth = 1): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-shallow-'));
    git(dir, 'clone', '-q', `--depth=${depth}`, '--no-tags', '-b', branch, `file://${this.origin}`, 'work');
    return path.join(dir, 'work');
  }
}

/**
 * Gives a bare origin GitHub's fetch behaviour: any commit it still has can be fetched by SHA, also one a
 * force-push left on no branch (https://github.com/bitcoin/bitcoin/pull/32774), and partial clones
 * (`filter: blob:none`) are served.
 */
export function serveLikeGitHub(origin: string): void {
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  git(origin, 'config', 'uploadpack.allowFilter', 'true');
}

/** Appends `count` commits that change no file on top of HEAD (one `git fast-import`), e.g. a long history. */
export function emptyCommits(dir: string, count: number, message = 'chore: history'): string {
  const branch = git(dir, 'symbolic-ref', 'HEAD');
  const from = git(dir, 'rev-parse', 'HEAD');
  let stream = '';
  for (let i = 0; i < count; i++) {
    const text = `${message} ${i}\n`;
    stream += `commit ${branch}\ncommitter Test <test@example.com> ${1_700_000_000 + i} +0000\n`;
    // the first commit names its parent; the next ones continue the branch as fast-import left it
    stream += `data ${Buffer.byteLength(text)}\n${text}${i === 0 ? `from ${from}\n` : ''}\n`;
  }
  execFileSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input: stream });
  return git(dir, 'rev-parse', 'HEAD');
}

/** The inputs of actions/checkout that decide what a checkout holds. */
export interface CheckoutShape {
  name: string;
  /** `fetch-depth` (actions/checkout's default is 1; 0 is all history of all branches and tags) */
  fetchDepth: number;
  filter?: string;
  sparseCheckout?: string[];
}

export const CHECKOUT_SHAPES: CheckoutShape[] = [
  { name: 'fetch-depth: 0', fetchDepth: 0 },
  { name: 'fetch-depth: 1 (default)', fetchDepth: 1 },
  { name: 'fetch-depth: 50', fetchDepth: 50 },
  { name: 'filter: blob:none', fetchDepth: 1, filter: 'blob:none' },
  // plan reads the manifest and checks each service's Dockerfile, so a sparse checkout for plan holds those
  { name: 'sparse-checkout', fetchDepth: 1, sparseCheckout: ['.slipway', 'services'] }
];

/**
 * A checkout made with the git commands actions/checkout runs for `ref`/`sha` (GITHUB_REF/GITHUB_SHA) and the
 * shape's inputs — init, remote add, gc.auto 0, one fetch with its refspecs, sparse-checkout, checkout:
 * https://github.com/actions/checkout/blob/f548e57e544e1ff5a4c46bf1e1b8685f8e4a348a/src/git-source-provider.ts#L117-L271
 * refspecs and checkout targets:
 * https://github.com/actions/checkout/blob/f548e57e544e1ff5a4c46bf1e1b8685f8e4a348a/src/ref-helper.ts#L13-L140
 * fetch arguments:
 * https://github.com/actions/checkout/blob/f548e57e544e1ff5a4c46bf1e1b8685f8e4a348a/src/git-command-manager.ts#L277-L312
 * Returns the work tree and the fetch arguments it ran.
 */
export function actionsCheckout(
  origin: string,
  ref: string,
  sha: string,
  shape: CheckoutShape
): { dir: string; fetches: string[][] } {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'slipway-checkout-')), 'work');
  git(path.dirname(dir), 'init', '-q', dir);
  git(dir, 'remote', 'add', 'origin', `file://${origin}`);
  git(dir, 'config', '--local', 'gc.auto', '0');
  const filter = shape.filter ?? (shape.sparseCheckout ? 'blob:none' : undefined);
  const fetches: string[][] = [];
  const fetch = (refspecs: string[], depth?: number): void => {
    const args = ['-c', 'protocol.version=2', 'fetch', '--no-tags', '--prune', '--no-recurse-submodules'];
    if (filter) args.push(`--filter=${filter}`);
    if (depth && depth > 0) args.push(`--depth=${depth}`);
    args.push('origin', ...refspecs);
    fetches.push(args);
    git(dir, '-c', 'advice.detachedHead=false', ...args);
  };
  const pull = ref.startsWith('refs/pull/') ? ref.slice('refs/pull/'.length) : undefined;
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  // getRefSpec: the commit under its ref (fetchTags false)
  const targeted = branch
    ? [`+${sha}:refs/remotes/origin/${branch}`]
    : pull
      ? [`+${sha}:refs/remotes/pull/${pull}`]
      : ref.startsWith('refs/tags/')
        ? [`+${ref}:${ref}`]
        : [sha];
  if (shape.fetchDepth <= 0) {
    // getRefSpecForAllHistory, then the targeted refspec when the branch has moved since the event
    fetch([
      '+refs/heads/*:refs/remotes/origin/*',
      '+refs/tags/*:refs/tags/*',
      ...(pull ? [`+${sha}:refs/remotes/pull/${pull}`] : [])
    ]);
    if (branch && git(dir, 'rev-parse', `refs/remotes/origin/${branch}`) !== sha) fetch(targeted);
  } else {
    fetch(targeted, shape.fetchDepth);
  }
  if (shape.sparseCheckout) git(dir, 'sparse-checkout', 'set', ...shape.sparseCheckout);
  if (branch) git(dir, 'checkout', '-q', '--force', '-B', branch, `refs/remotes/origin/${branch}`);
  else
    git(
      dir,
      'checkout',
      '-q',
      '--force',
      pull ? `refs/remotes/pull/${pull}` : ref.startsWith('refs/tags/') ? ref : sha
    );
  return { dir, fetches };
}
