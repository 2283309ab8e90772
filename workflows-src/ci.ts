/** Slipway's own CI: `.ci/run` (lint, typecheck, generated files, every test); on main a green run releases Slipway. */
import { expr, thirdParty } from './lib/actions.js';
import { RUNNER, checkout } from './lib/common.js';
import type { Workflow } from './lib/types.js';

export const ciWorkflow: Workflow = {
  name: 'CI',
  on: { push: { branches: ['main'] }, pull_request: { branches: ['main'] } },
  permissions: {},
  concurrency: {
    group: expr("format('ci-{0}', github.ref)"),
    'cancel-in-progress': expr("github.event_name == 'pull_request'")
  },
  jobs: {
    test: {
      name: 'Lint, typecheck, generated files, tests',
      'runs-on': RUNNER,
      'timeout-minutes': 90,
      permissions: { contents: 'read' },
      steps: [
        checkout(0),
        thirdParty('actions/setup-node', { name: 'Set up Node.js', with: { 'node-version': '24' } }),
        {
          name: 'Test (installs the tools, starts dockerd and the registry)',
          env: { CI: 'true' },
          run: 'sudo -E bash .ci/run'
        }
      ]
    },
    release: {
      name: 'Release (semantic-release, moves v1)',
      needs: ['test'],
      if: expr("github.event_name == 'push' && github.ref == 'refs/heads/main'"),
      'runs-on': RUNNER,
      'timeout-minutes': 15,
      permissions: { contents: 'write' },
      concurrency: { group: 'slipway-release', 'cancel-in-progress': false },
      steps: [
        checkout(0),
        thirdParty('actions/setup-node', { name: 'Set up Node.js', with: { 'node-version': '24' } }),
        { name: 'Install', run: 'npm ci' },
        {
          // the generated workflows pin Slipway's own actions by commit (workflows-src/lib/actions.ts SLIPWAY_PIN):
          // move the pin to this tested commit and commit the regenerated files, so the release tags a commit whose
          // workflows run its own actions. A push with the job token starts no workflow run, so this cannot loop
          // ("events triggered by the GITHUB_TOKEN … will not create a new workflow run",
          // https://docs.github.com/en/actions/how-tos/write-workflows/choose-when-workflows-run/trigger-a-workflow).
          name: 'Pin the self-references to this commit',
          env: { GITHUB_TOKEN: expr('github.token'), REPOSITORY: expr('github.repository') },
          run: [
            'npx tsx scripts/pin-self.ts HEAD',
            'if git diff --quiet; then echo "self-references already pinned to HEAD"; exit 0; fi',
            'git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \\',
            '  commit -qam "chore(release): pin self-references to $(git rev-parse --short HEAD)"',
            'git push "https://x-access-token:${GITHUB_TOKEN}@github.com/${REPOSITORY}.git" HEAD:refs/heads/main'
          ].join('\n')
        },
        {
          name: 'Release',
          // release.config.js: conventional commits → tag, GitHub release, and v<major> moved to the release
          env: { GITHUB_TOKEN: expr('github.token') },
          run: 'npx semantic-release'
        }
      ]
    }
  }
};
