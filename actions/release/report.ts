/** Outputs and messages of the release action, from the engine's results. Pure. */
import type { TargetResult } from './engine.js';

export interface ServiceRelease {
  service: string;
  version: string;
  tag: string;
  published: boolean;
}

/** The `releases` output: one entry per service in per-service mode, [] for the repo-wide release. */
export function releasesOutput(
  results: Pick<TargetResult, 'target' | 'version' | 'tag' | 'published'>[]
): ServiceRelease[] {
  return results
    .filter((r) => r.target.service !== undefined)
    .map((r) => ({ service: r.target.service!, version: r.version, tag: r.tag, published: r.published }));
}

/** Per-service notes under one heading per released service. */
export function combinedNotes(results: Pick<TargetResult, 'target' | 'tag' | 'notes'>[]): string {
  return results
    .filter((r) => r.notes)
    .map((r) => `# ${r.tag}\n\n${r.notes.trim()}\n`)
    .join('\n');
}

/**
 * Why nothing was released when the history has commits but none in Conventional Commits form: semantic-release
 * only says "no release", which looks like a bug to someone who wrote "Update api".
 */
export function nonConventionalMessage(
  r: Pick<TargetResult, 'target' | 'version' | 'stats'>
): string | undefined {
  const { stats } = r;
  if (r.version || stats.attributed === 0 || stats.conventional > 0) return undefined;
  const who = r.target.service ? `service '${r.target.service}'` : 'the repository';
  const since = stats.lastTag ? `since ${stats.lastTag}` : 'in the history';
  const examples = stats.examples.map((s) => `'${s}'`).join(', ');
  return (
    `No release for ${who}: none of the ${stats.attributed} commit(s) ${since} follow Conventional Commits ` +
    `(e.g. ${examples}). semantic-release versions from commit messages like 'fix: …' (patch), 'feat: …' (minor) ` +
    `or a 'BREAKING CHANGE:' footer / 'feat!: …' (major); see docs/releases.md.`
  );
}
