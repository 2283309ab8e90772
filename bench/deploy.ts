/**
 * Deploy bench: for BOTH strategies (blue-green, and canary 25 % → 100 %), quiet and under contention (three busy
 * loops, stopped by PID), side by side in one run: the failed requests of a loopback load loop during a good
 * deploy, during an automatic rollback before any traffic moves (a version unhealthy from the start), during an
 * automatic rollback after traffic moved (FAILS_AFTER_FIRST_CHECK: healthy at its first check, unhealthy after),
 * and the rollback times; then a naive stop-then-start redeploy (same images, same proxy, same load loop). The
 * load average is printed at each phase: on a shared machine the numbers are only comparable with it.
 *
 *   npm run bench -- deploy        (or npx tsx bench/deploy.ts)
 *
 * Deploys go to the TARGET dockerd (`bash scripts/services.sh target-up` first) from a fresh runner each, with
 * the offline proxy image (scripts/proxy-image.sh). Bounded: 14 deploys and the baseline.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
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
import { runAction, REPO_ROOT, type ActionRun } from '../test/support/run-action.js';

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
  /** 3.0.0: unhealthy before the switch (blue-green) / before its first step (canary) */
  rollback: LoadStats;
  rollbackMs: number;
  /** 5.0.0: healthy at its first check, unhealthy after (after the switch / at the first canary step) */
  afterSwitch: LoadStats;
  afterSwitchMs: number;
  load: string;
}

type Strategy = 'blue-green' | 'canary';

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

const loadAvg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/**
 * The canary's steps for the bench: 25 % then 100 %, 10 s each with 10 canary requests at least (the product's
 * default pause is 300 s; the bench brings its own load loop, as deploy-canary.test.ts does).
 */
const CANARY = { type: 'canary', steps: [25, 100], pauseSeconds: 10, minRequests: 10, maxErrorRate: 0.01 };

