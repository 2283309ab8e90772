/**
 * A repository for release tests: examples/monorepo with a bare `origin`, whose remote URL is the GitHub one
 * (https://github.com/<owner>/<repo>.git) the way actions/checkout leaves it. Git's `url.<bare>.insteadOf` sends
 * every fetch/ls-remote/push for that URL to the bare repository — semantic-release and the release action run
 * unchanged (they talk to "GitHub"), and the tags land in the bare remote where the tests read them.
 */
import { git, TestRepo } from '../support/git-repo.js';
import { pushEvent, ZERO_SHA } from '../support/events.js';
import type { GitHubEvent } from '../support/run-action.js';

export class ReleaseRepo {
  readonly url: string;
  constructor(
    readonly repo: TestRepo,
    readonly owner: string,
    readonly name: string
  ) {
    this.url = `https://github.com/${owner}/${name}.git`;
    repo.git('remote', 'set-url', 'origin', this.url);
    repo.git('config', `url.file://${repo.origin}.insteadOf`, this.url);
  }

  static create(owner = 'acme', name = 'monorepo'): ReleaseRepo {
    return new ReleaseRepo(TestRepo.fromExample(), owner, name);
  }

  get dir(): string {
    return this.repo.dir;
  }

  /** Commits a change to `files` with `message` and pushes it to main. */
  commit(message: string, files: string[] = ['README.md']): string {
    const sha = this.repo.change(files, message);
    this.repo.push();
    return sha;
  }

  /** Tags in the bare remote (what GitHub would have), sorted. */
  remoteTags(): string[] {
    const out = git(this.repo.origin, 'tag', '--list');
    return out ? out.split('\n').sort() : [];
  }

  remoteTagTarget(tag: string): string {
    return git(this.repo.origin, 'rev-list', '-n', '1', tag);
  }

  pushEvent(): GitHubEvent {
    return pushEvent({
      repo: { owner: this.owner, name: this.name },
      ref: 'refs/heads/main',
      before: ZERO_SHA,
      after: this.repo.head()
    });
  }
}
