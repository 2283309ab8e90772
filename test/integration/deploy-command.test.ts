/**
 * The deploy action's `command` target (kubectl/helm users): the user's script runs with the digests in its
 * environment; the public URL is health-checked; an unhealthy version is rolled back by running the script again
 * with the last known good digests. The script here records what it was given and a small HTTP server plays the
 * deployed application, answering for whichever version the script last "deployed".
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { failureMessage, runAction } from '../support/run-action.js';
import { pushTestImage } from '../support/images.js';

const TOKEN = 'ghs_deploy_command';
const repo = `127.0.0.1:5000/deploy-command-${process.pid}-${Date.now()}/api`;
let fake: GitHubFake;
let server: http.Server;
let workspace: string;
let state: string;
const digests: Record<string, string> = {};

function push(version: string): string {
  return pushTestImage(`${repo}:${version}`, { version: `${version} ${Date.now()}` });
}

beforeAll(async () => {
  digests['1.0.0'] = push('1.0.0');
  digests['2.0.0'] = push('2.0.0');
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  workspace = mkdtempSync(path.join(os.tmpdir(), 'slipway-cmd-ws-'));
  state = path.join(workspace, 'state');
  mkdirSync(state);
  // the "application": healthy, except version 2.0.0, which reports unhealthy
  server = http.createServer((_req, res) => {
    let version = '';
    try {
      version = readFileSync(path.join(state, 'version'), 'utf8').trim();
    } catch {
      /* nothing deployed yet */
    }
    const status = version === '2.0.0' ? 'unhealthy' : 'healthy';
    res.writeHead(status === 'healthy' ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status, version, checks: { self: { status } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  mkdirSync(path.join(workspace, 'deploy'));
  writeFileSync(
    path.join(workspace, 'deploy/qa.json'),
    JSON.stringify({
      url: `http://127.0.0.1:${port}`,
      replicas: 2,
      resources: { cpu: '0.5', memory: '256Mi' },
      config: { logLevel: 'info', maxConcurrent: 5 },
      healthPath: '/health',
      services: { api: { image: repo, healthPath: '/health' } },
      target: {
        type: 'command',
        command: `echo "$SLIPWAY_VERSION" > ${state}/version; echo "$SLIPWAY_IMAGES" >> ${state}/images.log; echo "$SLIPWAY_IMAGE_API" >> ${state}/image-api.log`
      }
    })
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fake.close();
});

function deploy(version: string) {
  return runAction('deploy', {
    workspace,
    repository: 'acme/monorepo',
    inputs: {
      environment: 'qa',
      environments: 'qa',
      version,
      'github-token': TOKEN,
      'health-interval': '100ms',
      'health-timeout': '5s',
      'health-unhealthy-threshold': '3'
    },
    env: { GITHUB_API_URL: fake.url }
  });
}

describe('deploy with a command target', () => {
  it('runs the script with the digests, health-checks the URL, and rolls an unhealthy version back by re-running it', async () => {
    const v1 = await deploy('1.0.0');
    expect(failureMessage(v1)).toBe('');
    expect(v1.outputs.status).toBe('success');
    expect(readFileSync(path.join(state, 'image-api.log'), 'utf8').trim()).toBe(
      `${repo}@${digests['1.0.0']}`
    );
    expect(readFileSync(path.join(state, 'images.log'), 'utf8')).toContain(digests['1.0.0']);

    const v2 = await deploy('2.0.0');
    expect(v2.exitCode).not.toBe(0);
    expect(v2.outputs.status).toBe('rolled_back');
    expect(v2.outputs['rolled-back-to']).toBe('1.0.0');
    // the script ran three times: v1, v2, and v1 again for the rollback
    expect(readFileSync(path.join(state, 'image-api.log'), 'utf8').trim().split('\n')).toEqual([
      `${repo}@${digests['1.0.0']}`,
      `${repo}@${digests['2.0.0']}`,
      `${repo}@${digests['1.0.0']}`
    ]);
    expect(readFileSync(path.join(state, 'version'), 'utf8').trim()).toBe('1.0.0');
    const deployments = fake.state.deployments.filter((d) => d.environment === 'qa');
    expect(deployments.length).toBe(3);
    fake.assertNoViolations();
  });
});
