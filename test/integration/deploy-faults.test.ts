/**
 * Issue 19 / 13: the deploy under faults, each with a loopback load loop through the proxy, asserted after the
 * run: which color and version serve (read from the proxy container on the target and through it), what the
 * deployment records say, how many requests failed, and that the color taking traffic was never stopped,
 * recreated or restarted. Every deploy runs from a fresh runner against the TARGET dockerd.
 *
 * Health timing is the action's own defaults (2 s interval, 60 s budget, 10 s per request, 5 unhealthy answers)
 * unless a test states why not. Faults are injected where the product reaches the outside: the proxy container
 * on the target (a broken include makes its `nginx -t` fail; a watcher of the target's events acts at the exact
 * moment the deploy runs `nginx -s reload` or `nginx -t` in it), a forwarder in front of the registry and one in
 * front of the target's Docker socket (test/support/fault-proxy.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import {
  buildApi,
  colorRunning,
  FAILS_AFTER_FIRST_CHECK,
  servedVersion,
  startDeployEnv,
  TARGET_DOCKER_HOST,
  targetDocker,
  warmsUp,
  type DeployEnv
} from '../support/deploy-env.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startLoadLoop, type LoadStats } from '../support/load-loop.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';

// a fault followed by a rollback runs the action's own budgets (60 s health, 60 s rollback) plus the Docker commands
// on the target; on the shared 2-core machine under load that can pass jest's 180 s default (seen in deploy.test.ts)
jest.setTimeout(480_000);
const TOKEN = 'ghs_faulttoken';
const id = randomBytes(4).toString('hex');
let fake: GitHubFake;
let env: DeployEnv;
let marks: string;
let registry: FaultProxy;
let dockerSock: FaultProxy;
const GOOD = ['1.0.0', '2.0.0'];

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  env = await startDeployEnv(id);
  marks = mkdtempSync(path.join(os.tmpdir(), `slipway-faults-${id}-`));
  buildApi(env.repo, '1.0.0');
  buildApi(env.repo, '2.0.0');
  buildApi(env.repo, '5.0.0', FAILS_AFTER_FIRST_CHECK);
  // 12 s warm-up: with the defaults (5 unhealthy answers 2 s apart) it would be rolled back after ~8 s
  buildApi(env.repo, '6.0.0', warmsUp(12, 20));
  // never pulled by the Docker daemon under the forwarder's name: the pull must reach the registry
  buildApi(env.repo, '7.0.0');
  buildApi(env.repo, '8.0.0');
  registry = await startFaultProxy({ port: 0 }, { host: '127.0.0.1', port: 5000 });
  dockerSock = await startFaultProxy(
    { path: path.join(marks, 'docker.sock') },
    { path: TARGET_DOCKER_HOST.replace(/^unix:\/\//, '') }
  );
}, 600_000);

afterAll(async () => {
  await dockerSock?.close();
  await registry?.close();
  await env?.stop();
  await fake?.close();
  if (marks) rmSync(marks, { recursive: true, force: true });
});

let configN = 0;
/** deploys with the action's default health timing and an environment config of this test's own */
function deploy(
  version: string,
  options: { image?: string; inputs?: Record<string, string> } = {}
): Promise<ActionRun> {
  const base = env.baseConfig();
  const dir = `cfg-${++configN}`;
  env.writeConfig(
    'staging',
    {
      services: {
        api: { ...(base.services as { api: object }).api, ...(options.image ? { image: options.image } : {}) }
      },
      target: base.target
    },
    dir
  );
  const runner = env.freshRunner();
  return runAction('deploy', {
    workspace: runner.workspace,
    repository: 'acme/monorepo',
    inputs: {
      environment: 'staging',
      'github-token': TOKEN,
      version,
      'config-dir': dir,
      'docker-host': TARGET_DOCKER_HOST,
      ...options.inputs
    },
    env: { GITHUB_API_URL: fake.url, HOME: runner.home },
    timeoutMs: 600_000
  });
}

