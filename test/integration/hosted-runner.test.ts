/**
 * Hosted-runner mode of the executor end to end: jobs on `ubuntu-24.04`/`ubuntu-latest`/`ubuntu-22.04` see only
 * that runner image's tools, so the bundled gitleaks-gate, sign and sbom actions find no gitleaks/cosign/trivy on
 * PATH and take their real pinned-install path — download from a local mirror laid out like GitHub releases
 * (test/support/tool-mirror.ts), verify the SHA-256, extract, tool-cache, addPath — and then scan a real repository,
 * sign a real image in the local registry and make its SBOM.
 * A `run: cosign version` on the same label fails as it would on GitHub; on a self-hosted label it runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { runWorkflow } from '../../scripts/executor/index.js';
import type { JobResult, RunOptions, RunResult } from '../../scripts/executor/index.js';
import { flattenJobs } from '../../scripts/executor/report.js';
import { git } from '../support/git-repo.js';
import { pushTestImage } from '../support/images.js';
import { REPO_ROOT } from '../support/run-action.js';
import { startToolMirror, TRIVY_TEST_VERSION, type ToolMirror } from '../support/tool-mirror.js';

const REGISTRY = '127.0.0.1:5000';
const PASSWORD = 'hosted runner key password';
const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';

const TOOLS_WORKFLOW = `name: hosted tools
on: push
jobs:
  scan:
    runs-on: ubuntu-24.04
    steps:
      - uses: ${CHECKOUT}
        with:
          fetch-depth: 0
      - id: gate
        uses: ./actions/gitleaks-gate
        with:
          scan-mode: full
      - id: which
        run: echo "gitleaks=$(command -v gitleaks)" >> "$GITHUB_OUTPUT"
  sign:
    runs-on: ubuntu-latest
    steps:
      - id: sign
        uses: ./actions/sign
        with:
          images: \${{ vars.IMAGE }}
          private-key: \${{ secrets.COSIGN_KEY }}
          private-key-password: \${{ secrets.COSIGN_PASSWORD }}
          transparency-log: 'false'
  sbom:
    runs-on: ubuntu-22.04
    steps:
      - id: sbom
        uses: ./actions/sbom
        with:
          images: \${{ vars.IMAGE }}
          generator: trivy
          attest: 'false'
`;

const BARE_WORKFLOW = `name: bare tools
on: push
jobs:
  hosted:
    runs-on: ubuntu-24.04
    steps:
      - id: tools
        run: |
          echo "docker=$(command -v docker)" >> "$GITHUB_OUTPUT"
          echo "git=$(command -v git)" >> "$GITHUB_OUTPUT"
          echo "cache=$RUNNER_TOOL_CACHE" >> "$GITHUB_OUTPUT"
      - id: cosign
        run: cosign version
  self:
    runs-on: [self-hosted, linux]
    steps:
      - id: cosign
        run: cosign version
`;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let base: string;
let repoDir: string;
let mirror: ToolMirror;

function job(result: RunResult, name: string): JobResult {
  const found = flattenJobs(result.jobs).find((j) => j.name === name);
  if (!found) throw new Error(`no job '${name}'`);
  return found;
}

function stepOf(j: JobResult, id: string) {
  const found = j.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step '${id}' in ${j.name}`);
  return found;
}

async function run(
  workflow: string,
  options: Partial<RunOptions> = {}
): Promise<{ result: RunResult; out: string }> {
  const out = new Capture();
  const result = await runWorkflow({
    workflow: path.join(repoDir, '.github/workflows', workflow),
    repo: repoDir,
    actionsDir: REPO_ROOT,
    runDir: mkdtempSync(path.join(base, 'run-')),
    output: out,
    ...options
  });
  return { result, out: out.text };
}

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), 'slipway-hosted-runner-'));
  repoDir = path.join(base, 'repo');
  mkdirSync(path.join(repoDir, '.github/workflows'), { recursive: true });
  git(base, 'init', '-q', '-b', 'main', repoDir);
  writeFileSync(path.join(repoDir, 'README.md'), '# hosted runner test\n');
  writeFileSync(path.join(repoDir, '.github/workflows/tools.yml'), TOOLS_WORKFLOW);
  writeFileSync(path.join(repoDir, '.github/workflows/bare.yml'), BARE_WORKFLOW);
  git(repoDir, 'add', '-A');
  git(repoDir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
  mirror = await startToolMirror(['gitleaks', 'cosign', 'trivy']);
}, 120_000);

afterAll(async () => {
  await mirror?.close();
  rmSync(base, { recursive: true, force: true });
});

test('on hosted labels gitleaks-gate, sign and sbom install gitleaks, cosign and trivy from the release mirror (checksum-verified) and work', async () => {
  const keyDir = path.join(base, 'keys');
  mkdirSync(keyDir);
  execFileSync('cosign', ['generate-key-pair'], {
    cwd: keyDir,
    env: { ...process.env, COSIGN_PASSWORD: PASSWORD },
    stdio: 'pipe'
  });
  const imageRepo = `hosted-runner-${process.pid}-${Date.now().toString(36)}/app`;
  const digest = pushTestImage(`${REGISTRY}/${imageRepo}:v1`, { payload: `hosted ${Date.now()}` });
  const image = `${REGISTRY}/${imageRepo}@${digest}`;

  const { result, out } = await run('tools.yml', {
    env: mirror.env,
    vars: { IMAGE: image },
    secrets: {
      COSIGN_KEY: readFileSync(path.join(keyDir, 'cosign.key'), 'utf8'),
      COSIGN_PASSWORD: PASSWORD
    }
  });
  expect(result.conclusion).toBe('success');
  expect(out).toContain('runner: ubuntu-24.04 — GitHub-hosted Ubuntu 24.04');
  expect(out).toContain('runner: ubuntu-latest — GitHub-hosted Ubuntu 24.04');

  // gitleaks: downloaded from the mirror into the job's own tool cache, on PATH for the next step, scan clean
  const scan = job(result, 'scan');
  const gitleaksVersion = mirror.pins.gitleaks!.version;
  const gitleaksAsset = `/gitleaks/gitleaks/releases/download/v${gitleaksVersion}/gitleaks_${gitleaksVersion}_linux_x64.tar.gz`;
  expect(stepOf(scan, 'gate').log).toContain(`Downloading ${mirror.url}${gitleaksAsset}`);
  expect(stepOf(scan, 'gate').outputs.result).toBe('clean');
  expect(stepOf(scan, 'which').outputs.gitleaks).toMatch(
    new RegExp(`/jobs/\\d+-scan/tool-cache/gitleaks/${gitleaksVersion}/x64/gitleaks$`)
  );

  // cosign: the bare release binary from the mirror; the signature verifies with the public key
  const signJob = job(result, 'sign');
  const cosignAsset = `/sigstore/cosign/releases/download/v${mirror.pins.cosign!.version}/cosign-linux-amd64`;
  expect(stepOf(signJob, 'sign').log).toContain(`Downloading ${mirror.url}${cosignAsset}`);
  const signatures = JSON.parse(stepOf(signJob, 'sign').outputs.signatures!) as Array<{ status: string }>;
  expect(signatures.map((s) => s.status)).toEqual(['signed']);
  const verify = spawnSync(
    'cosign',
    [
      'verify',
      '--key',
      path.join(keyDir, 'cosign.pub'),
      '--insecure-ignore-tlog=true',
      '--allow-insecure-registry',
      '--allow-http-registry',
      image
    ],
    { encoding: 'utf8' }
  );
  expect(verify.status).toBe(0);

  // trivy on ubuntu-22.04: the tar.gz from the mirror, then a real CycloneDX SBOM of the image
  const sbomJob = job(result, 'sbom');
  expect(out).toContain('runner: ubuntu-22.04 — GitHub-hosted Ubuntu 22.04');
  const trivyAsset = `/aquasecurity/trivy/releases/download/v${TRIVY_TEST_VERSION}/trivy_${TRIVY_TEST_VERSION}_Linux-64bit.tar.gz`;
  expect(stepOf(sbomJob, 'sbom').log).toContain(`Downloading ${mirror.url}${trivyAsset}`);
  const sboms = JSON.parse(stepOf(sbomJob, 'sbom').outputs.sboms!) as Array<{ digest: string; path: string }>;
  expect(sboms.map((s) => s.digest)).toEqual([digest]);
  expect(JSON.parse(readFileSync(sboms[0]!.path, 'utf8')).bomFormat).toBe('CycloneDX');

  // each job is a fresh runner: each tool was downloaded once, by the job that needed it (jobs run side by side,
  // so the order of the downloads is not fixed)
  const byPath = (a: { path: string }, b: { path: string }): number => a.path.localeCompare(b.path);
  expect([...mirror.requests].sort(byPath)).toEqual(
    [
      { path: gitleaksAsset, status: 200 },
      { path: cosignAsset, status: 200 },
      { path: trivyAsset, status: 200 }
    ].sort(byPath)
  );
});

test('on ubuntu-24.04 a run: step calling cosign fails (not on the image); self-hosted and --all-host-tools see it', async () => {
  const { result } = await run('bare.yml');
  expect(result.conclusion).toBe('failure');
  const hosted = job(result, 'hosted');
  const tools = stepOf(hosted, 'tools').outputs;
  expect(tools.docker).toMatch(/runner-images\/ubuntu-24\.04\/bin\/docker$/);
  expect(tools.git).toMatch(/runner-images\/ubuntu-24\.04\/bin\/git$/);
  expect(tools.cache).toMatch(/\/jobs\/\d+-hosted\/tool-cache$/);
  const cosign = stepOf(hosted, 'cosign');
  expect(cosign.outcome).toBe('failure');
  expect(cosign.error).toBe('exit code 127');
  expect(cosign.log).toMatch(/cosign: command not found/);
  expect(stepOf(job(result, 'self'), 'cosign').outcome).toBe('success');

  const debug = await run('bare.yml', { hostedRunners: false });
  expect(debug.result.conclusion).toBe('success');
  expect(stepOf(job(debug.result, 'hosted'), 'cosign').log).toMatch(/GitVersion/);
});
