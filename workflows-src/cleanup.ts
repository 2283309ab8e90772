/** Reusable GHCR cleanup: the retention policy of the cleanup action, on a schedule or on demand (dry-run). */
import { expr, slipway, stepOutput, thirdParty } from './lib/actions.js';
import { RUNNER, checkout } from './lib/common.js';
import type { Workflow } from './lib/types.js';

/**
 * The job's timeout and the action's time budget agree: the action starts no delete after TIME_BUDGET_MINUTES and
 * leaves the rest to the next run, so the job ends (plan, summary, artifact) well before GitHub cancels it at
 * TIMEOUT_MINUTES (a cancelled job writes no summary). The 5 minutes cover checkout, the last deletes in flight
 * and the artifact upload.
 */
const TIMEOUT_MINUTES = 30;
const TIME_BUDGET_MINUTES = TIMEOUT_MINUTES - 5;

export const cleanupWorkflow: Workflow = {
  name: 'Slipway cleanup',
  on: {
    workflow_call: {
      inputs: {
        manifest: {
          description: 'Services manifest (its services are the packages)',
          type: 'string',
          default: '.slipway/services.yml'
        },
        packages: {
          description: 'Packages (names or globs) instead of the manifest services',
          type: 'string',
          default: ''
        },
        registry: { description: 'Registry host', type: 'string', default: 'ghcr.io' },
        'keep-n-tagged': {
          description: 'Keep the N newest tagged versions the tag rules would delete',
          type: 'string',
          default: '10'
        },
        'keep-n-untagged': {
          description: 'Keep the N newest unreferenced untagged versions',
          type: 'string',
          default: '0'
        },
        'older-than': {
          description: 'Only delete versions older than this (e.g. 30d)',
          type: 'string',
          default: '14d'
        },
        'delete-tags': {
          description: 'Glob patterns of tags that may be deleted',
          type: 'string',
          default: 'sha-*,pr-*,candidate-*'
        },
        'exclude-tags': { description: 'Glob patterns of tags never deleted', type: 'string', default: '' },
        'rollback-window': {
          description: 'Previous successful deployments per environment to keep',
          type: 'string',
          default: '3'
        },
        'dry-run': { description: 'Plan only; delete nothing', type: 'boolean', default: false }
      },
      outputs: {
        plan: { description: 'The cleanup plan (JSON)', value: expr('jobs.cleanup.outputs.plan') }
      }
    }
  },
  permissions: {},
  jobs: {
    cleanup: {
      name: expr("inputs.dry-run && 'Cleanup plan (dry run)' || 'Cleanup'"),
      'runs-on': RUNNER,
      'timeout-minutes': TIMEOUT_MINUTES,
      permissions: { contents: 'read', packages: 'write', deployments: 'read' },
      concurrency: {
        group: expr("format('slipway-cleanup-{0}', github.repository)"),
        'cancel-in-progress': false
      },
      outputs: { plan: expr(stepOutput('cleanup', 'cleanup', 'plan')) },
      steps: [
        checkout(),
        slipway('cleanup', {
          id: 'cleanup',
          name: 'Cleanup',
          with: {
            manifest: expr('inputs.manifest'),
            packages: expr('inputs.packages'),
            registry: expr('inputs.registry'),
            'keep-n-tagged': expr('inputs.keep-n-tagged'),
            'keep-n-untagged': expr('inputs.keep-n-untagged'),
            'older-than': expr('inputs.older-than'),
            'delete-tags': expr('inputs.delete-tags'),
            'exclude-tags': expr('inputs.exclude-tags'),
            'rollback-window': expr('inputs.rollback-window'),
            'dry-run': expr('inputs.dry-run'),
            'time-budget': `${TIME_BUDGET_MINUTES}m`,
            'github-token': expr('github.token')
          }
        }),
        thirdParty('actions/upload-artifact', {
          name: 'Keep the plan',
          if: expr('always()'),
          with: {
            // one per attempt, not build.yml's overwrite: the step runs after a failure too, and a failed attempt's
            // plan is what it worked from before failing, which its re-run's plan must not replace
            name: expr("format('cleanup-plan-{0}', github.run_attempt)"),
            path: expr(stepOutput('cleanup', 'cleanup', 'plan-path')),
            'if-no-files-found': 'warn'
          }
        })
      ]
    }
  }
};
