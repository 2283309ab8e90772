/** Git queries of the release action: which files each commit touched (one `git diff-tree` for all of them). */
import { execTool } from './exec.js';
import { parseDiffTreeOutput } from './commit-attribution.js';

/**
 * Files touched by each commit, from one `git diff-tree --stdin` (shas on stdin, `<sha>\0<file>\0…` out). The root
 * commit is diffed against the empty tree (`--root`); renames count as delete + add so both paths attribute; a
 * merge commit lists no files (its changes belong to the commits it merges, which are in the range too).
 */
export async function readCommitFiles(cwd: string, shas: string[]): Promise<Map<string, string[]>> {
  if (shas.length === 0) return new Map();
  const { stdout } = await execTool(
    'git',
    ['diff-tree', '--stdin', '-r', '--name-only', '--root', '--no-renames', '-z'],
    {
      cwd,
      input: `${shas.join('\n')}\n`
    }
  );
  return parseDiffTreeOutput(stdout, shas);
}
