/**
 * The deploy over `docker-host: ssh://…`, for real: the bundled action in a fresh runner (new workspace, new HOME
 * prepared as docs/deploy.md tells users — `~/.ssh/id_ed25519`, `~/.ssh/known_hosts` with the host key pinned,
 * `StrictHostKeyChecking yes`) reaches the TARGET dockerd through a real OpenSSH server (test/support/sshd.ts):
 * Docker's CLI runs `ssh … docker system dial-stdio` for ssh:// hosts
 * (https://docs.docker.com/engine/security/protect-access/#use-ssh-to-protect-the-docker-daemon-socket), and the
 * server's sessions talk to the target's socket. Two versions in a row alternate the colors on the target; a
 * known_hosts that does not match the server's host key fails before anything changes.
 * What this cannot show: a second machine (the server is on loopback of this one) and a real network's latency.
 */
import { execFileSync } from 'node:child_process';
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
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';
import { runnerSshEnv, startSshd, type Sshd } from '../support/sshd.js';

// every Docker command of a deploy opens its own ssh session (key exchange, auth, dial-stdio) on top of what
// deploy.test.ts measured (a deploy with the action's own 60 s health budget on the busy 2-core machine); the same
// 480 s as there
jest.setTimeout(480_000);
const TOKEN = 'ghs_deploysshtoken';
const id = randomBytes(4).toString('hex');
let fake: GitHubFake;
let env: DeployEnv;
let sshd: Sshd;
const digests: Record<string, string> = {};

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  env = await startDeployEnv(`ssh-${id}`);
  digests['1.0.0'] = buildApi(env.repo, '1.0.0');
  digests['2.0.0'] = buildApi(env.repo, '2.0.0');
  env.writeConfig('staging');
  sshd = await startSshd(TARGET_DOCKER_HOST);
}, 300_000);

afterAll(async () => {
  await env?.stop();
  await sshd?.stop();
  await fake?.close();
});

/** A deploy from a fresh runner whose job wrote `knownHosts` into ~/.ssh/known_hosts, to docker-host ssh://. */
function deployOverSsh(version: string, knownHosts = sshd.knownHostsLine): Promise<ActionRun> {
  const runner = env.freshRunner();
  return runAction('deploy', {
    workspace: runner.workspace,
    repository: 'acme/monorepo',
    inputs: { environment: 'staging', 'github-token': TOKEN, 'docker-host': sshd.dockerHost, version },
    env: {
      GITHUB_API_URL: fake.url,
      // a GitHub-hosted runner: the case docs/deploy.md's ssh setup is written for
      RUNNER_ENVIRONMENT: 'github-hosted',
      ...runnerSshEnv(runner.home, sshd.clientKey, knownHosts)
    },
    timeoutMs: 600_000
  });
}

/**
 * What the proxy serves, asked until it answers within the action's own health budget (60 s, 10 s per request:
 * its defaults): on the busy 2-core machine the example service's CGI misses servedVersion's single 5 s request
 * (measured here at load average 30+) while the deploy's own check, with its budget, passed.
 */
async function served(): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await servedVersion(env.proxyUrl);
    if (!answer.startsWith('error:') || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** the containers of the project on the target, read over its socket (not over ssh): color and version labels */
function onTarget(): string[] {
  return execFileSync(
    'docker',
    [
      '--host',
      TARGET_DOCKER_HOST,
      'ps',
      '--all',
      '--filter',
      `label=com.docker.compose.project=${env.project}`,
      '--filter',
      'label=dev.slipway.color',
      '--format',
      '{{.Label "dev.slipway.color"}} {{.Label "dev.slipway.version"}} {{.State}}'
    ],
    { encoding: 'utf8' }
  )
    .split('\n')
    .filter(Boolean)
    .sort();
}

it('deploys v1 then v2 over ssh:// from two fresh runners: the colors alternate on the target dockerd', async () => {
  const v1 = await deployOverSsh('1.0.0');
  expect(failureMessage(v1)).toBe('');
  expect(v1.exitCode).toBe(0);
  expect(v1.outputs.color).toBe('blue');
  expect(onTarget()).toEqual(['blue 1.0.0 running']);
  expect(env.pointed()).toMatchObject({ color: 'blue', version: '1.0.0' });
  expect(await served()).toBe('1.0.0');

  const v2 = await deployOverSsh('2.0.0');
  expect(failureMessage(v2)).toBe('');
  expect(v2.exitCode).toBe(0);
  expect(v2.outputs.color).toBe('green');
  // this runner never saw v1's deploy: what served came from the target, over ssh
  expect(v2.stdout).toContain('On the target: the proxy points at blue (1.0.0)');
  expect(onTarget()).toEqual(['blue 1.0.0 exited', 'green 2.0.0 running']);
  expect(env.pointed()).toMatchObject({ color: 'green', version: '2.0.0' });
  expect(env.colorState('green')?.image).toBe(`${env.repo}@${digests['2.0.0']}`);
  expect(await served()).toBe('2.0.0');
  // the sessions were sshd's: it logged the client key's logins as root
  expect(sshd.log()).toMatch(/Accepted publickey for root from 127\.0\.0\.1/);
  fake.assertNoViolations();
});

it('a known_hosts that does not match the host key fails clearly, before any record or change on the target', async () => {
  const before = {
    containers: onTarget(),
    pointed: env.pointed(),
    proxy: env.proxyId(),
    served: await served()
  };
  const records = fake.state.deployments.length;
  // another host's key pinned for this address: what a job gets when the host was replaced or is impersonated
  const otherKey = execFileSync('bash', [
    '-c',
    'd=$(mktemp -d) && ssh-keygen -q -t ed25519 -N "" -f "$d/k" && cut -d" " -f1,2 "$d/k.pub" && rm -rf "$d"'
  ])
    .toString()
    .trim();
  const run = await deployOverSsh('1.0.0', `[127.0.0.1]:${sshd.port} ${otherKey}`);
  expect(run.exitCode).toBe(1);
  const message = failureMessage(run);
  expect(message).toContain(`the Docker host ${sshd.dockerHost} is not reachable`);
  expect(message).toContain(
    "ssh refused the host key: it does not match the job's ~/.ssh/known_hosts for the 'docker-host' input"
  );
  expect(message).toContain('never scanned in the job');
  // nothing changed: no deployment record, the same containers and proxy on the target, the same version served
  expect(fake.state.deployments.length).toBe(records);
  expect(onTarget()).toEqual(before.containers);
  expect(env.proxyId()).toBe(before.proxy);
  expect(env.pointed()).toEqual(before.pointed);
  expect(await served()).toBe(before.served);
  fake.assertNoViolations();
});
