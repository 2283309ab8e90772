/**
 * The README's main job: the generated workflows themselves, run by the local executor (scripts/executor) on the
 * example monorepo against the local registry and a local fake of GitHub's API.
 *
 *   1. push to main (a feat commit touching services/api and libs/shared) → examples/monorepo/.github/workflows/
 *      images.yml: plan → per changed service tags → build → Trivy gate → sign (cosign key pair, no Rekor) →
 *      SBOM attestation; then the release job: semantic-release tags v1.0.0 and creates the GitHub release, and
 *      every service is built with semver tags;
 *   2. checks from outside: every tag resolves, every image record's digest verifies with cosign, and the
 *      cross-built services (runner, daemon, proxy, cli) are indexes of linux/amd64 + linux/arm64;
 *   3. workflow_dispatch of the deploy workflow to `dev` (when it exists): blue-green behind nginx, health checked;
 *      prints the URL.
 *
 *   4. with --one-service-push: one more push to main, a commit touching only services/dashboard (`refactor`: no
 *      release), with every cache the first push warmed (buildx layers, tool cache, registry) → images.yml builds,
 *      gates, signs and attests that one service.
 *
 *   npx tsx scripts/local-pipeline.ts [--owner acme] [--keep] [--jobs N] [--one-service-push]
 *   (--keep leaves the dev deployment running; --jobs: jobs running at once, default the cores, 1 one after another)
 *
 * It ends with a `timing:` line (bench/pipeline.ts reads it): `full=<ms>` push + release + deploy (steps 1–3),
 * `one-service=<ms>` step 4.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RegistryClient } from '../actions/lib/registry.js';
import type { ImageRecord } from '../actions/lib/image-record.js';
import { pushEvent } from '../test/support/events.js';
import { TestRepo } from '../test/support/git-repo.js';
import { addRepo, startGitHubFake } from '../test/support/github-fake/index.js';
import { BASE_IMAGE } from '../test/support/images.js';
import { REPO_ROOT, SLIPWAY_ACTION_REPOS } from '../test/support/run-action.js';
import { trivyFixtures } from '../test/support/trivy-db.js';
import { startToolMirror } from '../test/support/tool-mirror.js';
import { runWorkflow, type RunOptions, type RunResult } from './executor/index.js';
import { flattenJobs } from './executor/report.js';

const { values } = parseArgs({
  options: {
    owner: { type: 'string', default: 'acme' },
    registry: { type: 'string', default: '127.0.0.1:5000' },
    keep: { type: 'boolean', default: false },
    jobs: { type: 'string' },
    'one-service-push': { type: 'boolean', default: false }
  }
});
const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) {
  console.error(`--jobs expects a whole number ≥ 1 (jobs running at once), got '${values.jobs}'`);
  process.exit(2);
}
const owner = values.owner!;
const registry = values.registry!;
const TOKEN = 'ghs_local_pipeline_token';
const t0 = Date.now();
/**
 * CPU time the whole machine spent busy since boot, in ms (every core; /proc/stat's first line, in USER_HZ ticks:
 * proc(5)). Read around each phase: the builds run in dockerd and buildkitd, not in this process, so only the
 * machine's counters see all of the pipeline's work. bench/pipeline.ts turns it into the speed-up this machine allows.
 */
function machineBusyMs(): number {
  // cpu  user nice system idle iowait irq softirq steal …; USER_HZ is 100 on Linux (`getconf CLK_TCK`)
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) * 10;
}
const busy0 = machineBusyMs();
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const log = (text: string): void => console.log(`\n[${seconds(Date.now() - t0)}] ${text}`);

function cosignKeys(): { key: string; pub: string; password: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-cosign-'));
  const password = `local-${Math.random().toString(36).slice(2)}`;
  execFileSync('cosign', ['generate-key-pair'], {
    cwd: dir,
    env: { ...process.env, COSIGN_PASSWORD: password },
    stdio: 'ignore'
  });
  return {
    key: readFileSync(path.join(dir, 'cosign.key'), 'utf8'),
    pub: path.join(dir, 'cosign.pub'),
    password
  };
}

