/**
 * Integration tests need the shared dockerd and the local registry; `scripts/services.sh up` (called by the README
 * test command and .ci/run) starts them. Fail fast with the fix when they are missing, instead of skipping.
 * The deploy tests also need the TARGET dockerd (the environment's "remote" Docker host): started here only if it
 * is not answering, recorded by PID in a state dir of this run, and stopped by global-teardown.ts only when this
 * run started it; and the offline proxy image (scripts/proxy-image.sh, idempotent), exported as
 * SLIPWAY_PROXY_IMAGE for the test workers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function globalSetup(): Promise<void> {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  if (!existsSync(path.join(root, 'dist/plan/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    throw new Error(
      'dockerd is not reachable: run `bash scripts/services.sh up` (installs: scripts/install-tools.sh)'
    );
  }
  const res = await fetch('http://127.0.0.1:5000/v2/').catch(() => undefined);
  if (!res?.ok)
    throw new Error('the local registry 127.0.0.1:5000 is not answering: run `bash scripts/services.sh up`');
  const state = mkdtempSync(path.join(os.tmpdir(), 'slipway-test-services-'));
  process.env.SLIPWAY_TEST_SERVICES_STATE = state;
  execFileSync('bash', [path.join(root, 'scripts/services.sh'), 'target-up'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SLIPWAY_SERVICES_STATE: state },
    timeout: 120_000
  });
  process.env.SLIPWAY_PROXY_IMAGE ||= execFileSync('bash', [path.join(root, 'scripts/proxy-image.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300_000
  }).trim();
}