const pointed = () => env.pointed();

/**
 * Runs `act` once, the moment the deploy runs `nginx <command>` in the proxy container on the target (the
 * target's own event stream: exec_start carries the command). Returns a stop function.
 */
function onProxyExec(
  command: '-s reload' | '-t -q',
  act: () => void,
  when: 'start' | 'end' = 'start'
): () => void {
  const proxy = env.proxyId();
  const events = spawn(
    'docker',
    [
      'events',
      '--filter',
      'type=container',
      // this suite's proxy only: other suites (jest runs three at once) reload their own proxies on the same target
      '--filter',
      proxy ? `container=${proxy}` : `label=com.docker.compose.project=${env.project}`,
      '--filter',
      'event=exec_start',
      '--filter',
      'event=exec_die',
      '--format',
      '{{.Action}}'
    ],
    { env: { ...process.env, DOCKER_HOST: TARGET_DOCKER_HOST }, stdio: ['ignore', 'pipe', 'ignore'] }
  );
  let started = false;
  let done = false;
  events.stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (done) return;
      if (!started && line.includes(`exec_start`) && line.includes(`nginx ${command}`)) started = true;
      // the deploy runs its execs one after the other: the next exec_die is this command's end
      else if (started && when === 'end' && line.startsWith('exec_die')) started = false;
      else continue;
      if (when === 'start' || !started) {
        done = true;
        act();
      }
    }
  });
  return () => events.kill();
}

/** a broken include in the proxy container: its `nginx -t` fails from now on (the running nginx is unaffected) */
function breakProxy(content = 'garbage\n'): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-broken-'));
  writeFileSync(path.join(dir, 'zz-broken.conf'), content);
  targetDocker(['cp', path.join(dir, 'zz-broken.conf'), `${env.proxyId()}:/etc/nginx/conf.d/zz-broken.conf`]);
  rmSync(dir, { recursive: true, force: true });
}
const restoreProxy = (): void => {
  if (env.proxyId()) breakProxy('# restored by the test\n');
};

const killColor = (color: 'blue' | 'green') => () => {
  execFileSync('docker', ['kill', env.containerName(color)], {
    env: { ...process.env, DOCKER_HOST: TARGET_DOCKER_HOST },
    stdio: 'ignore'
  });
};

function statesOf(deploymentId: number): string[] {
  return fake.state.deploymentStatuses
    .filter((s) => s.deployment_id === deploymentId)
    .sort((a, b) => a.id - b.id)
    .map((s) => s.state);
}

/** the deployments a run added, each with its states (none may be left open) */
function recordsSince(before: number): { version: string; kind: string; states: string[] }[] {
  return fake.state.deployments
    .filter((d) => d.environment === 'staging')
    .sort((a, b) => a.id - b.id)
    .slice(before)
    .map((d) => {
      const s = (d.payload as { slipway: { version: string; kind: string } }).slipway;
      return { version: s.version, kind: s.kind, states: statesOf(d.id) };
    });
}

const stagingCount = () => fake.state.deployments.filter((d) => d.environment === 'staging').length;

/** container id and start time: a recreate changes the id, a restart the start time */
function identity(color: 'blue' | 'green'): string {
  try {
    return targetDocker([
      'inspect',
      '--format',
      '{{.Id}} {{.State.StartedAt}}',
      env.containerName(color)
    ]).trim();
  } catch {
    return 'absent';
  }
}

function report(name: string, run: ActionRun, stats: LoadStats): void {
  process.stdout.write(
    `deploy fault "${name}": status=${run.outputs.status} color=${run.outputs.color} ` +
      `serving-version=${run.outputs['serving-version'] ?? ''} requests=${stats.sent} failed=${stats.failed} ` +
      `${stats.failures.slice(0, 3).join(', ')}\n  serving: ${run.outputs.serving}\n`
  );
}