function fail(result: RunResult, what: string): never {
  const failed = flattenJobs(result.jobs).filter((j) => j.result === 'failure' && !j.children?.length);
  for (const job of failed) {
    const step = job.steps.find((s) => s.outcome === 'failure');
    console.error(
      `\n✗ ${job.name}${step ? ` — step '${step.name}'` : ''}: ${step?.error ?? job.error ?? ''}`
    );
    if (step?.log) console.error(step.log.split('\n').slice(-25).join('\n'));
  }
  throw new Error(`${what} failed; run directory ${result.runDir}`);
}

async function main(): Promise<void> {
  log('preparing: example repository, GitHub API fake, Trivy DB in the local registry, cosign key pair');
  const repo = TestRepo.fromExample();
  const before = repo.head();
  const after = repo.change(
    ['services/api/src/test.sh', 'libs/shared/log.sh'],
    'feat(api): report the shared library version'
  );
  repo.push();
  const fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, owner, 'monorepo', { description: 'Slipway example monorepo' });
  const fx = await trivyFixtures();
  const keys = cosignKeys();
  // the jobs run on GitHub-hosted labels, whose images lack trivy, cosign and gitleaks: the actions install them as
  // on GitHub, from a local mirror of the release files (this machine's binaries, test checksums)
  const mirror = await startToolMirror(['trivy', 'cosign', 'gitleaks']);
  const common = {
    jobs,
    repo: repo.origin,
    repository: `${owner}/monorepo`,
    actionRepos: SLIPWAY_ACTION_REPOS,
    apiUrl: fake.url,
    token: TOKEN,
    env: {
      ...mirror.env,
      // git's insteadOf sends the GitHub remote semantic-release pushes its tag to into the local bare origin
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `url.file://${repo.origin}.insteadOf`,
      GIT_CONFIG_VALUE_0: `https://github.com/${owner}/monorepo.git`
    },
    vars: {
      SLIPWAY_REGISTRY: registry,
      SLIPWAY_SIGN_MODE: 'key',
      SLIPWAY_TRANSPARENCY_LOG: 'false',
      SLIPWAY_UPLOAD_SARIF: 'false',
      // this machine's dockerd runs without a bridge network
      SLIPWAY_BUILD_NETWORK: 'host',
      SLIPWAY_TRIVY_DB: fx.dbRepository,
      // the example Dockerfiles default to Docker Hub's busybox (what works on GitHub); here the offline base
      // image scripts/base-image.sh put in the local registry
      SLIPWAY_BUILD_ARGS: `BASE=${BASE_IMAGE}`,
      // dev's Docker host is this machine, and the deploy job runs on it as a self-hosted runner (the setup
      // docs/deploy.md describes); on a GitHub-hosted label the deploy action refuses a local Docker (the VM and its
      // containers are discarded after the job)
      SLIPWAY_DEPLOY_RUNNER: 'self-hosted'
    },
    secrets: { GITHUB_TOKEN: TOKEN, COSIGN_PRIVATE_KEY: keys.key, COSIGN_PASSWORD: keys.password }
  };

  log(`push to main ${before.slice(0, 7)}..${after.slice(0, 7)} → .github/workflows/images.yml`);
  const push = pushEvent({
    repo: { owner, name: 'monorepo', defaultBranch: 'main' },
    ref: 'refs/heads/main',
    before,
    after
  });
  const images = await runWorkflow({
    ...common,
    workflow: path.join(repo.dir, '.github/workflows/images.yml'),
    event: 'push',
    eventPayload: push.payload,
    ref: 'refs/heads/main',
    sha: after
  });
  if (images.conclusion !== 'success') fail(images, 'the images workflow');

  log('checking from outside the workflow: tags resolve, signatures verify by digest');
  const records = recordsOf(images);
  const client = new RegistryClient(registry);
  // a later build may move a tag (the release build takes `latest` from the push build): check each tag against
  // the record that pushed it last
  const lastPush = new Map<string, ImageRecord>();
  for (const record of records) for (const tag of record.tags) lastPush.set(tag, record);
  for (const [tag, record] of lastPush) {
    const name = record.image.slice(registry.length + 1);
    const digest = await client.resolve(name, tag.slice(tag.lastIndexOf(':') + 1));
    if (digest !== record.digest) throw new Error(`${tag} resolves to ${digest}, not ${record.digest}`);
  }
  // the cross-built services (runner, daemon, proxy, cli) are one index of linux/amd64 + linux/arm64 in the registry
  const multiArch = records.filter((r) => r.platforms.length > 1);
  if (multiArch.length === 0) throw new Error('no image was built for linux/amd64 + linux/arm64');
  for (const record of multiArch) {
    const index = await client.getManifest(record.image.slice(registry.length + 1), record.digest);
    const held = (index.manifest.manifests ?? []).flatMap((m) =>
      m.platform ? [`${m.platform.os}/${m.platform.architecture}`] : []
    );
    for (const platform of ['linux/amd64', 'linux/arm64'])
      if (!held.includes(platform))
        throw new Error(`${record.ref} has no ${platform} manifest (it has ${held.join(', ')})`);
  }
  const rows: [string, string, string][] = [];
  for (const record of records) {
    const verify = spawnSync(
      'cosign',
      ['verify', '--key', keys.pub, '--insecure-ignore-tlog=true', '--allow-http-registry', record.ref],
      { encoding: 'utf8' }
    );
    if (verify.status !== 0) throw new Error(`cosign verify ${record.ref} failed:\n${verify.stderr}`);
    const current = record.tags.filter((t) => lastPush.get(t) === record);
    rows.push([
      `${record.service}${record.platforms.length > 1 ? ` (${record.platforms.map((p) => p.platform.split('/')[1]).join('+')})` : ''}`,
      record.digest.slice(0, 19),
      current.map((t) => t.slice(t.lastIndexOf(':') + 1)).join(' ')
    ]);
  }
  const release = fake.state.releases;
  console.log(`\n${rows.length} images signed and verified by digest:`);
  for (const [service, digest, tags] of rows) console.log(`  ${service.padEnd(22)} ${digest}…  ${tags}`);
  console.log(`GitHub releases: ${release.map((r) => r.tag_name).join(', ') || '(none)'}`);
  console.log(
    `tags on origin: ${repo
      .git('ls-remote', '--tags', 'origin')
      .split('\n')
      .map((l) => l.split('refs/tags/')[1])
      .join(', ')}`
  );
  const url = await deployDev(common, repo);
  const fullMs = Date.now() - t0;
  const fullCpuMs = machineBusyMs() - busy0;
  let oneServiceMs: number | undefined;
  let oneServiceCpuMs: number | undefined;
  if (values['one-service-push']) {
    const busy = machineBusyMs();
    oneServiceMs = await oneServicePush(common, repo, owner);
    oneServiceCpuMs = machineBusyMs() - busy;
  }
  fake.assertNoViolations();
  await fake.close();
  await mirror.close();
  log(
    `done in ${seconds(Date.now() - t0)}: ${rows.length} images built, scanned, signed and attested; dev deployed at ${url}`
  );
  console.log(
    `timing: full=${fullMs}${oneServiceMs === undefined ? '' : ` one-service=${oneServiceMs}`} full-cpu=${fullCpuMs}${oneServiceCpuMs === undefined ? '' : ` one-service-cpu=${oneServiceCpuMs}`}`
  );
}

