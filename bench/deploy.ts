/**
 * Deploy bench: failed requests during a blue-green deploy and the automatic rollback time, against a naive
 * stop-then-start redeploy measured in the same run (same images, same nginx, same load loop).
 *
 *   npx tsx bench/deploy.ts
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { addRepo, startGitHubFake } from '../test/support/github-fake/index.js';
import { buildApi, FAILS_AFTER_FIRST_CHECK, startDeployEnv } from '../test/support/deploy-env.js';
import { startLoadLoop, type LoadStats } from '../test/support/load-loop.js';
import { runAction, REPO_ROOT } from '../test/support/run-action.js';

const TOKEN = 'ghs_bench';
const run = (file: string, args: string[], env: NodeJS.ProcessEnv) =>
  promisify(execFile)(file, args, { env });

function line(name: string, value: string, baselineName: string, baseline: string, ratio: string): void {
  console.log(
    `${name.padEnd(44)} ${value.padStart(10)}   ${baselineName}: ${baseline.padStart(8)}   ratio ${ratio}`
  );
}

async function waitHealthy(url: string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} not healthy within ${deadlineMs} ms`);
}

export async function benchDeploy(): Promise<void> {
  console.log('\n## deploy: blue-green with health checks vs a naive stop-then-start redeploy (same run)');
  const id = `bench${randomBytes(3).toString('hex')}`;
  const fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  const env = await startDeployEnv(id);
  try {
    const v1 = buildApi(env.repo, '1.0.0');
    buildApi(env.repo, '2.0.0');
    buildApi(env.repo, '3.0.0', 'ENV SLIPWAY_EXAMPLE_HEALTH=unhealthy');
    buildApi(env.repo, '5.0.0', FAILS_AFTER_FIRST_CHECK);
    env.writeConfig('staging');
    const deploy = (version: string) =>
      runAction('deploy', {
        workspace: env.workspace,
        repository: 'acme/monorepo',
        inputs: {
          environment: 'staging',
          version,
          'github-token': TOKEN,
          'health-interval-ms': '200',
          'health-timeout-seconds': '30'
        },
        env: { GITHUB_API_URL: fake.url }
      });
    const first = await deploy('1.0.0');
    if (first.outputs.status !== 'success') throw new Error(`v1 deploy failed: ${first.stdout.slice(-2000)}`);

    // Slipway: v2 under load
    let load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2 });
    const v2run = await deploy('2.0.0');
    const slipwayDeploy: LoadStats = await load.stop();
    if (v2run.outputs.status !== 'success') throw new Error('v2 deploy failed');

    // Slipway: v3 unhealthy → automatic rollback, under load
    load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2 });
    const v3run = await deploy('3.0.0');
    const slipwayRollback = await load.stop();
    const rollbackMs = Number(v3run.outputs['rollback-ms']);

    // Slipway: v5 healthy before the switch, unhealthy after → traffic switched back, under load
    load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2 });
    const v5run = await deploy('5.0.0');
    const slipwayAfterSwitch = await load.stop();
    const afterSwitchMs = Number(v5run.outputs['rollback-ms']);
    if (v5run.outputs.status !== 'rolled_back')
      throw new Error(`v5 was not rolled back: ${v5run.outputs.status}`);

    // Baseline: a naive redeploy of the serving color in place (stop, then start v1 on the same port)
    const serving = v3run.outputs.color;
    const project = `${env.project}-${serving}`;
    const port = serving === 'blue' ? env.ports.blue : env.ports.green;
    load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    // async: the load loop runs in this process and must keep sending while docker works
    await run('docker', ['compose', '--project-name', project, 'down', '--timeout', '10'], process.env);
    await run(
      'docker',
      [
        'compose',
        '--project-name',
        project,
        '--project-directory',
        path.join(env.workspace, 'deploy'),
        '--file',
        path.join(env.workspace, 'deploy/compose.template.yml'),
        'up',
        '--detach'
      ],
      {
        ...process.env,
        SLIPWAY_IMAGE_API: `${env.repo}@${v1}`,
        SLIPWAY_PORT_API: String(port),
        SLIPWAY_ENVIRONMENT: 'staging',
        SLIPWAY_VERSION: '1.0.0',
        SLIPWAY_COLOR: serving ?? 'green'
      }
    );
    await waitHealthy(`${env.proxyUrl}/api/health`, 60_000);
    const naiveMs = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const naive = await load.stop();

    const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? '1.00' : '∞') : (a / b).toFixed(2));
    line(
      'failed requests during deploy v1→v2',
      `${slipwayDeploy.failed}/${slipwayDeploy.sent}`,
      'naive',
      `${naive.failed}/${naive.sent}`,
      ratio(slipwayDeploy.failed, naive.failed)
    );
    line(
      'failed requests during v3 → auto rollback',
      `${slipwayRollback.failed}/${slipwayRollback.sent}`,
      'naive',
      `${naive.failed}/${naive.sent}`,
      ratio(slipwayRollback.failed, naive.failed)
    );
    line(
      'failed requests during v5 → switch back',
      `${slipwayAfterSwitch.failed}/${slipwayAfterSwitch.sent}`,
      'naive',
      `${naive.failed}/${naive.sent}`,
      ratio(slipwayAfterSwitch.failed, naive.failed)
    );
    line(
      'rollback after switch: failed check → v2 ok',
      `${afterSwitchMs} ms`,
      'naive',
      `${naiveMs} ms`,
      ratio(afterSwitchMs, naiveMs)
    );
    line(
      'rollback before switch: failed check → v2 ok',
      `${rollbackMs} ms`,
      'naive',
      `${naiveMs} ms`,
      ratio(rollbackMs, naiveMs)
    );
    line(
      'deploy v1→v2 wall time (incl. 1 s drain)',
      `${v2run.durationMs} ms`,
      'naive',
      `${naiveMs} ms`,
      ratio(v2run.durationMs, naiveMs)
    );
    console.log(
      '(naive = docker compose down + up of the serving color in place, until healthy through nginx)'
    );
  } finally {
    await env.stop();
    await fake.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.chdir(REPO_ROOT);
  await benchDeploy();
}
