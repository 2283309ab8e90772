/**
 * A real multi-arch image from our own build action, carried through every later step, each asserted against the
 * local registry: plan → tags → build (the docker driver builds linux/amd64 and linux/arm64 one by one, cross-built
 * from a multi-arch busybox base made here by scripts/base-image.sh, merged by `docker buildx imagetools create`)
 * → trivy-gate (every platform scanned; a vulnerability in the arm64 image alone fails the gate) → promote (index
 * and every child) → sign (the index and each platform) → sbom (one per platform) → cleanup (every child of a kept
 * index kept). A mistyped platform is refused before anything is pushed. Unique repository names per run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { parseImageRecord, type ImageRecord } from '../../actions/lib/image-record.js';
import { RegistryClient } from '../../actions/lib/registry.js';
import { pushEvent } from '../support/events.js';
import { TestRepo } from '../support/git-repo.js';
import { addRepo, ensureAccount, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { attachRegistryPackages, type RegistryPackages } from '../support/registry-packages.js';
import { failureMessage, REPO_ROOT, runAction, type ActionRun } from '../support/run-action.js';
import { trivyFixtures, type TrivyFixtures } from '../support/trivy-db.js';

const REGISTRY = '127.0.0.1:5000';
const ID = `${Date.now().toString(36)}${process.pid}`;
const OWNER = `multiarch-${ID}`;
const BASE = `${REGISTRY}/${OWNER}/busybox:1.35`;
const PASSWORD = 'multiarch-test';
const F = ['--allow-insecure-registry', '--allow-http-registry'];
const DAY = 86_400_000;
const registry = new RegistryClient(REGISTRY);
const repoInfo = { owner: OWNER, name: 'monorepo', defaultBranch: 'main' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-multiarch-it-'));
// a step here builds two platforms one after the other, or runs trivy/cosign once per platform, on a shared 2-core
// machine (measured alone: up to 120 s; the default 180 s left too little room)
jest.setTimeout(600_000);

let repo: TestRepo;
let fx: TrivyFixtures;
let fake: GitHubFake;
let backend: RegistryPackages;
let privateKey: string;
let runner: ImageRecord;
let firstRunner: ImageRecord;

function ok(run: ActionRun): ActionRun {
  if (run.exitCode !== 0)
    throw new Error(`action failed (${run.exitCode}): ${failureMessage(run)}\n${run.stdout}`);
  return run;
}

function context(before: string, after: string) {
  const ref = 'refs/heads/main';
  return {
    workspace: repo.dir,
    event: pushEvent({ repo: repoInfo, ref, before, after }),
    ref,
    sha: after,
    repository: `${OWNER}/monorepo`,
    env: { RUNNER_TEMP: mkdtempSync(path.join(dir, 'runner-temp-')) },
    timeoutMs: 300_000
  };
}

/** tags → build of one service, as the reusable build workflow runs them; returns the image record. */
async function build(service: string, before: string, after: string): Promise<ImageRecord> {
  const ctx = context(before, after);
  const tags = ok(await runAction('tags', { ...ctx, inputs: { service, registry: REGISTRY } }));
  const built = ok(
    await runAction('build', {
      ...ctx,
      inputs: {
        service,
        tags: tags.outputs.tags!,
        labels: tags.outputs.labels!,
        network: 'host',
        'build-args': `BASE=${BASE}`
      }
    })
  );
  return parseImageRecord(built.outputs['image-record']!);
}

async function blobJson<T>(repository: string, digest: string): Promise<T> {
  const res = await fetch(`http://${REGISTRY}/v2/${repository}/blobs/${digest}`);
  return (await res.json()) as T;
}

async function manifestExists(repository: string, reference: string): Promise<boolean> {
  return (await registry.resolve(repository, reference)) !== undefined;
}

