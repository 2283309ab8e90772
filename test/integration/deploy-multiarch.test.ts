/**
 * Issue 18, deploy step: the target pulls the HOST's platform of a multi-arch image. A real index of two
 * platforms — linux/amd64 and linux/arm64 — is deployed by the bundled deploy action (fresh runner, target
 * dockerd); the target's container must run the index child of the host's platform: `docker image inspect` there
 * says the host's architecture, and the container's image is that child's config (image id).
 * The index is assembled the way scripts/base-image.sh makes the offline base: the example api built for the host
 * platform, and the arm64 busybox child of the multi-arch base (scripts/base-image.sh) as the other platform
 * (never run here, so no emulation is needed), merged by `docker buildx imagetools create`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import {
  buildApi,
  servedVersion,
  startDeployEnv,
  TARGET_DOCKER_HOST,
  targetDocker,
  type DeployEnv
} from '../support/deploy-env.js';
import { BASE_IMAGE } from '../support/images.js';
import { failureMessage, runAction } from '../support/run-action.js';

const TOKEN = 'ghs_multiarchdeploy';
const id = randomBytes(4).toString('hex');
/** Docker's name of the host's architecture (node's os.arch(): x64, arm64) */
const HOST_ARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[os.arch()] ?? os.arch();
const OTHER_ARCH = HOST_ARCH === 'amd64' ? 'arm64' : 'amd64';
let fake: GitHubFake;
let env: DeployEnv;

interface Index {
  manifests: { digest: string; platform?: { os: string; architecture: string } }[];
}

function raw<T>(ref: string): T {
  return JSON.parse(
    execFileSync('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref], { encoding: 'utf8' })
  ) as T;
}

beforeAll(async () => {
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  env = await startDeployEnv(id);
  // built as 9.0.0 (the version its health reports), then the tag is moved to the index below
  const hostChild = buildApi(env.repo, '9.0.0');
  const base = (process.env.SLIPWAY_BASE_IMAGE || BASE_IMAGE).replace(/^localhost:/, '127.0.0.1:');
  const other = raw<Index>(base).manifests.find((m) => m.platform?.architecture === OTHER_ARCH);
  if (!other) throw new Error(`${base} has no ${OTHER_ARCH} child (run bash scripts/base-image.sh)`);
  const baseRepo = base.replace(/:[^:/]+$/, '');
  execFileSync(
    'docker',
    [
      'buildx',
      'imagetools',
      'create',
      '-t',
      `${env.repo}:9.0.0`,
      `${env.repo}@${hostChild}`,
      `${baseRepo}@${other.digest}`
    ],
    { stdio: 'pipe' }
  );
  env.writeConfig('staging');
}, 300_000);

afterAll(async () => {
  await env?.stop();
  await fake?.close();
});

it("deploys a multi-arch index: the target pulls and runs the host's platform", async () => {
  const index = raw<Index>(`${env.repo}:9.0.0`);
  expect(index.manifests.map((m) => m.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
  const hostChild = index.manifests.find((m) => m.platform?.architecture === HOST_ARCH)!;
  const hostConfig = raw<{ config: { digest: string } }>(`${env.repo}@${hostChild.digest}`).config.digest;
  // `imagetools inspect` prints the index's own digest on its `Digest:` line
  const indexDigest = /^Digest:\s+(sha256:[a-f0-9]{64})/m.exec(
    execFileSync('docker', ['buildx', 'imagetools', 'inspect', `${env.repo}:9.0.0`], { encoding: 'utf8' })
  )?.[1];
  expect(indexDigest).toBeDefined();

  const runner = env.freshRunner();
  const run = await runAction('deploy', {
    workspace: runner.workspace,
    repository: 'acme/monorepo',
    inputs: {
      environment: 'staging',
      version: '9.0.0',
      'github-token': TOKEN,
      'docker-host': TARGET_DOCKER_HOST
    },
    env: { GITHUB_API_URL: fake.url, HOME: runner.home },
    timeoutMs: 600_000
  });
  expect(failureMessage(run)).toBe('');
  expect(run.outputs.status).toBe('success');
  // deployed by the index digest (what the tag resolved to) …
  expect(JSON.parse(run.outputs.images!)).toEqual([{ service: 'api', image: env.repo, digest: indexDigest }]);
  const container = env.containerName(run.outputs.color as 'blue' | 'green');
  const [configImage, imageId] = targetDocker([
    'inspect',
    '--format',
    '{{.Config.Image}} {{.Image}}',
    container
  ])
    .trim()
    .split(' ');
  expect(configImage).toBe(`${env.repo}@${indexDigest}`);
  // … and the target ran the child of its own platform: that child's config is the container's image
  expect(imageId).toBe(hostConfig);
  expect(targetDocker(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', imageId!]).trim()).toBe(
    `linux/${HOST_ARCH}`
  );
  expect(await servedVersion(env.proxyUrl)).toBe('9.0.0');
  fake.assertNoViolations();
});
