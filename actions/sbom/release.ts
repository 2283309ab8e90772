/**
 * SBOM files as GitHub release assets, idempotently: an asset of the same name (an earlier run of this job) is
 * deleted and uploaded again, instead of failing with `already_exists` on a re-run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, httpStatus } from '../lib/errors.js';
import type { Octokit, RepoRef } from '../lib/github.js';

export interface UploadedAsset {
  name: string;
  id: number;
  url: string;
  /** true when an asset of that name existed and was replaced */
  replaced: boolean;
}

/**
 * Refuses a `release-tag` git would refuse as a tag name (git check-ref-format: no space, `~^:?*[\\`, `..`, `@{`,
 * control characters, leading `-` or `.`, trailing `.`/`/`/`.lock`), so a typo fails before anything is pushed.
 * https://git-scm.com/docs/git-check-ref-format
 */
export function checkReleaseTag(tag: string): void {
  const bad =
    // eslint-disable-next-line no-control-regex
    /[\x00-\x20\x7f~^:?*[\\]/.test(tag) ||
    tag.includes('..') ||
    tag.includes('@{') ||
    tag === '@' ||
    /^[-./]/.test(tag) ||
    /(\.|\/|\.lock)$/.test(tag) ||
    tag.includes('//') ||
    tag.includes('/.');
  if (bad) {
    throw new ConfigurationError(
      `Input 'release-tag': '${tag}' is not a valid git tag name (see git check-ref-format); pass the tag of the ` +
        `release, e.g. v1.2.3 or api-v1.2.3 (the release action's 'tag' output)`
    );
  }
}

/** The release of `tag`, or undefined when there is none (read-only: nothing is created). */
export async function findRelease(
  octokit: Octokit,
  repo: RepoRef,
  tag: string
): Promise<{ id: number; upload_url: string } | undefined> {
  try {
    const r = await octokit.rest.repos.getReleaseByTag({ ...repo, tag });
    return r.data;
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
    return undefined;
  }
}

export function noReleaseError(repo: RepoRef, tag: string): ConfigurationError {
  return new ConfigurationError(
    `Input 'release-tag': ${repo.owner}/${repo.repo} has no published release for tag '${tag}': run this step after ` +
      `the release is created, or set release-create: true to create it here. Nothing was generated, attested or uploaded`
  );
}

export async function findOrCreateRelease(
  octokit: Octokit,
  repo: RepoRef,
  tag: string,
  create: boolean
): Promise<{ id: number; upload_url: string }> {
  const found = await findRelease(octokit, repo, tag);
  if (found) return found;
  if (!create) throw noReleaseError(repo, tag);
  const created = await octokit.rest.repos.createRelease({ ...repo, tag_name: tag, name: tag });
  return created.data;
}

export async function uploadReleaseAssets(
  octokit: Octokit,
  repo: RepoRef,
  release: { id: number; upload_url: string },
  files: string[]
): Promise<UploadedAsset[]> {
  const existing = await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
    ...repo,
    release_id: release.id,
    per_page: 100
  });
  const uploaded: UploadedAsset[] = [];
  for (const file of files) {
    const name = path.basename(file);
    const old = existing.find((a) => a.name === name);
    if (old) await octokit.rest.repos.deleteReleaseAsset({ ...repo, asset_id: old.id });
    const data = readFileSync(file);
    const res = await octokit.request({
      method: 'POST',
      url: release.upload_url,
      name,
      data,
      headers: { 'content-type': 'application/json', 'content-length': data.length }
    });
    const body = res.data as { id: number; browser_download_url: string };
    uploaded.push({ name, id: body.id, url: body.browser_download_url, replaced: Boolean(old) });
  }
  return uploaded;
}