/** Runs the deploy `start` starts with a load loop through the proxy for as long as it runs, reported as `name`. */
async function underLoad(
  name: string,
  start: () => Promise<ActionRun>
): Promise<{ run: ActionRun; stats: LoadStats }> {
  const load = startLoadLoop(`${env.proxyUrl}/api/version`);
  const run = await start();
  const stats = await load.stop();
  report(name, run, stats);
  return { run, stats };
}

const otherColor = (color: 'blue' | 'green'): 'blue' | 'green' => (color === 'blue' ? 'green' : 'blue');
/** the good version not serving now: a fault deploys it, the serving one is what a rollback goes back to */
const otherGood = (old: { version: string }): string => (old.version === '2.0.0' ? '1.0.0' : '2.0.0');

/** rolled back: the old color serves the old version again */
function expectRolledBackTo(run: ActionRun, old: { color: string; version: string }): void {
  expect(run.outputs).toMatchObject({
    status: 'rolled_back',
    color: old.color,
    'serving-version': old.version
  });
}

/**
 * Each fault starts from a good version serving: the proxy config put back, the forwarders healthy, and a good
 * deploy when the previous fault left nothing good serving.
 */
let serving: { color: 'blue' | 'green'; version: string };
beforeEach(async () => {
  restoreProxy();
  registry.up();
  dockerSock.up();
  for (const f of ['once', 'registry-down', 'docker-down']) rmSync(path.join(marks, f), { force: true });
  const now = pointed();
  if (!now || !GOOD.includes(await servedVersion(env.proxyUrl)) || !colorRunning(env.project, now.color)) {
    const run = await deploy(now?.version === '1.0.0' ? '2.0.0' : '1.0.0');
    expect(failureMessage(run)).toBe('');
  }
  serving = pointed()! as typeof serving;
  expect(GOOD).toContain(await servedVersion(env.proxyUrl));
}, 600_000);

afterEach(() => fake.assertNoViolations());

it('readiness: a version that warms up for 12 s within its HEALTHCHECK start period is not rolled back', async () => {
  const before = stagingCount();
  const old = serving;
  const { run, stats } = await underLoad('warm-up', () => deploy('6.0.0'));
  expect(failureMessage(run)).toBe('');
  expect(run.outputs).toMatchObject({ status: 'success', 'serving-version': '6.0.0' });
  expect(run.outputs.color).not.toBe(old.color);
  expect(run.stdout).toMatch(/Readiness: failed health answers count after \d+ ms/);
  expect(stats.failed).toBe(0);
  expect(recordsSince(before)).toEqual([
    { version: '6.0.0', kind: 'deploy', states: ['in_progress', 'success'] }
  ]);
});

it('the new color killed right after the switch: traffic goes back to the untouched old color', async () => {
  const before = stagingCount();
  const old = serving;
  const oldIdentity = identity(old.color);
  const { run, stats } = await underLoad('killed after switch', () => {
    const stop = onProxyExec('-s reload', killColor(otherColor(old.color)));
    return deploy(otherGood(old)).finally(stop);
  });
  expectRolledBackTo(run, old);
  expect(await servedVersion(env.proxyUrl)).toBe(old.version);
  expect(identity(old.color)).toBe(oldIdentity); // never stopped, recreated or restarted
  expect(recordsSince(before).map((r) => [r.kind, r.states])).toEqual([
    ['deploy', ['in_progress', 'failure']],
    ['rollback', ['in_progress', 'success']]
  ]);
  // the fault itself fails the requests that reach the killed color until traffic is back (reported above)
  expect(stats.ok).toBeGreaterThan(0);
});

