/**
 * Slipway's own scheduled check that every pin still resolves: each pinned tool download still exists and hashes to
 * its pinned SHA-256, each third-party action tag still points to the pinned commit (scripts/check-pins.ts). A
 * release deleted upstream (trivy v0.27.0–v0.69.1, 2026-03-01) fails this, not a user's build.
 */
import { thirdParty } from './lib/actions.js';
import { RUNNER, checkout } from './lib/common.js';
import type { Workflow } from './lib/types.js';

export const pinsWorkflow: Workflow = {
  name: 'Pins resolve',
  on: { schedule: [{ cron: '23 4 * * 1' }], workflow_dispatch: null },
  permissions: {},
  jobs: {
    'check-pins': {
      name: 'Pinned downloads and action tags still resolve',
      'runs-on': RUNNER,
      'timeout-minutes': 20,
      permissions: { contents: 'read' },
      steps: [
        checkout(),
        thirdParty('actions/setup-node', { name: 'Set up Node.js', with: { 'node-version': '24' } }),
        { name: 'Install', run: 'npm ci --ignore-scripts' },
        { name: 'Check the pins', run: 'npx tsx scripts/check-pins.ts' }
      ]
    }
  }
};
