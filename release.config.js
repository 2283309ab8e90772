/**
 * semantic-release configuration of Slipway itself. Slipway's release workflow runs `npx semantic-release` on a
 * push to main (full-history checkout, GITHUB_TOKEN with contents: write): Conventional Commits decide the version,
 * the notes become the GitHub release, the tag is `v<version>`, and the `v<major>` tag that consumers pin
 * (`uses: slipway/slipway/actions/build@v1`) is moved to the released commit by the small plugin below.
 * Consumer repositories use actions/release instead (the same plugin set, bundled, no npm install).
 * Tested by test/integration/release-config.test.ts (the real CLI against a bare remote and the GitHub API fake).
 */
import { execFileSync } from 'node:child_process';

/**
 * Moves (or creates) the major tag `v<major>` to the commit just released, after the GitHub release exists. Not on
 * prerelease channels (a beta must not move what `@v1` users get) and not for 0.x versions (no stable major yet).
 * It uses the URL semantic-release pushed the release tag with (credentials included), so it can push wherever
 * the release could.
 */
export const moveMajorTag = {
  success(pluginConfig, context) {
    const { nextRelease, options, cwd, env, logger } = context;
    const major = Number(nextRelease.version.split('.')[0]);
    if (nextRelease.channel) {
      logger.log(`Release ${nextRelease.version} is on channel ${nextRelease.channel}: major tag left alone`);
      return;
    }
    if (!(major >= 1)) {
      logger.log(`Release ${nextRelease.version} is 0.x: no major tag`);
      return;
    }
    const tag = `v${major}`;
    const git = (...args) => execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    git('tag', '--force', tag, nextRelease.gitHead);
    git('push', '--force', options.repositoryUrl, `refs/tags/${tag}:refs/tags/${tag}`);
    logger.success(`Moved ${tag} to ${nextRelease.gitTag} (${nextRelease.gitHead.slice(0, 7)})`);
  }
};

export default {
  branches: ['main'],
  tagFormat: 'v${version}',
  plugins: [
    ['@semantic-release/commit-analyzer', { preset: 'conventionalcommits' }],
    ['@semantic-release/release-notes-generator', { preset: 'conventionalcommits' }],
    [
      '@semantic-release/github',
      // the GitHub release is the record; no bot comments, labels or failure issues
      { successComment: false, failComment: false, failTitle: false, labels: false, releasedLabels: false }
    ],
    moveMajorTag
  ]
};
