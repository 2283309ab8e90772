/**
 * A canary strategy is validated (canary.ts) and its step engine is tested against a real nginx
 * (canary-nginx.test.ts), but the deploy does not drive it through the target's proxy container yet. Until it does,
 * the bundled deploy action refuses a canary config before anything happens — it must never deploy blue-green
 * silently under a config that asks for a canary. Nothing is recorded in the API fake, nothing touches Docker.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { failureMessage, REPO_ROOT, runAction } from '../support/run-action.js';

const TOKEN = 'ghs_canary_refused';
let fake: GitHubFake;
beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
});
afterAll(async () => fake.close());

it('refuses strategy.type canary with the fix, before any record or Docker command', async () => {
  const examples = path.join(REPO_ROOT, 'examples/monorepo/deploy');
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'slipway-canary-refused-'));
  mkdirSync(path.join(workspace, 'deploy'));
  const dev = JSON.parse(readFileSync(path.join(examples, 'dev.json'), 'utf8')) as Record<string, unknown>;
  dev.strategy = { type: 'canary', steps: [10, 100], pauseSeconds: 60 };
  writeFileSync(path.join(workspace, 'deploy/dev.json'), JSON.stringify(dev));
  copyFileSync(
    path.join(examples, 'compose.template.yml'),
    path.join(workspace, 'deploy/compose.template.yml')
  );
  const before = fake.requests.length;
  const run = await runAction('deploy', {
    workspace,
    repository: 'acme/monorepo',
    inputs: {
      environment: 'dev',
      version: `localhost:5000/acme/api@sha256:${'a'.repeat(64)}`,
      'github-token': TOKEN,
      // a Docker host that does not exist: reaching it would fail differently
      'docker-host': 'unix:///nonexistent/docker.sock'
    },
    env: { GITHUB_API_URL: fake.url }
  });
  expect(run.exitCode).not.toBe(0);
  const message = failureMessage(run);
  expect(message).toContain("strategy.type 'canary' is not run by this release of the deploy action yet");
  expect(message).toContain('nothing was deployed');
  expect(message).toContain('blue-green');
  expect(fake.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  expect(fake.state.deployments).toEqual([]);
  expect(run.stdout + run.stderr).not.toMatch(/^\s+at /m);
});
