/**
 * Attributes commits to the services of a monorepo by the files they touch, with the services manifest's path
 * globs (the same rules as `plan`: picomatch with dotfiles; a change under `shared-paths` counts for every
 * service). Pure: the files of each commit come from `git diff-tree` (see readCommitFiles in release-git.ts).
 */
import picomatch from 'picomatch';
import type { ServicesManifest } from './services-manifest.js';

const MATCH_OPTIONS = { dot: true } as const;

export interface CommitFiles {
  sha: string;
  files: string[];
}

export interface Attribution {
  /** service names in manifest order */
  services: string[];
  /** the services one commit counts for; [] when it touches none (docs-only, a merge commit's empty diff, …) */
  servicesOf(files: string[]): string[];
}

export function compileAttribution(
  manifest: Pick<ServicesManifest, 'sharedPaths' | 'services'>
): Attribution {
  const shared = manifest.sharedPaths.length > 0 ? picomatch(manifest.sharedPaths, MATCH_OPTIONS) : undefined;
  const matchers = manifest.services.map((s) => ({
    name: s.name,
    match: s.paths.length > 0 ? picomatch(s.paths, MATCH_OPTIONS) : () => false
  }));
  const services = matchers.map((m) => m.name);
  return {
    services,
    servicesOf(files) {
      if (shared && files.some((f) => shared(f))) return [...services];
      return matchers.filter((m) => files.some((f) => m.match(f))).map((m) => m.name);
    }
  };
}

/** service → the shas (in the given order) that count for it. Every service of the manifest has an entry. */
export function attributeCommits(commits: CommitFiles[], attribution: Attribution): Map<string, string[]> {
  const result = new Map<string, string[]>(attribution.services.map((s) => [s, []]));
  for (const commit of commits) {
    for (const service of attribution.servicesOf(commit.files)) result.get(service)!.push(commit.sha);
  }
  return result;
}

/**
 * Parses `git diff-tree --stdin -r --name-only --root -z` output for the given shas. The
 * output is `<sha>\0<file>\0…` per commit, in input order; a commit with no diff (a merge without -m, an empty
 * commit) prints nothing. A token is taken as the next commit's header only when it is one of the shas asked
 * for, so a file that happens to be named like a sha stays a file.
 */
export function parseDiffTreeOutput(output: string, shas: string[]): Map<string, string[]> {
  const files = new Map<string, string[]>(shas.map((s) => [s, []]));
  const pending = new Set(shas);
  let current: string[] | undefined;
  for (const token of output.split('\0')) {
    if (token === '') continue;
    if (pending.has(token)) {
      pending.delete(token);
      current = files.get(token);
      continue;
    }
    current?.push(token);
  }
  return files;
}
