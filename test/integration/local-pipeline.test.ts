/**
 * The README's main job, in CI: the generated workflows of examples/monorepo run by the local executor (push to
 * main → gated, signed, attested images → semantic-release v1.0.0 → semver images; then a dispatch deploy to dev),
 * proving that the workflows compose — outputs read exist, matrices fit, needs and if: are right.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { TestRepo } from '../support/git-repo.js';
import { REPO_ROOT, SLIPWAY_ACTION_REPOS } from '../support/run-action.js';
import { runWorkflow } from '../../scripts/executor/index.js';

function runPipeline(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/local-pipeline.ts'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the generated workflows run end to end on the example monorepo', () => {
  it(
    'push to main builds, gates, signs and attests the changed services, releases v1.0.0 with semver images, and deploys it to dev',
    async () => {
      const { code, out } = await runPipeline();
      if (code !== 0) console.log(out.split('\n').slice(-80).join('\n'));
      expect(code).toBe(0);
      // the Go-like services are cross-built for linux/amd64 + linux/arm64 (one index), api and dashboard for amd64
      const name = (service: string): string =>
        ['runner', 'daemon', 'proxy', 'cli'].includes(service) ? `${service} \\(amd64\\+arm64\\)` : service;
      // the push build: the four services that api's change and libs/shared reach
      for (const service of ['api', 'runner', 'daemon', 'proxy']) {
        expect(out).toMatch(
          new RegExp(`\\n  ${name(service)}\\s+sha256:[0-9a-f]{12}…  main main-[0-9a-f]{7}\\n`)
        );
      }
      // the release build: every service with semver tags
      for (const service of ['api', 'dashboard', 'runner', 'daemon', 'proxy', 'cli']) {
        expect(out).toMatch(
          new RegExp(
            `\\n  ${name(service)}\\s+sha256:[0-9a-f]{12}…  1\\.0\\.0 1\\.0 1 sha-[0-9a-f]{7} latest\\n`
          )
        );
      }
      expect(out).toContain('10 images signed and verified by digest');
      expect(out).toContain('GitHub releases: v1.0.0');
      expect(out).toContain('tags on origin: v1.0.0');
      expect(out).toMatch(/deployed 1\.0\.0 to dev \(success\): http:\/\/127\.0\.0\.1:8081/);
      expect(out).toMatch(/"status":"healthy","service":"api","version":"1\.0\.0"/);
    },
    20 * 60_000
  );

  it('a dispatch with an environment outside the choice list stops before anything runs', async () => {
    const repo = TestRepo.fromExample();
    await expect(
      runWorkflow({
        workflow: path.join(repo.dir, '.github/workflows/deploy.yml'),
        event: 'workflow_dispatch',
        inputs: { environment: 'qa', version: 'latest' },
        repo: repo.origin,
        actionRepos: SLIPWAY_ACTION_REPOS,
        output: null
      })
    ).rejects.toThrow(/environment.*qa.*dev, test, staging, prod|dev, test, staging, prod.*qa/s);
  });
});
