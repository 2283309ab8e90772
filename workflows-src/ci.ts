/** Slipway's own CI: the same command as `.ci/run` (lint, typecheck, generated files current, every test). */
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
    }
  }
};
