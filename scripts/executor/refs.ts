/**
 * `uses: owner/repo/path@ref` mapped to a local checkout with --action-repo: GitHub resolves the ref in that
 * repository — a tag, a branch or a full commit SHA, the tag first when both exist — and refuses a ref that does
 * not exist there (a short SHA included):
 *  - https://docs.github.com/en/actions/how-tos/reuse-automations/reuse-workflows ("the {ref} can be a SHA, a
 *    release tag, or a branch name. If a release tag and a branch have the same name, the release tag takes
 *    precedence over the branch name")
 *  - actions: the runner's "Unable to resolve action `owner/repo@ref`, unable to find version `ref`"
 *    (e.g. https://github.com/actions/add-to-project/issues/540)
 *  - reusable workflows: "failed to fetch workflow: reference to workflow should be either a valid branch, tag, or
 *    commit" (https://github.com/pharmaverse/sdtm.oak/issues/27; with a 7-character SHA:
 *    https://github.com/llm-d/llm-d.github.io/pull/170)
 *
 * Which files stand for the ref:
 *  - `--action-repo owner/name@ref=dir`: the working tree of dir, as it is (uncommitted changes included), for
 *    exactly that ref — for refs that are not committed yet (a pipeline testing the working tree under the ref its
 *    workflows will pin);
 *  - `--action-repo owner/name=dir`: the ref must exist in dir's git repository; when it is the commit checked out
 *    (HEAD), the working tree stands for it (uncommitted changes included), otherwise the files of that commit are
 *    exported (`git archive`) into a cache and used.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowError } from './errors.js';

export interface RemoteUses {
  owner: string;
  repo: string;
  subpath: string;
  ref: string;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The mapping for owner/name (and, when given, owner/name@ref) in --action-repo, case-insensitive for owner/name. */
export function findMapping(
  actionRepos: Record<string, string>,
  owner: string,
  repo: string,
  ref: string
): { dir: string; pinned: boolean } | undefined {
  const key = `${owner}/${repo}`.toLowerCase();
  for (const [k, dir] of Object.entries(actionRepos)) {
    const at = k.indexOf('@');
    if (at > 0 && k.slice(0, at).toLowerCase() === key && k.slice(at + 1) === ref)
      return { dir, pinned: true };
  }
  for (const [k, dir] of Object.entries(actionRepos))
    if (!k.includes('@') && k.toLowerCase() === key) return { dir, pinned: false };
  return undefined;
}

/** Whether owner/name is mapped at all (with any ref). */
export function isMapped(actionRepos: Record<string, string>, owner: string, repo: string): boolean {
  const key = `${owner}/${repo}`.toLowerCase();
  return Object.keys(actionRepos).some((k) => k.split('@')[0]?.toLowerCase() === key);
}

/** The commit a ref names in the repository at `top` (tag before branch, full SHA only), or undefined. */
export function resolveRef(top: string, ref: string): string | undefined {
  if (/^[0-9a-f]{40}$/i.test(ref)) {
    return git(top, ['cat-file', '-e', `${ref}^{commit}`]) !== undefined ? ref.toLowerCase() : undefined;
  }
  for (const full of [`refs/tags/${ref}`, `refs/heads/${ref}`, `refs/remotes/origin/${ref}`]) {
    const sha = git(top, ['rev-parse', '-q', '--verify', `${full}^{commit}`]);
    if (sha) return sha;
  }
  return undefined;
}

const cacheRoot = path.join(os.tmpdir(), 'slipway-action-refs');

/** The files of `sha` in the repository at `top`, exported once into a cache directory. */
function exportCommit(top: string, sha: string): string {
  const dest = path.join(cacheRoot, `${path.basename(top)}-${sha}`);
  if (existsSync(dest)) return dest;
  mkdirSync(cacheRoot, { recursive: true });
  const partial = `${dest}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const tar = `${partial}.tar`;
  execFileSync('git', ['archive', '--format=tar', '-o', tar, sha], { cwd: top, stdio: 'ignore' });
  execFileSync('tar', ['-xf', tar, '-C', partial], { stdio: 'ignore' });
  rmSync(tar, { force: true });
  try {
    renameSync(partial, dest);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another process exported it first
  }
  return dest;
}

const resolved = new Map<string, string>();

/**
 * The local directory that stands for `owner/repo@ref` (its root; the caller appends the subpath), or a
 * WorkflowError in GitHub's words when the ref does not exist in the mapped repository.
 */
export function mappedRoot(
  actionRepos: Record<string, string>,
  uses: RemoteUses,
  kind: 'action' | 'workflow',
  at: string
): string | undefined {
  const mapping = findMapping(actionRepos, uses.owner, uses.repo, uses.ref);
  if (!mapping) {
    if (isMapped(actionRepos, uses.owner, uses.repo)) {
      throw new WorkflowError(
        `${at}: ${uses.owner}/${uses.repo} is mapped only for other refs than ${uses.ref} (--action-repo ${Object.keys(
          actionRepos
        )
          .filter((k) => k.toLowerCase().startsWith(`${uses.owner}/${uses.repo}`.toLowerCase()))
          .join(', ')})`
      );
    }
    return undefined;
  }
  if (mapping.pinned) return mapping.dir;
  const cacheKey = `${mapping.dir}\0${uses.ref}`;
  const hit = resolved.get(cacheKey);
  if (hit) return hit;
  const top = git(mapping.dir, ['rev-parse', '--show-toplevel']);
  if (!top) {
    throw new WorkflowError(
      `${at}: --action-repo ${uses.owner}/${uses.repo}=${mapping.dir} is not a git checkout, so whether ${uses.ref} exists there cannot be checked; map the ref explicitly: --action-repo ${uses.owner}/${uses.repo}@${uses.ref}=${mapping.dir}`
    );
  }
  const sha = resolveRef(top, uses.ref);
  if (!sha) {
    const where = `in ${top} (--action-repo ${uses.owner}/${uses.repo}=${mapping.dir}); to let the working tree stand for a ref that is not committed yet, map it as --action-repo ${uses.owner}/${uses.repo}@${uses.ref}=${mapping.dir}`;
    const name = `${uses.owner}/${uses.repo}${uses.subpath ? `/${uses.subpath}` : ''}@${uses.ref}`;
    throw new WorkflowError(
      kind === 'action'
        ? `${at}: Unable to resolve action \`${name}\`, unable to find version \`${uses.ref}\` — no tag, branch or full commit SHA ${uses.ref} ${where}`
        : `${at}: error parsing called workflow "${name}": failed to fetch workflow: reference to workflow should be either a valid branch, tag, or commit — ${uses.ref} is none ${where}`
    );
  }
  let root: string;
  if (git(top, ['rev-parse', 'HEAD']) === sha) root = mapping.dir;
  else {
    const prefix = git(mapping.dir, ['rev-parse', '--show-prefix']) ?? '';
    root = path.join(exportCommit(top, sha), prefix);
  }
  resolved.set(cacheKey, root);
  return root;
}
