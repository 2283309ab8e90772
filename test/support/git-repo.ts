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
