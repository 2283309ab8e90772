/**
 * Do Slipway's pins still resolve? Every pinned tool download (trivy, gitleaks, cosign: URL + SHA-256 from the
 * install tables) is downloaded and hashed, and every third-party action pin (workflows-src/lib/actions.ts) is
 * compared with the commit its tag points to on GitHub (`git ls-remote`). Releases disappear (Aqua deleted trivy's
 * v0.27.0–v0.69.1 assets on 2026-03-01) and tags move; the scheduled `pins` workflow runs this weekly so a broken pin
 * is found before a user's run is.
 *
 *   npx tsx scripts/check-pins.ts            check everything (network)
 *   npx tsx scripts/check-pins.ts --list     print what would be checked
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { COSIGN } from '../actions/lib/cosign.js';
import type { PinnedTool } from '../actions/lib/tool-install.js';
import { GITLEAKS } from '../actions/gitleaks-gate/install.js';
import { TRIVY } from '../actions/lib/trivy.js';
import { PINS } from '../workflows-src/lib/actions.js';

export interface DownloadPin {
  tool: string;
  version: string;
  platform: string;
  url: string;
  sha256: string;
}

export interface ActionPin {
  action: string;
  repo: string;
  tag: string;
  sha: string;
}

function downloadsOf<P extends string>(tool: PinnedTool<P>): DownloadPin[] {
  return Object.entries(tool.releases).flatMap(([version, platforms]) =>
    Object.entries(platforms as Record<string, string>).map(([platform, sha256]) => ({
      tool: tool.name,
      version,
      platform,
      url: tool.url(version, platform as P),
      sha256
    }))
  );
}

/** Every pinned tool download of the install tables. */
export function downloadPins(): DownloadPin[] {
  return [...downloadsOf(TRIVY), ...downloadsOf(GITLEAKS), ...downloadsOf(COSIGN)];
}

/** Every third-party action pin: the repository is the first two segments of the action's name. */
export function actionPins(): ActionPin[] {
  return Object.entries(PINS).map(([action, pin]) => ({
    action,
    repo: action.split('/').slice(0, 2).join('/'),
    tag: pin.version,
    sha: pin.sha
  }));
}

/**
 * The commit a tag names, from `git ls-remote` output for `refs/tags/<tag>` and `refs/tags/<tag>^{}`: an annotated
 * tag's peeled line (^{}) is the commit; a lightweight tag has only the first line.
 */
export function commitOfTag(lsRemote: string, tag: string): string | undefined {
  const refs = new Map(
    lsRemote
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, ref] = line.split('\t');
        return [ref, sha] as const;
      })
  );
  return refs.get(`refs/tags/${tag}^{}`) ?? refs.get(`refs/tags/${tag}`);
}

export async function sha256Of(url: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  const res = await fetchImpl(url, { redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  const hash = createHash('sha256');
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}

export async function checkDownload(
  pin: DownloadPin,
  fetchImpl: typeof fetch = fetch
): Promise<string | undefined> {
  try {
    const actual = await sha256Of(pin.url, fetchImpl);
    return actual === pin.sha256 ? undefined : `${pin.url}: SHA-256 ${actual}, pinned ${pin.sha256}`;
  } catch (error) {
    return `${pin.url}: ${(error as Error).message} (the release asset is gone or unreachable)`;
  }
}

const run = promisify(execFile);

export async function checkAction(
  pin: ActionPin,
  remote: (repo: string) => string = (repo) => `https://github.com/${repo}`
): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', [
      'ls-remote',
      remote(pin.repo),
      `refs/tags/${pin.tag}`,
      `refs/tags/${pin.tag}^{}`
    ]);
    const commit = commitOfTag(stdout, pin.tag);
    if (!commit) return `${pin.action}@${pin.tag}: the tag no longer exists in ${pin.repo}`;
    return commit === pin.sha
      ? undefined
      : `${pin.action}@${pin.tag}: the tag points to ${commit}, pinned ${pin.sha} (moved tag: review before re-pinning)`;
  } catch (error) {
    return `${pin.action}: git ls-remote failed: ${(error as Error).message}`;
  }
}

async function main(): Promise<void> {
  const downloads = downloadPins();
  const actions = actionPins();
  if (process.argv.includes('--list')) {
    for (const d of downloads) console.log(`${d.sha256}  ${d.url}`);
    for (const a of actions) console.log(`${a.sha}  ${a.action}@${a.tag}`);
    return;
  }
  const problems: string[] = [];
  for (const d of downloads) {
    const problem = await checkDownload(d);
    console.log(`${problem ? '✗' : '✓'} ${d.tool} ${d.version} ${d.platform}`);
    if (problem) problems.push(problem);
  }
  for (const a of actions) {
    const problem = await checkAction(a);
    console.log(`${problem ? '✗' : '✓'} ${a.action}@${a.tag}`);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) {
    console.error(
      `\n${problems.length} pin(s) no longer resolve:\n${problems.map((p) => `  ${p}`).join('\n')}`
    );
    console.error(
      'Fix: pin a release that exists (its checksums file / tag commit) in the install table or PINS.'
    );
    process.exit(1);
  }
  console.log(`\nall ${downloads.length} downloads and ${actions.length} action pins resolve`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main();
}