it('the proxy check fails at the switch: traffic never moves, no request fails', async () => {
  const before = stagingCount();
  const old = serving;
  const oldIdentity = identity(old.color);
  breakProxy();
  const { run, stats } = await underLoad('proxy check fails', () => deploy(otherGood(old)));
  expectRolledBackTo(run, old);
  expect(failureMessage(run)).toContain('zz-broken.conf');
  expect(failureMessage(run)).toContain('traffic was not moved');
  expect(stats.failed).toBe(0);
  expect(identity(old.color)).toBe(oldIdentity);
  expect(colorRunning(env.project, otherColor(old.color))).toBe(false); // the failed start went
  expect(recordsSince(before).map((r) => r.states)).toEqual([
    ['in_progress', 'failure'],
    ['in_progress', 'success']
  ]);
});

it('the proxy breaks after the switch: the failed version keeps serving and the report says so', async () => {
  const before = stagingCount();
  const old = serving;
  const oldIdentity = identity(old.color);
  const { run, stats } = await underLoad('proxy breaks after switch', () => {
    // 1 s after the reload signal (nginx has applied it by then; the check after the switch takes ~8 s to fail)
    const stop = onProxyExec('-s reload', () => setTimeout(() => breakProxy(), 1000));
    return deploy('5.0.0').finally(stop);
  });
  const other = otherColor(old.color);
  expect(run.exitCode).toBe(1);
  expect(run.outputs.status).toBe('failure');
  expect(run.outputs.color).toBe(other); // where the proxy really points
  expect(run.outputs['serving-version'] ?? '').toBe(''); // 5.0.0 answers, but unhealthy: nothing healthy serves
  expect(run.outputs.serving).toContain(`the proxy points at ${other} (5.0.0)`);
  expect(failureMessage(run)).toContain('left on the host:');
  expect(pointed()!.color).toBe(other);
  expect(await servedVersion(env.proxyUrl)).toBe('5.0.0');
  expect(stats.failed).toBe(0); // 5.0.0 answers its API; only its health says unhealthy
  // nothing was stopped: the old color still runs, untouched, for the next attempt
  expect(identity(old.color)).toBe(oldIdentity);
  expect(colorRunning(env.project, other)).toBe(true);
  expect(recordsSince(before).map((r) => r.states)).toEqual([
    ['in_progress', 'failure'],
    ['in_progress', 'failure']
  ]);
});

it('the new color killed and the proxy broken after the switch: nothing serves, and the run says so', async () => {
  const before = stagingCount();
  const old = serving;
  const { run, stats } = await underLoad('killed + proxy broken', () => {
    const stop = onProxyExec('-s reload', () => {
      killColor(otherColor(old.color))();
      setTimeout(() => breakProxy(), 1000);
    });
    return deploy(otherGood(old)).finally(stop);
  });
  const other = otherColor(old.color);
  expect(run.outputs.status).toBe('failure');
  expect(run.outputs.color).toBe(other);
  expect(run.outputs['serving-version'] ?? '').toBe('');
  expect(run.outputs.serving).toContain('nothing healthy serves there');
  expect(run.summary).toContain('Serving now:');
  expect(stats.failed).toBeGreaterThan(0); // the fault makes it impossible: reported above
  expect(colorRunning(env.project, old.color)).toBe(true);
  expect(recordsSince(before).map((r) => r.states)).toEqual([
    ['in_progress', 'failure'],
    ['in_progress', 'failure']
  ]);
});