function cosignVerify(ref: string, pub: string): number {
  return spawnSync('cosign', ['verify', '--key', pub, '--insecure-ignore-tlog=true', ...F, ref], {
    encoding: 'utf8'
  }).status!;
}

beforeAll(async () => {
  // the multi-arch base for this run (the install script put the arm64 busybox in place)
  try {
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts/base-image.sh')], {
      env: { ...process.env, SLIPWAY_BASE_IMAGE: BASE },
      stdio: 'pipe'
    });
  } catch (error) {
    // the script's own message says which step failed: show it, not just "Command failed"
    const e = error as { stderr?: Buffer; stdout?: Buffer; status?: number | null; signal?: string | null };
    throw new Error(
      `scripts/base-image.sh failed (exit ${e.status ?? e.signal}):\n${String(e.stderr ?? '')}${String(e.stdout ?? '')}`
    );
  }
  repo = TestRepo.fromExample();
  // a service whose arm64 image alone carries fixed CRITICAL/HIGH vulnerabilities (the trivy fixtures' fake
  // Debian images): cross-built by copying the target platform's root file system, nothing runs
  for (const name of ['vulnerable', 'unfixed'])
    cpSync(
      path.join(REPO_ROOT, 'test/fixtures/trivy-db/images', name, 'rootfs'),
      path.join(repo.dir, 'services/scanme', name),
      { recursive: true }
    );
  repo.write(
    'services/scanme/Dockerfile',
    [
      'FROM scratch AS linux-amd64',
      'COPY services/scanme/unfixed/ /',
      'FROM scratch AS linux-arm64',
      'COPY services/scanme/vulnerable/ /',
      'FROM ${TARGETOS}-${TARGETARCH} AS runtime',
      ''
    ].join('\n')
  );
  repo.write(
    '.slipway/services.yml',
    readFileSync(path.join(repo.dir, '.slipway/services.yml'), 'utf8') +
      [
        '  - name: scanme',
        '    context: .',
        '    dockerfile: services/scanme/Dockerfile',
        '    target: runtime',
        '    platforms: [linux/amd64, linux/arm64]',
        '    paths: [services/scanme/**]',
        ''
      ].join('\n')
  );
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'feat: scanme');
  repo.push();
  execFileSync('cosign', ['generate-key-pair'], {
    cwd: dir,
    env: { ...process.env, COSIGN_PASSWORD: PASSWORD },
    stdio: 'pipe'
  });
  privateKey = readFileSync(path.join(dir, 'cosign.key'), 'utf8');
  fx = await trivyFixtures();
  fake = await startGitHubFake({ token: 'ghs_multiarch' });
  ensureAccount(fake.state, OWNER, 'Organization');
  addRepo(fake.state, OWNER, 'monorepo');
  backend = attachRegistryPackages(fake.state);
}, 600_000);

afterAll(async () => {
  await fake?.close();
});

