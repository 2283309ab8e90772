/**
 * Integration tests need the shared dockerd and the local registry; `scripts/services.sh up` (called by the README
 * test command and .ci/run) starts them. Fail fast with the fix when they are missing, instead of skipping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
}
