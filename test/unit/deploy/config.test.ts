import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkDockerHostReachesTarget,
  composeMemory,
  ENVIRONMENT_SCHEMA,
  loadEnvironmentConfig,
  validateEnvironmentConfig
} from '../../../actions/deploy/config.js';
import { REPO_ROOT } from '../../support/run-action.js';

const examples = path.join(REPO_ROOT, 'examples/monorepo/deploy');

it('the published schema file is the schema the action validates with', () => {
  expect(JSON.parse(readFileSync(path.join(examples, 'environment.schema.json'), 'utf8'))).toEqual(
    JSON.parse(JSON.stringify(ENVIRONMENT_SCHEMA))
  );
});

it.each(['dev', 'test', 'staging', 'prod'])('the example %s config is valid', (environment) => {
  expect(readdirSync(examples)).toContain(`${environment}.json`);
  const loaded = loadEnvironmentConfig(examples, environment);
  // dev pulls from the local registry the README's main command pushes to; the others from GHCR
  expect(loaded.config.services.api!.image).toBe(
    environment === 'dev' ? 'localhost:5000/acme/api' : 'ghcr.io/acme/api'
  );
});

const valid = () =>
  JSON.parse(readFileSync(path.join(examples, 'staging.json'), 'utf8')) as Record<string, unknown> & {
    target: Record<string, unknown>;
    services: Record<string, Record<string, unknown>>;
  };

describe('validateEnvironmentConfig', () => {
  it('names the JSON path of every mistake', () => {
    const config = valid();
    config.replicas = 0;
    config.config = { logLevel: 'loud', maxConcurrent: 5 };
    config.extra = true;
    delete config.services.api!.healthPath;
    expect(validateEnvironmentConfig(config).sort()).toEqual(
      [
        "(root) must NOT have additional properties 'extra'",
        '/replicas must be >= 1',
        '/config/logLevel must be equal to one of the allowed values: debug, info, warn, error',
        "/services/api must have required property 'healthPath'"
      ].sort()
    );
  });

  it('reports the branch of the target type that was asked for', () => {
    const config = valid();
    delete (config.target.proxy as Record<string, unknown>).port;
    expect(validateEnvironmentConfig(config)).toEqual(["/target/proxy must have required property 'port'"]);
    config.target = { type: 'command' };
    expect(validateEnvironmentConfig(config)).toEqual(["/target must have required property 'command'"]);
  });

  it('the compose target needs distinct ports per service and color', () => {
    const config = valid();
    config.services.web = {
      image: 'ghcr.io/acme/web',
      healthPath: '/health',
      ports: { blue: 13021, green: 1 }
    };
    expect(validateEnvironmentConfig(config)).toEqual([
      '/services/web/ports/blue 13021 is also used by api/blue'
    ]);
    delete config.services.web!.ports;
    expect(validateEnvironmentConfig(config)).toEqual([
      '/services/web must have \'ports\' ({ "blue": …, "green": … }) for the compose target'
    ]);
  });
});

it('loadEnvironmentConfig errors name the file and the fix', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-config-'));
  expect(() => loadEnvironmentConfig(dir, 'dev')).toThrow(
    `No deploy configuration for environment 'dev': ${path.join(dir, 'dev.json')} does not exist`
  );
  writeFileSync(path.join(dir, 'dev.json'), '{ nope');
  expect(() => loadEnvironmentConfig(dir, 'dev')).toThrow(`${path.join(dir, 'dev.json')} is not valid JSON`);
  writeFileSync(path.join(dir, 'dev.json'), '{}');
  expect(() => loadEnvironmentConfig(dir, 'dev')).toThrow(
    `${path.join(dir, 'dev.json')} does not match the deploy environment schema:\n  - (root) must have required property 'url'`
  );
});

it('composeMemory converts Kubernetes-style units', () => {
  expect(composeMemory('512Mi')).toBe('512m');
  expect(composeMemory('1Gi')).toBe('1g');
  expect(composeMemory('64Ki')).toBe('64k');
});

describe('checkDockerHostReachesTarget', () => {
  it('refuses a GitHub-hosted runner deploying to its own Docker, with the fix', () => {
    for (const host of [undefined, 'unix:///var/run/docker.sock']) {
      expect(() => checkDockerHostReachesTarget('github-hosted', host)).toThrow(
        /GitHub-hosted runner: .*discarded after the job.*Set 'docker-host' to the environment's Docker host \(ssh:\/\/user@host.*self-hosted runner/
      );
    }
  });
  it('accepts a remote host from a hosted runner, and anything on a self-hosted runner', () => {
    expect(() => checkDockerHostReachesTarget('github-hosted', 'ssh://deploy@app.example.com')).not.toThrow();
    expect(() => checkDockerHostReachesTarget('github-hosted', 'tcp://app.example.com:2376')).not.toThrow();
    expect(() => checkDockerHostReachesTarget('self-hosted', undefined)).not.toThrow();
    expect(() => checkDockerHostReachesTarget(undefined, undefined)).not.toThrow();
  });
});
