/** The example monorepo's retention: weekly, and on demand with a dry run by default. */
import { expr, reusable } from '../lib/actions.js';
import type { Workflow } from '../lib/types.js';

export const exampleCleanupWorkflow: Workflow = {
  name: 'Image cleanup',
  on: {
    schedule: [{ cron: '17 3 * * 1' }],
    workflow_dispatch: {
      inputs: {
        'dry-run': { description: 'Plan only; delete nothing', type: 'boolean', default: true }
      }
    }
  },
  permissions: {},
  jobs: {
    cleanup: {
      permissions: { contents: 'read', packages: 'write', deployments: 'read' },
      uses: reusable('cleanup.yml'),
      with: {
        registry: expr("vars.SLIPWAY_REGISTRY || 'ghcr.io'"),
        // a scheduled run has no inputs: it deletes for real
        'dry-run': expr("github.event_name == 'workflow_dispatch' && inputs.dry-run")
      }
    }
  }
};