describe('a multi-arch image from the build action, through every step', () => {
  it('plan selects the service; build pushes one index of linux/amd64 + linux/arm64 and records every platform digest', async () => {
    const before = repo.head();
    const after = repo.change(['services/runner/src/CHANGES.txt'], 'feat: runner');
    repo.push();
    const plan = ok(await runAction('plan', context(before, after)));
    expect(JSON.parse(plan.outputs.services!)).toEqual(['runner']);

    runner = await build('runner', before, after);
    firstRunner = runner;
    const repository = `${OWNER}/runner`;
    expect(runner.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(runner.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    // the registry holds exactly that index, every tag on it, and each child is an image of its platform
    const index = await registry.getManifest(repository, runner.digest);
    expect(index.digest).toBe(runner.digest);
    expect(
      index.manifest.manifests!.map((m) => [`${m.platform!.os}/${m.platform!.architecture}`, m.digest])
    ).toEqual(runner.platforms.map((p) => [p.platform, p.digest]));
    for (const tag of runner.tags)
      expect(await registry.resolve(repository, tag.split(':').at(-1)!)).toBe(runner.digest);
    for (const p of runner.platforms) {
      const child = await registry.getManifest(repository, p.digest);
      const config = await blobJson<{ os: string; architecture: string; config: { User: string } }>(
        repository,
        child.manifest.config!.digest
      );
      expect(`${config.os}/${config.architecture}`).toBe(p.platform);
      expect(config.config.User).toBe('1001:1001');
      expect(p.compressedSize).toBeGreaterThan(100_000);
    }
  });

  it("a mistyped platform is refused before anything is pushed, naming 'platforms' and the valid values", async () => {
    const image = `${REGISTRY}/${OWNER}/typo`;
    const run = await runAction('build', {
      ...context(repo.head(), repo.head()),
      inputs: { service: 'cli', tags: `${image}:main`, platforms: 'linux/amd64,linux/amd65', network: 'host' }
    });
    expect(run.exitCode).not.toBe(0);
    expect(failureMessage(run)).toMatch(
      /Input 'platforms': 'linux\/amd65' is not a known platform.*linux\/arm64/
    );
    expect(run.outputs).toEqual({});
    expect(await registry.listTags(`${OWNER}/typo`)).toEqual([]);
  });

  it('trivy-gate scans every platform: the runner index is clean, an index vulnerable on arm64 only fails', async () => {
    const gate = (record: ImageRecord): Promise<ActionRun> =>
      runAction('trivy-gate', {
        inputs: {
          'image-record': JSON.stringify(record),
          'trivy-path': fx.trivyPath,
          'db-repository': fx.dbRepository,
          'cache-dir': fx.seededCacheDir()
        },
        env: { RUNNER_TEMP: mkdtempSync(path.join(dir, 'gate-')) },
        timeoutMs: 300_000
      });
    const clean = await gate(runner);
    expect(failureMessage(clean)).toBe('');
    expect(clean.outputs.result).toBe('clean');
    for (const p of runner.platforms)
      expect(clean.stdout).toContain(`trivy image ${runner.image}@${p.digest} (${p.platform})`);

    const scanme = await build('scanme', repo.head(), repo.head());
    expect(scanme.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    const run = await gate(scanme);
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs).toMatchObject({ result: 'vulnerable', critical: '1', high: '1', blocking: '2' });
    expect(failureMessage(run)).toMatch(/CVE-\S+ CRITICAL \S+ \(linux\/arm64\)/);
    expect(failureMessage(run)).not.toContain('(linux/amd64)');
    // each platform was scanned by its own digest; the combined report holds both
    const report = JSON.parse(readFileSync(run.outputs['json-path']!, 'utf8')) as {
      Results: Array<{ Target: string }>;
    };
    for (const p of scanme.platforms)
      expect(
        report.Results.some((r) => r.Target.includes(p.digest.slice(7, 19)) || r.Target.includes(p.digest))
      ).toBe(true);
  });

  it('promote writes the release tag to the index; the index and every child resolve through it', async () => {
    const release = `${runner.image}:1.0.0`;
    const run = ok(
      await runAction('promote', { inputs: { 'image-record': JSON.stringify(runner), tags: release } })
    );
    expect(JSON.parse(run.outputs['image-record']!)).toMatchObject({
      digest: runner.digest,
      tags: [release]
    });
    const repository = `${OWNER}/runner`;
    expect(await registry.resolve(repository, '1.0.0')).toBe(runner.digest);
    const index = await registry.getManifest(repository, '1.0.0');
    for (const m of index.manifest.manifests!) expect(await manifestExists(repository, m.digest)).toBe(true);
  });

  it('sign signs the index and, with sign-platforms, each platform; cosign verifies all three', async () => {
    const run = ok(
      await runAction('sign', {
        inputs: {
          'image-record': JSON.stringify(runner),
          'sign-platforms': 'true',
          'private-key': privateKey,
          'private-key-password': PASSWORD,
          'transparency-log': 'false'
        },
        timeoutMs: 180_000
      })
    );
    const signatures = JSON.parse(run.outputs.signatures!) as Array<{ digest: string; platform?: string }>;
    expect(signatures.map((s) => [s.digest, s.platform ?? 'index'])).toEqual([
      [runner.digest, 'index'],
      ...runner.platforms.map((p) => [p.digest, p.platform])
    ]);
    for (const d of [runner.digest, ...runner.platforms.map((p) => p.digest)])
      expect(cosignVerify(`${runner.image}@${d}`, path.join(dir, 'cosign.pub'))).toBe(0);
  });

  it('sbom makes one SBOM per platform and attests it on that platform digest', async () => {
    const run = ok(
      await runAction('sbom', {
        inputs: {
          'image-record': JSON.stringify(runner),
          'trivy-path': fx.trivyPath,
          'private-key': privateKey,
          'private-key-password': PASSWORD,
          'transparency-log': 'false',
          'output-dir': mkdtempSync(path.join(dir, 'sbom-'))
        },
        env: { GITHUB_API_URL: fake.url },
        timeoutMs: 300_000
      })
    );
    const sboms = JSON.parse(run.outputs.sboms!) as Array<{ digest: string; platform: string; path: string }>;
    expect(sboms.map((s) => [s.platform, s.digest])).toEqual(
      runner.platforms.map((p) => [p.platform, p.digest])
    );
    for (const s of sboms) {
      const doc = JSON.parse(readFileSync(s.path, 'utf8')) as { bomFormat: string };
      expect(doc.bomFormat).toBe('CycloneDX');
      expect(await manifestExists(`${OWNER}/runner`, `${s.digest.replace(':', '-')}.att`)).toBe(true);
    }
    expect(await manifestExists(`${OWNER}/runner`, `${runner.digest.replace(':', '-')}.att`)).toBe(false);
  });

  it('cleanup keeps every child of a kept index, also once the tag moved on and the old platforms are untagged', async () => {
    // a second build moves main (and the per-platform tags) to a new index; the first stays tagged 1.0.0
    const before = repo.head();
    const after = repo.change(['services/runner/src/CHANGES.txt'], 'fix: runner');
    repo.push();
    runner = await build('runner', before, after);
    expect(runner.digest).not.toBe(firstRunner.digest);
    const repository = `${OWNER}/runner`;
    for (const p of firstRunner.platforms) {
      expect(await registry.resolve(repository, `main-${p.platform.replace('/', '-')}`)).not.toBe(p.digest);
      backend.setCreatedAt(p.digest, new Date(Date.now() - 30 * DAY));
    }
    backend.setCreatedAt(firstRunner.digest, new Date(Date.now() - 30 * DAY));
    const run = ok(
      await runAction('cleanup', {
        repository: `${OWNER}/monorepo`,
        inputs: {
          packages: 'runner',
          owner: OWNER,
          registry: REGISTRY,
          'older-than': '1d',
          'delete-untagged': 'true',
          'github-token': 'ghs_multiarch'
        },
        env: { GITHUB_API_URL: fake.url }
      })
    );
    const plan = JSON.parse(run.outputs.plan!) as {
      packages: Array<{ keep: Array<{ digest: string; reason: string }>; delete: Array<{ digest: string }> }>;
    };
    const kept = new Map(plan.packages[0]!.keep.map((k) => [k.digest, k.reason]));
    for (const record of [firstRunner, runner]) {
      expect(kept.has(record.digest)).toBe(true);
      for (const p of record.platforms) expect(kept.has(p.digest)).toBe(true);
    }
    for (const p of firstRunner.platforms)
      expect(kept.get(p.digest)).toMatch(new RegExp(`platform ${p.platform}`));
    // both indexes still pull for both platforms
    for (const record of [firstRunner, runner])
      for (const p of record.platforms) expect(await manifestExists(repository, p.digest)).toBe(true);
  });
});