describe('registry unreachable', () => {
  const image = () => `${registry.address}/deploy-test-${id}/api`;

  it('when the pull starts: the deploy fails before any traffic moves, the old color serves', async () => {
    const before = stagingCount();
    const old = serving;
    registry.downOn(/\/manifests\/sha256:/); // the Docker daemon's pull by digest (resolution asks by tag)
    const { run, stats } = await underLoad('registry lost at the pull', () =>
      deploy('7.0.0', { image: image() })
    );
    expectRolledBackTo(run, old);
    expect(failureMessage(run)).toMatch(/docker compose .*failed/);
    expect(stats.failed).toBe(0);
    expect(recordsSince(before).map((r) => r.states)).toEqual([
      ['in_progress', 'failure'],
      ['in_progress', 'success']
    ]);
  });

  it('after the pull: nothing else needs it, the deploy succeeds', async () => {
    const before = stagingCount();
    const { run, stats } = await underLoad('registry lost after the pull', () => {
      const stop = onProxyExec('-t -q', () => {
        writeFileSync(path.join(marks, 'registry-down'), '');
        registry.down();
      });
      return deploy('8.0.0', { image: image() }).finally(stop);
    });
    expect(existsSync(path.join(marks, 'registry-down'))).toBe(true);
    expect(failureMessage(run)).toBe('');
    expect(run.outputs).toMatchObject({ status: 'success', 'serving-version': '8.0.0' });
    expect(stats.failed).toBe(0);
    expect(recordsSince(before).map((r) => r.states)).toEqual([['in_progress', 'success']]);
  });
});

describe('Docker host', () => {
  const dockerHost = () => ({ 'docker-host': `unix://${dockerSock.address}` });

  it('lost before up: traffic stays on the untouched old color, the leftover is reported', async () => {
    const before = stagingCount();
    const old = serving;
    const oldIdentity = identity(old.color);
    // compose up's container create (or the start of a kept color): the action has read the target before
    dockerSock.downOn(/^POST \S*\/containers\/(create|[0-9a-f]+\/start)/);
    const { run, stats } = await underLoad('docker lost before up', () =>
      deploy(otherGood(old), { inputs: dockerHost() })
    );
    expectRolledBackTo(run, old);
    expect(run.outputs.serving).toMatch(/unknown/); // what runs cannot be listed: said so
    expect(stats.failed).toBe(0);
    expect(identity(old.color)).toBe(oldIdentity);
    expect(recordsSince(before).map((r) => r.states)).toEqual([
      ['in_progress', 'failure'],
      ['in_progress', 'success']
    ]);
  });

  it('lost after the switch: success, and the old color left running is a warning in the summary', async () => {
    const before = stagingCount();
    const old = serving;
    const next = otherGood(old);
    const { run, stats } = await underLoad('docker lost after switch', () => {
      // the target's own event stream (not through the forwarder) says when the reload has run (its exec ended)
      const stop = onProxyExec('-s reload', () => dockerSock.down(), 'end');
      return deploy(next, { inputs: dockerHost() }).finally(stop);
    });
    expect(failureMessage(run)).toBe('');
    expect(run.outputs).toMatchObject({ status: 'success', 'serving-version': next });
    expect(run.summary).toContain('Left on the host:');
    expect(run.summary).toContain(`the old color ${old.color} still runs`);
    expect(run.annotations.some((a) => a.level === 'warning' && a.message.includes('still runs'))).toBe(true);
    expect(colorRunning(env.project, old.color)).toBe(true); // true: it could not be stopped
    expect(stats.failed).toBe(0);
    expect(recordsSince(before).map((r) => r.states)).toEqual([['in_progress', 'success']]);
  });

  it('hanging: the command is killed at its time limit, the records are closed, the old color serves', async () => {
    const before = stagingCount();
    const old = serving;
    // the start of the new version: compose up's container create, or the start of a kept color
    dockerSock.hangOn(/^POST \S*\/containers\/(create|[0-9a-f]+\/start)/);
    // a 20 s limit instead of the 600 s default: the fault is a hang, and the limit is the input under test
    const { run, stats } = await underLoad('docker hangs', () =>
      deploy(otherGood(old), { inputs: { ...dockerHost(), 'docker-timeout': '20s' } })
    );
    expectRolledBackTo(run, old);
    expect(failureMessage(run)).toContain('no result within 20 s');
    expect(run.summary).toContain('Serving now:');
    expect(stats.failed).toBe(0);
    expect(recordsSince(before).map((r) => r.states)).toEqual([
      ['in_progress', 'error'],
      ['in_progress', 'success']
    ]);
  });
});
