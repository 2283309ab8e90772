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

export async function findOrCreateRelease(
  octokit: Octokit,
  repo: RepoRef,
  tag: string,
  create: boolean
): Promise<{ id: number; upload_url: string }> {
  try {
    const r = await octokit.rest.repos.getReleaseByTag({ ...repo, tag });
    return r.data;
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
  }
  if (!create) {
    throw new ConfigurationError(
      `Input 'release-tag': ${repo.owner}/${repo.repo} has no published release for tag '${tag}': run this step after ` +
        `the release is created, or set release-create: true to create it here`
    );
  }
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
