/**
 * Moves the commit Slipway's generated workflows use for its own actions (workflows-src/slipway-pin.json) and
 * regenerates them. The release job of ci.yml runs it on the tested main commit before semantic-release, commits
 * the result and lets the release tag that commit, so `@vX.Y.Z`, `@v1` and a SHA of that commit all run the
 * actions of the release itself.
 *   npx tsx scripts/pin-self.ts [<commit>]   default: HEAD
 * Refuses a commit that does not exist here or has no actions/ and dist/ (the code the pin must contain).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const git = (...args: string[]): string =>
  execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export function resolvePin(ref: string): { sha: string; version: string } {
  let sha: string;
  try {
    sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  } catch {
    throw new Error(`pin-self: '${ref}' is not a commit of this repository`);
  }
  const top = git('ls-tree', '--name-only', sha).split('\n');
  for (const dir of ['actions', 'dist']) {
    if (!top.includes(dir))
      throw new Error(`pin-self: ${sha} has no ${dir}/ — the pin must contain Slipway's actions`);
  }
  let version: string;
  try {
    version = git('describe', '--tags', '--exact-match', sha);
  } catch {
    version = `main@${sha.slice(0, 7)}`;
  }
  return { sha, version };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const pin = resolvePin(process.argv[2] ?? 'HEAD');
  writeFileSync(path.join(root, 'workflows-src/slipway-pin.json'), `${JSON.stringify(pin, null, 2)}\n`);
  console.log(`pinned Slipway's self-references to ${pin.sha} (${pin.version})`);
  execFileSync('npx', ['tsx', 'scripts/gen-workflows.ts'], { cwd: root, stdio: 'inherit' });
}
