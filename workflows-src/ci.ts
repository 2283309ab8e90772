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
          name: 'Release',
          // release.config.js: conventional commits → tag, GitHub release, and v<major> moved to the release
          env: { GITHUB_TOKEN: expr('github.token') },
          run: 'npx semantic-release'
        }
      ]
    }
  }
};
