/**
 * Deploy bench: failed requests during a blue-green deploy and the automatic rollback time, quiet and under
 * contention (three busy loops), side by side, and a naive stop-then-start redeploy measured in the same run
 * (same images, same proxy, same load loop).
 *
 *   npx tsx bench/deploy.ts
 *
 * Deploys go to the TARGET dockerd (`bash scripts/services.sh target-up` first) from a fresh runner each, with
 * the offline proxy image (scripts/proxy-image.sh, built if missing).
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { sleep } from '../actions/lib/backoff.js';
import { addRepo, startGitHubFake } from '../test/support/github-fake/index.js';
import {
  buildApi,
  FAILS_AFTER_FIRST_CHECK,
  startDeployEnv,
  TARGET_DOCKER_HOST
} from '../test/support/deploy-env.js';
import { startLoadLoop, type LoadStats } from '../test/support/load-loop.js';
import { runAction, REPO_ROOT } from '../test/support/run-action.js';

const TOKEN = 'ghs_bench';
const run = (file: string, args: string[], env: NodeJS.ProcessEnv) =>
  promisify(execFile)(file, args, { env });

async function waitHealthy(url: string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${url} not healthy within ${deadlineMs} ms`);
}

interface Scenario {
  deploy: LoadStats;
  deployMs: number;
  rollback: LoadStats;
  rollbackMs: number;
  afterSwitch: LoadStats;
  afterSwitchMs: number;
}

/** Three busy loops (the contention the deploy tests must survive on a 2-core machine); stopped by PID. */
function busyLoops(count = 3): () => void {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })
  );
  return () => {
    for (const child of children)
      if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  };
}

export async function benchDeploy(): Promise<void> {
  console.log(
    '\n## deploy: blue-green with health checks, quiet vs three busy loops, and a naive stop-then-start redeploy'
  );
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
    // the action's own health timing (2 s interval, 60 s budget, 10 s per request)
    // every deploy from a fresh runner to the target dockerd (bash scripts/services.sh target-up)
    const deploy = (version: string) => {
      const runner = env.freshRunner();
      return runAction('deploy', {
        workspace: runner.workspace,
        repository: 'acme/monorepo',
        inputs: { environment: 'staging', version, 'github-token': TOKEN, 'docker-host': TARGET_DOCKER_HOST },
        env: { GITHUB_API_URL: fake.url, HOME: runner.home },
        timeoutMs: 900_000
      });
    };
    const first = await deploy('1.0.0');
    if (first.outputs.status !== 'success') throw new Error(`v1 deploy failed: ${first.stdout.slice(-2000)}`);

    let good = '1.0.0';
    const scenario = async (): Promise<Scenario> => {
      // a good deploy under load (alternating 1.0.0 / 2.0.0)
      const next = good === '1.0.0' ? '2.0.0' : '1.0.0';
      let load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2 });
      const deployRun = await deploy(next);
      const deployStats = await load.stop();
      if (deployRun.outputs.status !== 'success')
        throw new Error(`${next} deploy: ${deployRun.outputs.status}`);
      good = next;
      // 3.0.0 unhealthy → automatic rollback before the switch
      load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2 });
      const v3 = await deploy('3.0.0');
      const rollback = await load.stop();
      if (v3.outputs.status !== 'rolled_back')
        throw new Error(`3.0.0 was not rolled back: ${v3.outputs.status}`);
      // 5.0.0 healthy before the switch, unhealthy after → traffic switched back
      load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2 });
      const v5 = await deploy('5.0.0');
      const afterSwitch = await load.stop();
      if (v5.outputs.status !== 'rolled_back')
        throw new Error(`5.0.0 was not rolled back: ${v5.outputs.status}`);
      return {
        deploy: deployStats,
        deployMs: deployRun.durationMs,
        rollback,
        rollbackMs: Number(v3.outputs['rollback-ms']),
        afterSwitch,
        afterSwitchMs: Number(v5.outputs['rollback-ms'])
      };
    };
    const quiet = await scenario();
    const stopBusy = busyLoops();
    let busy: Scenario;
    try {
      busy = await scenario();
    } finally {
      stopBusy();
    }

    const failed = (s: LoadStats) => `${s.failed}/${s.sent}`;
    const row = (name: string, q: string, c: string) =>
      console.log(`${name.padEnd(46)} ${q.padStart(12)}   ${c.padStart(12)}`);
    row('blue-green (under a 2-loop load loop)', 'quiet', '3 busy loops');
    row('failed requests: good deploy', failed(quiet.deploy), failed(busy.deploy));
    row('failed requests: unhealthy → rollback', failed(quiet.rollback), failed(busy.rollback));
    row('failed requests: fails after switch → back', failed(quiet.afterSwitch), failed(busy.afterSwitch));
    row('rollback time: before switch', `${quiet.rollbackMs} ms`, `${busy.rollbackMs} ms`);
    row('rollback time: after switch', `${quiet.afterSwitchMs} ms`, `${busy.afterSwitchMs} ms`);
    row('good deploy wall time (incl. 10 s drain)', `${quiet.deployMs} ms`, `${busy.deployMs} ms`);

    // Baseline: a naive redeploy of the serving color in place (stop, then start v1 on the same port)
    const serving = env.pointed()?.color ?? 'green';
    const project = `${env.project}-naive`;
    const onTarget = { ...process.env, DOCKER_HOST: TARGET_DOCKER_HOST };
    const port = serving === 'blue' ? env.ports.blue : env.ports.green;
    const load = startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2 });
    await sleep(300);
    const started = Date.now();
    // async: the load loop runs in this process and must keep sending while docker works
    await run('docker', ['stop', '--time', '10', env.containerName(serving)], onTarget);
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
        ...onTarget,
        SLIPWAY_IMAGE_API: `${env.repo}@${v1}`,
        SLIPWAY_PORT_API: String(port),
        SLIPWAY_ENVIRONMENT: 'staging',
        SLIPWAY_VERSION: '1.0.0',
        SLIPWAY_COLOR: serving
      }
    );
    await waitHealthy(`${env.proxyUrl}/api/health`, 60_000);
    const naiveMs = Date.now() - started;
    await sleep(300);
    const naive = await load.stop();
    row('naive stop-then-start (quiet): failed requests', failed(naive), '');
    row('naive stop-then-start (quiet): until healthy', `${naiveMs} ms`, '');
  } finally {
    await env.stop();
    await run('docker', ['compose', '--project-name', `${env.project}-naive`, 'down'], {
      ...process.env,
      DOCKER_HOST: TARGET_DOCKER_HOST
    }).catch(() => undefined);
    await fake.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.chdir(REPO_ROOT);
  await benchDeploy();
}
