/**
 * Reusable deploy workflow, seed 002's interface: environment, version (default latest), skip_tests → outputs
 * deployment_url, version, status. The deploy job names its `environment:` so GitHub's protection rules (required
 * reviewers, wait timers, branch policies) gate it, and queues per environment instead of replacing a pending
 * deploy. Automatic rollback happens inside the deploy action; a manual rollback is this workflow with
 * version `previous` (or any earlier version).
 */
import { expr, slipway, stepOutput } from './lib/actions.js';
import { RUNNER, checkout, registryLogin, testCommandStep } from './lib/common.js';
import type { StepsJob, Workflow } from './lib/types.js';

const testsJob: StepsJob = {
  name: 'Pre-deploy tests',
  if: expr("!inputs.skip_tests && inputs.test-command != ''"),
  'runs-on': RUNNER,
  'timeout-minutes': 30,
  permissions: { contents: 'read' },
  steps: [checkout(), testCommandStep()]
};

const deployJob: StepsJob = {
  name: expr("format('Deploy {0} to {1}', inputs.version, inputs.environment)"),
  needs: ['tests'],
  if: expr("!cancelled() && needs.tests.result != 'failure'"),
  'runs-on': expr('inputs.runs-on'),
  environment: {
    name: expr('inputs.environment'),
    url: expr(stepOutput('deploy', 'deploy', 'deployment_url'))
  },
  permissions: { contents: 'read', deployments: 'write', packages: 'read' },
  concurrency: {
    group: expr("format('slipway-deploy-{0}-{1}', github.repository, inputs.environment)"),
    'cancel-in-progress': false,
    // without it, a second pending deploy replaces the first (GitHub keeps one pending run per group)
    queue: 'max'
  },
  'timeout-minutes': 30,
  outputs: {
    deployment_url: expr(stepOutput('deploy', 'deploy', 'deployment_url')),
    version: expr(stepOutput('deploy', 'deploy', 'version')),
    status: expr(stepOutput('deploy', 'deploy', 'status'))
  },
  steps: [
    checkout(),
    registryLogin(),
    slipway('deploy', {
      id: 'deploy',
      name: 'Deploy, health check, roll back on failure',
      with: {
        environment: expr('inputs.environment'),
        version: expr('inputs.version'),
        'config-dir': expr('inputs.config-dir'),
        'docker-host': expr('inputs.docker-host'),
        'webhook-url': expr('secrets.WEBHOOK_URL'),
        'github-token': expr('github.token')
      }
    })
  ]
};

export const deployWorkflow: Workflow = {
  name: 'Slipway deploy',
  on: {
    workflow_call: {
      inputs: {
        environment: { description: 'dev, test, staging or prod', type: 'string', required: true },
        version: {
          description: 'latest (newest stable release), previous (roll back), X.Y.Z, or image@sha256 digests',
          type: 'string',
          default: 'latest'
        },
        skip_tests: { description: 'Skip the pre-deploy tests', type: 'boolean', default: false },
        'test-command': { description: 'Pre-deploy test command (empty: none)', type: 'string', default: '' },
        'config-dir': {
          description: 'Directory of the <environment>.json files',
          type: 'string',
          default: 'deploy'
        },
        'runs-on': {
          description:
            'Runner that reaches the target (a self-hosted runner on the Docker host, or any runner with docker-host)',
          type: 'string',
          default: RUNNER
        },
        'docker-host': {
          description: 'DOCKER_HOST of the target (e.g. ssh://deploy@host); empty: local',
          type: 'string',
          default: ''
        },
        registry: { description: 'Registry to log in to for pulling', type: 'string', default: 'ghcr.io' },
        'registry-login': {
          description: 'Log in to the registry with the job token',
          type: 'boolean',
          default: true
        }
      },
      secrets: {
        REGISTRY_PASSWORD: {
          description: 'Registry password (default: the job GITHUB_TOKEN)',
          required: false
        },
        WEBHOOK_URL: {
          description: 'Slack-compatible (or generic JSON) webhook for the result',
          required: false
        }
      },
      outputs: {
        deployment_url: {
          description: 'Deployed application URL',
          value: expr('jobs.deploy.outputs.deployment_url')
        },
        version: { description: 'Deployed version', value: expr('jobs.deploy.outputs.version') },
        status: {
          description: 'Deployment status: success, failure or rolled_back',
          value: expr('jobs.deploy.outputs.status')
        }
      }
    }
  },
  permissions: {},
  jobs: { tests: testsJob, deploy: deployJob }
};
