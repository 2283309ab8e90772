/** Release assets against the GitHub API fake: a re-run replaces an asset instead of failing with already_exists. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as github from '@actions/github';
import { findOrCreateRelease, uploadReleaseAssets } from '../../../actions/sbom/release.js';
import { addRepo, startGitHubFake, type GitHubFake } from '../../support/github-fake/index.js';

let fake: GitHubFake;
const repo = { owner: 'acme', repo: 'monorepo' };

beforeEach(async () => {
  fake = await startGitHubFake({ token: 'ghs_x' });
  addRepo(fake.state, 'acme', 'monorepo');
});
afterEach(async () => {
  fake.assertNoViolations();
  await fake.close();
});

const client = () => github.getOctokit('ghs_x', { baseUrl: fake.url });

describe('release assets', () => {
  it('uploads, then replaces on a re-run', async () => {
    const octokit = client();
    await octokit.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-rel-'));
    const file = path.join(dir, 'api.cdx.json');
    writeFileSync(file, '{"v":1}');
    const release = await findOrCreateRelease(octokit, repo, 'v1.0.0', false);
    const first = await uploadReleaseAssets(octokit, repo, release, [file]);
    expect(first).toEqual([expect.objectContaining({ name: 'api.cdx.json', replaced: false })]);
    writeFileSync(file, '{"v":2}');
    const second = await uploadReleaseAssets(octokit, repo, release, [file]);
    expect(second).toEqual([expect.objectContaining({ name: 'api.cdx.json', replaced: true })]);
    expect(fake.state.releaseAssets).toHaveLength(1);
    expect(fake.state.releaseAssets[0]!.data.toString()).toBe('{"v":2}');
    expect(fake.state.releaseAssets[0]!.content_type).toBe('application/json');
  });

  it('a missing release is an error with the fix, or is created on request', async () => {
    const octokit = client();
    await expect(findOrCreateRelease(octokit, repo, 'v2.0.0', false)).rejects.toThrow(
      /no published release for tag 'v2.0.0'.*release-create: true/
    );
    const created = await findOrCreateRelease(octokit, repo, 'v2.0.0', true);
    expect(fake.state.releases.map((r) => [r.id, r.tag_name])).toEqual([[created.id, 'v2.0.0']]);
  });
});