/**
 * A second push to main touching one service only, after the first push warmed every cache: a `refactor` commit, so
 * semantic-release cuts no release and the run is the push build of that one service. Its wall time in ms.
 */
async function oneServicePush(
  common: Omit<RunOptions, 'workflow'>,
  repo: TestRepo,
  ownerName: string
): Promise<number> {
  const before = repo.head();
  const after = repo.change(['services/dashboard/src/test.sh'], 'refactor(dashboard): a one-service push');
  repo.push();
  log(
    `push to main ${before.slice(0, 7)}..${after.slice(0, 7)} (services/dashboard only, warm caches) → images.yml`
  );
  const started = Date.now();
  const run = await runWorkflow({
    ...common,
    workflow: path.join(repo.dir, '.github/workflows/images.yml'),
    event: 'push',
    eventPayload: pushEvent({
      repo: { owner: ownerName, name: 'monorepo', defaultBranch: 'main' },
      ref: 'refs/heads/main',
      before,
      after
    }).payload,
    ref: 'refs/heads/main',
    sha: after
  });
  const ms = Date.now() - started;
  if (run.conclusion !== 'success') fail(run, 'the one-service push');
  const built = recordsOf(run).map((r) => r.service);
  if (built.join() !== 'dashboard')
    throw new Error(`the one-service push built ${built.join(', ') || 'nothing'}, not dashboard alone`);
  log(`one-service push done in ${seconds(ms)}: built ${built.join(', ')}`);
  return ms;
}

