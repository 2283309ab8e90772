import {
  deployEnv,
  parseActiveColor,
  renderUpstreams,
  upstreamName
} from '../../../actions/deploy/compose.js';
import type { EnvironmentConfig } from '../../../actions/deploy/config.js';
import { webhookBody, type DeployReport } from '../../../actions/deploy/notify.js';

const digest = `sha256:${'a'.repeat(64)}`;
const config: EnvironmentConfig = {
  url: 'https://staging.example.com',
  replicas: 2,
  resources: { cpu: '0.5', memory: '512Mi' },
  config: { logLevel: 'info', maxConcurrent: 7 },
  services: {
    api: { image: 'ghcr.io/acme/api', healthPath: '/api/health', ports: { blue: 3000, green: 3001 } },
    'job-runner': {
      image: 'ghcr.io/acme/job-runner',
      healthPath: '/health',
      ports: { blue: 3200, green: 3201 }
    }
  },
  target: {
    type: 'compose',
    composeFile: 'compose.yml',
    proxy: { upstreamFile: '/etc/nginx/slipway/staging.conf', reload: 'nginx -s reload' }
  }
};
const images = [
  { service: 'api', image: 'ghcr.io/acme/api', digest },
  { service: 'job-runner', image: 'ghcr.io/acme/job-runner', digest }
];

it('renders one upstream per service for the color, and reads the color back', () => {
  const text = renderUpstreams('staging', 'green', '1.2.3', config, '127.0.0.1');
  expect(text).toContain('upstream slipway_staging_api {\n  server 127.0.0.1:3001;\n}');
  expect(text).toContain('upstream slipway_staging_job_runner {\n  server 127.0.0.1:3201;\n}');
  expect(parseActiveColor(text)).toEqual({ color: 'green', version: '1.2.3' });
  expect(parseActiveColor('upstream x { server 127.0.0.1:1; }')).toBeUndefined();
  expect(upstreamName('prod-eu', 'web.app')).toBe('slipway_prod_eu_web_app');
});

it('gives the compose template digests, ports and the seed-002 settings', () => {
  const env = deployEnv('staging', '1.2.3', images, config, 'blue');
  expect(env).toMatchObject({
    SLIPWAY_IMAGE_API: `ghcr.io/acme/api@${digest}`,
    SLIPWAY_IMAGE_JOB_RUNNER: `ghcr.io/acme/job-runner@${digest}`,
    SLIPWAY_PORT_API: '3000',
    SLIPWAY_PORT_JOB_RUNNER: '3200',
    SLIPWAY_COLOR: 'blue',
    SLIPWAY_ENVIRONMENT: 'staging',
    SLIPWAY_VERSION: '1.2.3',
    SLIPWAY_REPLICAS: '2',
    SLIPWAY_CPUS: '0.5',
    SLIPWAY_MEMORY: '512m',
    SLIPWAY_LOG_LEVEL: 'info',
    SLIPWAY_MAX_CONCURRENT: '7'
  });
  expect(JSON.parse(env.SLIPWAY_IMAGES!)).toEqual(images);
  // the command target: no color, no ports
  expect(Object.keys(deployEnv('staging', '1.2.3', images, config))).not.toContain('SLIPWAY_PORT_API');
});

describe('webhookBody', () => {
  const report: DeployReport = {
    environment: 'prod',
    version: '2.0.0',
    status: 'rolled_back',
    url: 'https://example.com',
    actor: 'octocat',
    repository: 'acme/app',
    runUrl: 'https://github.com/acme/app/actions/runs/9',
    images,
    deploymentId: 12,
    rolledBackTo: '1.9.0',
    reason: 'health check before the switch failed: …\nsecond line'
  };

  it('slack: one text line with environment, version, status, URL, actor', () => {
    expect(webhookBody('slack', report)).toEqual({
      text:
        '↩️ *prod: 2.0.0 failed, rolled back to 1.9.0* (rolled_back) — <https://example.com|https://example.com> — ' +
        'acme/app by octocat — <https://github.com/acme/app/actions/runs/9|run>\n> health check before the switch failed: …'
    });
  });

  it('json: the fields a generic receiver needs', () => {
    expect(
      webhookBody('json', { ...report, status: 'success', rolledBackTo: undefined, reason: undefined })
    ).toEqual({
      environment: 'prod',
      version: '2.0.0',
      status: 'success',
      url: 'https://example.com',
      actor: 'octocat',
      repository: 'acme/app',
      run_url: 'https://github.com/acme/app/actions/runs/9',
      deployment_id: 12,
      rolled_back_to: null,
      reason: null,
      serving: null,
      images
    });
  });
});
