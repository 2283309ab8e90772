/** The example monorepo's dispatch entry points: deploy (seed 002's inputs) and a manual rollback. */
import { expr, reusable } from '../lib/actions.js';
import type { Workflow } from '../lib/types.js';

const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'];

const DEPLOY_SETTINGS = {
  registry: expr("vars.SLIPWAY_REGISTRY || 'ghcr.io'"),
  'registry-login': expr("vars.SLIPWAY_REGISTRY == ''"),
  'runs-on': expr("vars.SLIPWAY_DEPLOY_RUNNER || 'ubuntu-24.04'")
};

/** Repository secrets of the same names: REGISTRY_PASSWORD (a registry other than GHCR), WEBHOOK_URL (notifications). */
const DEPLOY_SECRETS = {
  REGISTRY_PASSWORD: expr('secrets.REGISTRY_PASSWORD'),
  WEBHOOK_URL: expr('secrets.WEBHOOK_URL')
};

/**
 * What `skip_tests` skips: the pre-deploy check of the environment about to be deployed (its deploy/<env>.json
 * names at least one service), or the repository's own command in the SLIPWAY_DEPLOY_TEST_COMMAND variable. The
 * environment is a choice input, so it cannot carry shell syntax into the command.
 */
const DEPLOY_TEST_COMMAND = expr(
  "vars.SLIPWAY_DEPLOY_TEST_COMMAND || format('jq -e ''.services | length > 0'' deploy/{0}.json', inputs.environment)"
);

export const exampleDeployWorkflow: Workflow = {
  name: 'Deploy',
  'run-name': expr("format('Deploy {0} to {1}', inputs.version, inputs.environment)"),
  on: {
    workflow_dispatch: {
      inputs: {
        environment: {
          description: 'Deployment environment',
          required: true,
          type: 'choice',
          options: ENVIRONMENTS
        },
        version: { description: 'Version to deploy', required: false, type: 'string', default: 'latest' },
        skip_tests: { description: 'Skip test execution', required: false, type: 'boolean', default: false }
      }
    }
  },
  permissions: {},
  jobs: {
    deploy: {
      permissions: { contents: 'read', deployments: 'write', packages: 'read' },
      uses: reusable('deploy.yml'),
      with: {
        environment: expr('inputs.environment'),
        version: expr('inputs.version'),
        skip_tests: expr('inputs.skip_tests'),
        'test-command': DEPLOY_TEST_COMMAND,
        ...DEPLOY_SETTINGS
      },
      secrets: DEPLOY_SECRETS
    }
  }
};

export const exampleRollbackWorkflow: Workflow = {
  name: 'Rollback',
  'run-name': expr("format('Roll {0} back to {1}', inputs.environment, inputs.version)"),
  on: {
    workflow_dispatch: {
      inputs: {
        environment: {
          description: 'Environment to roll back',
          required: true,
          type: 'choice',
          options: ENVIRONMENTS
        },
        version: {
          description: 'Version to go back to (previous: the last good deployment before the current one)',
          required: false,
          type: 'string',
          default: 'previous'
        }
      }
    }
  },
  permissions: {},
  jobs: {
    rollback: {
      permissions: { contents: 'read', deployments: 'write', packages: 'read' },
      uses: reusable('deploy.yml'),
      with: {
        environment: expr('inputs.environment'),
        version: expr('inputs.version'),
        skip_tests: true,
        ...DEPLOY_SETTINGS
      },
      secrets: DEPLOY_SECRETS
    }
  }
};
