/**
 * The deploy action's `command` target (kubectl/helm users): the user's script runs with the digests in its
 * environment; the public URL is health-checked; an unhealthy version is rolled back by running the script again
 * with the last known good digests. The script here records what it was given and a small HTTP server plays the
 * deployed application, answering for whichever version the script last "deployed".
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GitHubFake } from '../support/github-fake/index.js';
import { startCommandTarget, type CommandTarget } from '../support/command-target.js';
import { failureMessage } from '../support/run-action.js';
import { pushTestImage } from '../support/images.js';

const TOKEN = 'ghs_deploy_command';
const repo = `127.0.0.1:5000/deploy-command-${process.pid}-${Date.now()}/api`;
let target: CommandTarget;
let fake: GitHubFake;
let state: string;
const digests: Record<string, string> = {};

function push(version: string): string {
  return pushTestImage(`${repo}:${version}`, { version: `${version} ${Date.now()}` });
}

beforeAll(async () => {
  digests['1.0.0'] = push('1.0.0');
  digests['2.0.0'] = push('2.0.0');
  target = await startCommandTarget({
    token: TOKEN,
    workspacePrefix: 'slipway-cmd-ws-',
    image: repo,
    replicas: 2,
    command: (workspace) => {
      state = path.join(workspace, 'state');
      mkdirSync(state);
      return `echo "$SLIPWAY_VERSION" > ${state}/version; echo "$SLIPWAY_IMAGES" >> ${state}/images.log; echo "$SLIPWAY_IMAGE_API" >> ${state}/image-api.log`;
    },
    // the "application": healthy, except version 2.0.0, which reports unhealthy
    app: (_req, res) => {
      let version = '';
      try {
        version = readFileSync(path.join(state, 'version'), 'utf8').trim();
      } catch {
        /* nothing deployed yet */
      }
      const status = version === '2.0.0' ? 'unhealthy' : 'healthy';
      res.writeHead(status === 'healthy' ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status, version, checks: { self: { status } } }));
    }
  });
  fake = target.fake;
});

afterAll(() => target.close());

function deploy(version: string) {
  return target.deploy({ version, 'health-unhealthy-threshold': '3' });
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
