/**
 * strategy: canary through the bundled deploy action, on the target (the second dockerd) from fresh runners: the
 * new color takes 25 % and then 100 % of the traffic through the proxy container, gated at each step by its health
 * and by the 5xx share the proxy logged for it (canary.ts). A healthy canary is promoted with 0 failed requests of a
 * load loop; a canary that answers 500 on /api/items is rolled back at its first step, the 5xx it caused counted,
 * and the stable color serves everything again.
 *
 * The steps pause 10 s (the product default is 300 s): the test brings its own load (a loop of 2 connections), so a
 * step sees its `minRequests` (10) canary requests well within that — the pause only has to outlast them.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import {
  buildApi,
  servedVersion,
  startDeployEnv,
  TARGET_DOCKER_HOST,
  type DeployEnv
} from '../support/deploy-env.js';
import { startLoadLoop } from '../support/load-loop.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';

// a deploy with two 10 s steps plus the action's own budgets and Docker commands on the target, on a busy 2-core
// machine: the same 480 s as deploy.test.ts
jest.setTimeout(480_000);
const TOKEN = 'ghs_canary';
const id = randomBytes(4).toString('hex');
let fake: GitHubFake;
let env: DeployEnv;

/** v3: healthy, but /api/items answers 500 (the path the second load loop asks) */
const ITEMS_FAIL = [
  'USER root',
  `RUN printf '%s\\n' '#!/bin/sh' ` +
    `'printf "Status: 500 Internal Server Error\\r\\nContent-Type: application/json\\r\\n\\r\\n{\\"error\\":\\"boom\\"}\\n"' ` +
    `> /www/cgi-bin/items && chmod 755 /www/cgi-bin/items`,
  'USER 1001:1001'
].join('\n');

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  env = await startDeployEnv(id);
  buildApi(env.repo, '1.0.0');
  buildApi(env.repo, '2.0.0');
  buildApi(env.repo, '3.0.0', ITEMS_FAIL);
  env.writeConfig('canary', {
    strategy: { type: 'canary', steps: [25, 100], pauseSeconds: 10, minRequests: 10, maxErrorRate: 0.01 }
  });
}, 300_000);

afterAll(async () => {
  await env?.stop();
  await fake?.close();
});

function deploy(version: string): Promise<ActionRun> {
  const runner = env.freshRunner();
  return runAction('deploy', {
    workspace: runner.workspace,
    repository: 'acme/monorepo',
    inputs: {
      environment: 'canary',
      environments: 'canary',
      version,
      'github-token': TOKEN,
      'docker-host': TARGET_DOCKER_HOST
    },
    env: { GITHUB_API_URL: fake.url, HOME: runner.home },
    timeoutMs: 600_000
  });
}

interface Step {
  percent: number;
  canary: { requests: number; errors5xx: number };
  stable: { requests: number; errors5xx: number };
  verdict: string;
}
const stepsOf = (run: ActionRun): Step[] =>
  [...run.stdout.matchAll(/^Canary step: (\{.*\})$/gm)].map((m) => JSON.parse(m[1]!) as Step);

it('the first deploy has no color to compare against: all traffic at once', async () => {
  const run = await deploy('1.0.0');
  expect(failureMessage(run)).toBe('');
  expect(run.outputs).toMatchObject({ status: 'success', color: 'blue', 'serving-version': '1.0.0' });
  expect(run.outputs['canary-steps'] ?? '').toBe('');
  expect(run.stdout).toContain('no other color serves yet');
});

it('a healthy canary takes 25 % then 100 % with 0 failed requests, and is promoted', async () => {
  const load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2, maxDurationMs: 400_000 });
  const run = await deploy('2.0.0');
  const stats = await load.stop();
  expect(failureMessage(run)).toBe('');
  expect(run.outputs).toMatchObject({ status: 'success', color: 'green', 'serving-version': '2.0.0' });
  expect(run.outputs['canary-steps']).toBe('25,100');
  expect(run.outputs['canary-5xx']).toBe('0');
  expect(stats.failed).toBe(0);
  expect(stats.versions['1.0.0']).toBeGreaterThan(0);
  expect(stats.versions['2.0.0']).toBeGreaterThan(0);
  const [first, last] = stepsOf(run);
  expect(first).toMatchObject({ percent: 25, verdict: 'promote' });
  // one nginx worker (scripts/proxy-image.sh) picks by smooth weighted round robin, deterministic to within 1 of
  // the share; the slack is the requests in flight on the loop's 2 connections at either end of the step
  const total = first!.canary.requests + first!.stable.requests;
  expect(total).toBeGreaterThanOrEqual(10);
  expect(Math.abs(first!.canary.requests - 0.25 * total)).toBeLessThanOrEqual(1 + 2 * 2);
  expect(last).toMatchObject({ percent: 100, verdict: 'promote' });
  expect(last!.stable.requests).toBeLessThanOrEqual(2 * 2);
  // the steady state: the single-color config, the old color kept (stopped) as the last known good
  expect(env.pointed()).toMatchObject({ color: 'green', version: '2.0.0', weights: { blue: 0, green: 100 } });
  expect(env.colorState('blue')).toMatchObject({ state: 'exited', version: '1.0.0' });
});

it('a canary answering 500 is rolled back at its first step, with the 5xx it caused counted', async () => {
  const load = startLoadLoop(`${env.proxyUrl}/api/items`, { concurrency: 2, maxDurationMs: 400_000 });
  const run = await deploy('3.0.0');
  const stats = await load.stop();
  expect(run.exitCode).not.toBe(0);
  expect(run.outputs).toMatchObject({ status: 'rolled_back', 'rolled-back-to': '2.0.0', color: 'green' });
  expect(run.outputs['canary-steps']).toBe('25');
  const caused = Number(run.outputs['canary-5xx']);
  expect(caused).toBeGreaterThan(0);
  // every failed request of the loop is a 500 of the canary (nothing else failed), and the action counted them
  // from the proxy's log: at most the requests answered after its last read can be missing from its count
  expect(stats.failures.filter((f) => !f.startsWith('HTTP 500 '))).toEqual([]);
  expect(caused).toBeLessThanOrEqual(stats.failed);
  expect(stats.failed - caused).toBeLessThanOrEqual(2);
  expect(failureMessage(run)).toMatch(/the canary was rolled back at 25 %: .*5xx/);
  expect(stepsOf(run)[0]).toMatchObject({ percent: 25, verdict: 'rollback' });
  expect(env.pointed()).toMatchObject({ color: 'green', version: '2.0.0', weights: { blue: 0, green: 100 } });
  expect(await servedVersion(env.proxyUrl)).toBe('2.0.0');
});
