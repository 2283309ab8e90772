/** Stops the target dockerd only if global-setup.ts started it (by the PID it recorded; nothing else). */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const state = process.env.SLIPWAY_TEST_SERVICES_STATE;
  if (!state) return;
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  execFileSync('bash', [path.join(root, 'scripts/services.sh'), 'target-down'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SLIPWAY_SERVICES_STATE: state },
    timeout: 60_000
  });
  rmSync(state, { recursive: true, force: true });
}