export async function benchDeploy(): Promise<void> {
  console.log(
    '\n## deploy: blue-green and canary with health checks, quiet vs three busy loops, and a naive stop-then-start redeploy'
  );
  console.log(`cores: ${os.cpus().length}; load average (1, 5, 15 min) at the start: ${loadAvg()}`);
  const benchStarted = Date.now();
  const id = `bench${randomBytes(3).toString('hex')}`;
  const fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  // one target environment (compose project, proxy, ports) per strategy; the images are built once
  const envs = { 'blue-green': await startDeployEnv(`${id}bg`), canary: await startDeployEnv(`${id}cn`) };
  const stopBusy: (() => void)[] = [];
  try {
    const bg = envs['blue-green'];
    const repo = bg.repo;
    const v1 = buildApi(repo, '1.0.0');
    buildApi(repo, '2.0.0');
    buildApi(repo, '3.0.0', 'ENV SLIPWAY_EXAMPLE_HEALTH=unhealthy');
    buildApi(repo, '5.0.0', FAILS_AFTER_FIRST_CHECK);
    bg.writeConfig('staging');
    const cn = envs.canary;
    const cnBase = cn.baseConfig();
    cn.writeConfig('canary', {
      services: { api: { ...(cnBase.services as { api: object }).api, image: repo } },
      strategy: CANARY
    });
    console.log(`images built; load average: ${loadAvg()}`);
    // the action's own health timing (2 s interval, 60 s budget, 10 s per request, 5 unhealthy answers in a row)
    // every deploy from a fresh runner to the target dockerd
    const deploy = (strategy: Strategy, version: string) => {
      const env = envs[strategy];
      const runner = env.freshRunner();
      const environment = strategy === 'canary' ? 'canary' : 'staging';
      return runAction('deploy', {
        workspace: runner.workspace,
        repository: 'acme/monorepo',
        inputs: {
          environment,
          environments: 'staging,canary',
          version,
          'github-token': TOKEN,
          'docker-host': TARGET_DOCKER_HOST
        },
        env: { GITHUB_API_URL: fake.url, HOME: runner.home },
        timeoutMs: 600_000
      });
    };
    const good: Record<Strategy, string> = { 'blue-green': '1.0.0', canary: '1.0.0' };
    for (const strategy of ['blue-green', 'canary'] as const) {
      const first = await deploy(strategy, '1.0.0');
      if (first.outputs.status !== 'success')
        throw new Error(`${strategy}: v1 deploy failed: ${first.stdout.slice(-3000)}`);
    }

    const scenario = async (strategy: Strategy): Promise<Scenario> => {
      const env = envs[strategy];
      const loop = () =>
        startLoadLoop(`${env.proxyUrl}/api/version`, { concurrency: 2, maxDurationMs: 400_000 });
      const expect = (run: ActionRun, version: string, status: string) => {
        if (run.outputs.status !== status)
          throw new Error(
            `${strategy} ${version}: status ${run.outputs.status}, expected ${status}\n${run.stdout.slice(-3000)}`
          );
      };
      const load = loadAvg();
      // a good deploy under load (alternating 1.0.0 / 2.0.0)
      const next = good[strategy] === '1.0.0' ? '2.0.0' : '1.0.0';
      let loadLoop = loop();
      const deployRun = await deploy(strategy, next);
      const deployStats = await loadLoop.stop();
      expect(deployRun, next, 'success');
      good[strategy] = next;
      // 3.0.0 unhealthy → automatic rollback before any traffic moves
      loadLoop = loop();
      const v3 = await deploy(strategy, '3.0.0');
      const rollback = await loadLoop.stop();
      expect(v3, '3.0.0', 'rolled_back');
      // 5.0.0 healthy at its first check, unhealthy after → traffic goes back
      loadLoop = loop();
      const v5 = await deploy(strategy, '5.0.0');
      const afterSwitch = await loadLoop.stop();
      expect(v5, '5.0.0', 'rolled_back');
      return {
        deploy: deployStats,
        deployMs: deployRun.durationMs,
        rollback,
        rollbackMs: Number(v3.outputs['rollback-ms']),
        afterSwitch,
        afterSwitchMs: Number(v5.outputs['rollback-ms']),
        load: `${load} → ${loadAvg()}`
      };
    };
    const results: Record<string, Scenario> = {};
    for (const strategy of ['blue-green', 'canary'] as const) {
      results[`${strategy} quiet`] = await scenario(strategy);
      console.log(`${strategy} quiet done; load average: ${loadAvg()}`);
    }
    stopBusy.push(busyLoops());
    console.log(`three busy loops started; load average: ${loadAvg()}`);
    for (const strategy of ['blue-green', 'canary'] as const) {
      results[`${strategy} busy`] = await scenario(strategy);
      console.log(`${strategy} busy done; load average: ${loadAvg()}`);
    }
    stopBusy.pop()?.();

    const failed = (s: LoadStats) => `${s.failed}/${s.sent}`;
    const cols = ['blue-green quiet', 'blue-green busy', 'canary quiet', 'canary busy'];
    const row = (name: string, cells: string[]) =>
      console.log(`${name.padEnd(44)} ${cells.map((c) => c.padStart(17)).join(' ')}`);
    const of = (f: (s: Scenario) => string) => cols.map((c) => f(results[c]!));
    console.log('');
    row('(load loop: 2 connections, failed/total)', ['blue-green', 'blue-green', 'canary', 'canary']);
    row('', ['quiet', '3 busy loops', 'quiet', '3 busy loops']);
    row(
      'failed requests: good deploy',
      of((s) => failed(s.deploy))
    );
    row(
      'failed requests: unhealthy before traffic',
      of((s) => failed(s.rollback))
    );
    row(
      'failed requests: fails after switch/step',
      of((s) => failed(s.afterSwitch))
    );
    row(
      'rollback time: unhealthy before traffic',
      of((s) => `${s.rollbackMs} ms`)
    );
    row(
      'rollback time: fails after switch/step',
      of((s) => `${s.afterSwitchMs} ms`)
    );
    row(
      'good deploy wall time',
      of((s) => `${s.deployMs} ms`)
    );
    for (const c of cols) console.log(`load average during ${c}: ${results[c]!.load}`);

    // Baseline: a naive redeploy of the serving color in place (stop, then start v1 on the same port), quiet
    const project = `${bg.project}-naive`;
    const serving = bg.pointed()?.color ?? 'green';
    const onTarget = { ...process.env, DOCKER_HOST: TARGET_DOCKER_HOST };
    const port = serving === 'blue' ? bg.ports.blue : bg.ports.green;
    const load = startLoadLoop(`${bg.proxyUrl}/api/version`, { concurrency: 2 });
    await sleep(300);
    const started = Date.now();
    // async: the load loop runs in this process and must keep sending while docker works
    await run('docker', ['stop', '--time', '10', bg.containerName(serving)], onTarget);
    await run(
      'docker',
      [
        'compose',
        '--project-name',
        project,
        '--project-directory',
        path.join(bg.workspace, 'deploy'),
        '--file',
        path.join(bg.workspace, 'deploy/compose.template.yml'),
        'up',
        '--detach'
      ],
      {
        ...onTarget,
        SLIPWAY_IMAGE_API: `${repo}@${v1}`,
        SLIPWAY_PORT_API: String(port),
        SLIPWAY_ENVIRONMENT: 'staging',
        SLIPWAY_VERSION: '1.0.0',
        SLIPWAY_COLOR: serving
      }
    );
    await waitHealthy(`${bg.proxyUrl}/api/health`, 60_000);
    const naiveMs = Date.now() - started;
    await sleep(300);
    const naive = await load.stop();
    row('naive stop-then-start (quiet): failed', [failed(naive)]);
    row('naive stop-then-start (quiet): until healthy', [`${naiveMs} ms`]);
    console.log(
      `deploy bench: ${Math.round((Date.now() - benchStarted) / 1000)} s; load average at the end: ${loadAvg()}`
    );
  } finally {
    for (const stop of stopBusy) stop();
    for (const env of Object.values(envs)) await env.stop();
    await run('docker', ['compose', '--project-name', `${envs['blue-green'].project}-naive`, 'down'], {
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