/**
 * dev's proxy is a container of the environment's compose project on dev's Docker host (this machine), created by
 * the deploy action itself. Nothing can be pulled here, so its image is the offline one (scripts/proxy-image.sh):
 * the self-hosted runner's environment passes SLIPWAY_PROXY_IMAGE to the job (a self-hosted runner's `.env` file
 * does the same on GitHub), and the action uses it because dev.json names no proxy image.
 */
function devProxyImage(): void {
  process.env.SLIPWAY_PROXY_IMAGE ||= execFileSync('bash', [path.join(REPO_ROOT, 'scripts/proxy-image.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  }).trim();
}

async function deployDev(common: Omit<RunOptions, 'workflow'>, repo: TestRepo): Promise<string> {
  log(
    'workflow_dispatch of .github/workflows/deploy.yml: environment dev, version latest (the release just cut)'
  );
  devProxyImage();
  const keep = process.argv.includes('--keep');
  try {
    const head = repo.head();
    const deploy = await runWorkflow({
      ...common,
      workflow: path.join(repo.dir, '.github/workflows/deploy.yml'),
      event: 'workflow_dispatch',
      inputs: { environment: 'dev', version: 'latest', skip_tests: 'false' },
      ref: 'refs/heads/main',
      sha: head
    });
    if (deploy.conclusion !== 'success') fail(deploy, 'the deploy workflow');
    const job = flattenJobs(deploy.jobs).find((j) => j.id === 'deploy' && j.outputs.deployment_url);
    const url = job?.outputs.deployment_url ?? '';
    const health = await fetch(`${url}/api/health`).then((r) => r.text());
    console.log(`\ndeployed ${job?.outputs.version} to dev (${job?.outputs.status}): ${url}`);
    console.log(`GET ${url}/api/health → ${health.trim().slice(0, 300)}`);
    if (keep)
      console.log(
        'left running (--keep): stop with docker compose -p example-dev down (blue, green and the proxy)'
      );
    return url;
  } finally {
    if (!keep) {
      spawnSync('docker', ['compose', '-p', 'example-dev', 'down', '--remove-orphans', '-t', '2'], {
        stdio: 'ignore'
      });
    }
  }
}

/** Image records from the collect jobs of every build call (the push build and the release build). */
function recordsOf(result: RunResult): ImageRecord[] {
  const records: ImageRecord[] = [];
  for (const job of flattenJobs(result.jobs)) {
    const raw = job.id === 'collect' ? job.outputs['image-records'] : undefined;
    if (raw) records.push(...(JSON.parse(raw) as ImageRecord[]));
  }
  return records;
}

main().catch((error: unknown) => {
  console.error(`\nlocal pipeline failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
