/** Local git queries used to decide what changed (never the compare API, which stops at 300 files). */
import { execTool } from './exec.js';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export class Git {
  constructor(
    readonly cwd: string,
    readonly remote = 'origin'
  ) {}

  private async git(args: string[], ignoreReturnCode = false): Promise<{ exitCode: number; stdout: string }> {
    return execTool('git', args, { cwd: this.cwd, ignoreReturnCode });
  }

  async hasCommit(sha: string): Promise<boolean> {
    return (await this.git(['cat-file', '-e', `${sha}^{commit}`], true)).exitCode === 0;
  }

  async isShallow(): Promise<boolean> {
    return (await this.git(['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
  }

  async hasRemote(): Promise<boolean> {
    return (await this.git(['remote'], true)).stdout.split('\n').includes(this.remote);
  }

  /** Fetches one commit by sha (GitHub serves any reachable sha); false when the remote cannot give it. */
  async fetchCommit(sha: string): Promise<boolean> {
    if (!(await this.hasRemote())) return false;
    return (await this.git(['fetch', '--no-tags', '--depth=1', this.remote, sha], true)).exitCode === 0;
  }

  /** Deepens a shallow clone; false when it is no longer shallow or the remote is gone. */
  async deepen(by: number): Promise<boolean> {
    if (!(await this.isShallow()) || !(await this.hasRemote())) return false;
    const args =
      by > 0
        ? ['fetch', '--no-tags', `--deepen=${by}`, this.remote]
        : ['fetch', '--no-tags', '--unshallow', this.remote];
    return (await this.git(args, true)).exitCode === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.git(['merge-base', '--is-ancestor', ancestor, descendant], true)).exitCode === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.git(['merge-base', a, b], true);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  async revParse(ref: string): Promise<string | undefined> {
    const result = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], true);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** Changed paths between two commits; renames count as delete + add so both sides trigger. */
  async changedFiles(base: string, head: string): Promise<string[]> {
    const result = await this.git(['diff', '--name-only', '--no-renames', '-z', base, head]);
    return result.stdout.split('\0').filter(Boolean);
  }
}
