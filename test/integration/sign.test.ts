/**
 * sign end to end: the bundled action with the real cosign against the local (plain HTTP) registry, key mode with a
 * key pair generated here, transparency-log false (Rekor is unreachable here). Keyless mode is unit-tested only
 * (test/unit/sign): its services run on GitHub only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IMAGE_RECORD_SCHEMA } from '../../actions/lib/image-record.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';
import { pushIndex, pushTestImage } from '../support/images.js';

const PASSWORD = 'correct horse battery staple';
const REGISTRY = '127.0.0.1:5000';
const F = ['--allow-insecure-registry', '--allow-http-registry'];
let dir: string;
let repo: string;
let privateKey: string;
let pubFile: string;
let firstDigest: string;

function record(digest: string, service = 'app'): string {
  return JSON.stringify({
    schema: IMAGE_RECORD_SCHEMA,
    service,
    image: `${REGISTRY}/${repo}`,
    digest,
    ref: `${REGISTRY}/${repo}@${digest}`,
    tags: [`${REGISTRY}/${repo}:v1`],
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    platforms: [{ platform: 'linux/amd64', digest, compressedSize: 1 }],
    compressedSize: 1,
    createdAt: new Date().toISOString()
  });
}

function cosignVerify(ref: string): { status: number; stderr: string } {
  const r = spawnSync('cosign', ['verify', '--key', pubFile, '--insecure-ignore-tlog=true', ...F, ref], {
    encoding: 'utf8'
  });
  return { status: r.status ?? -1, stderr: r.stderr };
}

/** Layers of the signature manifest image:sha256-<hex>.sig (one per signature), or undefined when there is none. */
async function signatureCount(digest: string): Promise<number | undefined> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${digest.replace(':', '-')}.sig`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' }
  });
  if (res.status === 404) return undefined;
  const manifest = (await res.json()) as { layers: unknown[] };
  return manifest.layers.length;
}

function sign(inputs: Record<string, string>, runnerTemp?: string): Promise<ActionRun> {
  return runAction('sign', {
    inputs: {
      'private-key': privateKey,
      'private-key-password': PASSWORD,
      'transparency-log': 'false',
      ...inputs
    },
    env: runnerTemp ? { RUNNER_TEMP: runnerTemp } : {},
    timeoutMs: 120_000
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-sign-it-'));
  repo = `sign-test-${process.pid}-${Date.now().toString(36)}/app`;
  execFileSync('cosign', ['generate-key-pair'], {
    cwd: dir,
    env: { ...process.env, COSIGN_PASSWORD: PASSWORD },
    stdio: 'pipe'
  });
  privateKey = readFileSync(path.join(dir, 'cosign.key'), 'utf8');
  pubFile = path.join(dir, 'cosign.pub');
  firstDigest = pushTestImage(`${REGISTRY}/${repo}:v1`, { payload: `first ${Date.now()}` });
}, 120_000);

describe('sign (key mode, real cosign, local registry)', () => {
  it('signs the digest of the image record, verifies it, masks the secrets and removes the key file; a re-run does not sign again', async () => {
    const runnerTemp = mkdtempSync(path.join(dir, 'runner-temp-'));
    const run = await sign({ 'image-record': record(firstDigest) }, runnerTemp);
    expect(failureMessage(run)).toBe('');
    expect(run.exitCode).toBe(0);
    const ref = `${REGISTRY}/${repo}@${firstDigest}`;
    const signatures = JSON.parse(run.outputs.signatures!) as Array<Record<string, string>>;
    expect(signatures).toEqual([
      {
        ref,
        digest: firstDigest,
        platform: 'linux/amd64',
        signature: `${REGISTRY}/${repo}:${firstDigest.replace(':', '-')}.sig`,
        status: 'signed'
      }
    ]);
    expect(cosignVerify(ref).status).toBe(0);
    expect(await signatureCount(firstDigest)).toBe(1);
    // the copyable command works once cosign.pub is the public key
    expect(run.outputs['verify-command']).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true ${F.join(' ')} ${ref}`
    );
    expect(run.outputs['public-key']!.trim()).toBe(readFileSync(pubFile, 'utf8').trim());
    const cmd = spawnSync('sh', ['-c', run.outputs['verify-command']!], { cwd: dir, encoding: 'utf8' });
    expect(cmd.status).toBe(0);
    // secrets masked, never printed; the key file is gone
    expect(run.masks).toContain(PASSWORD);
    expect(run.masks).toContain(privateKey.trim());
    expect(
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n')
    ).not.toContain(PASSWORD);
    expect(readdirSync(runnerTemp).filter((f) => f.startsWith('slipway-cosign-'))).toEqual([]);
    expect(run.summary).toContain('signed, verified');
    expect(run.summary).toContain('not** recorded in a transparency log');

    // re-run: the existing valid signature is kept, not piled up
    const again = await sign({ images: ref });
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.outputs.signatures!)[0].status).toBe('already-signed');
    expect(again.summary).toContain('already signed by this signer: not signed again');
    expect(await signatureCount(firstDigest)).toBe(1);
    expect(cosignVerify(ref).status).toBe(0);
  });

  it('a different image pushed to the same tag does not verify; the tag is refused; wrong password, missing key and an unreachable registry fail without signing', async () => {
    const secondDigest = pushTestImage(`${REGISTRY}/${repo}:v1`, { payload: `second ${Date.now()}` });
    expect(secondDigest).not.toBe(firstDigest);
    const second = `${REGISTRY}/${repo}@${secondDigest}`;
    const v = cosignVerify(second);
    expect(v.status).not.toBe(0);
    expect(v.stderr).toMatch(/no signatures found/);

    const byTag = await sign({ images: `${REGISTRY}/${repo}:v1` });
    expect(byTag.exitCode).not.toBe(0);
    expect(failureMessage(byTag)).toMatch(/is a tag, not a digest/);
    expect(failureMessage(byTag)).toContain('sigstore/cosign#2313');
    expect(failureMessage(byTag)).toContain("Pass the 'image-record' output of the build action");
    expect(byTag.outputs.signatures).toBeUndefined();

    // keyless needs GitHub's OIDC token: off GitHub (no id-token: write) it fails before cosign runs
    const keyless = await sign({
      images: second,
      mode: 'keyless',
      'private-key': '',
      'transparency-log': 'true'
    });
    expect(keyless.exitCode).not.toBe(0);
    expect(failureMessage(keyless)).toMatch(/Keyless signing needs a GitHub OIDC token.*id-token: write/);

    const wrongPassword = await sign({ images: second, 'private-key-password': 'not the password' });
    expect(wrongPassword.exitCode).not.toBe(0);
    expect(failureMessage(wrongPassword)).toMatch(/decrypt/);
    expect(failureMessage(wrongPassword)).toContain("input 'private-key-password'");
    expect(wrongPassword.outputs.signatures).toBeUndefined();
    expect(wrongPassword.masks).toContain('not the password');

    const missingKey = await sign({ images: second, 'private-key': '' });
    expect(missingKey.exitCode).not.toBe(0);
    expect(failureMessage(missingKey)).toMatch(/Input 'private-key' is empty but mode is key/);

    const otherDir = mkdtempSync(path.join(dir, 'other-key-'));
    execFileSync('cosign', ['generate-key-pair'], {
      cwd: otherDir,
      env: { ...process.env, COSIGN_PASSWORD: 'x' },
      stdio: 'pipe'
    });
    const wrongPub = await sign({
      images: second,
      'public-key': readFileSync(path.join(otherDir, 'cosign.pub'), 'utf8')
    });
    expect(wrongPub.exitCode).not.toBe(0);
    expect(failureMessage(wrongPub)).toMatch(/Input 'public-key' does not belong to input 'private-key'/);

    const closed = await sign({ images: `127.0.0.1:1/${repo}@${secondDigest}` });
    expect(closed.exitCode).not.toBe(0);
    // the digest is checked in the registry before cosign runs: an unreachable registry is named as such
    expect(failureMessage(closed)).toMatch(
      /Could not check that 127\.0\.0\.1:1\/.* exists: registry 127\.0\.0\.1:1 is unreachable/
    );
    expect(failureMessage(closed)).toContain('Nothing was signed');
    expect(closed.outputs.signatures).toBeUndefined();

    // nothing was signed for the second digest by any of these runs
    expect(await signatureCount(secondDigest)).toBeUndefined();
    expect(existsSync(path.join(dir, 'cosign.key'))).toBe(true);
  });
  it('an index: signs the index, and with sign-platforms each platform manifest (from a record, or found in the registry)', async () => {
    const amd = pushTestImage(`${REGISTRY}/${repo}:amd64`, { payload: `amd64 ${Date.now()}` });
    const arm = pushTestImage(`${REGISTRY}/${repo}:arm64`, { payload: `arm64 ${Date.now()}` });
    const index = await pushIndex(REGISTRY, repo, 'multi', [amd, arm]);
    const indexRecord = JSON.stringify({
      ...JSON.parse(record(index)),
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: [
        { platform: 'linux/amd64', digest: amd, compressedSize: 1 },
        { platform: 'linux/arm64', digest: arm, compressedSize: 1 }
      ]
    });
    const indexOnly = await sign({ 'image-record': indexRecord });
    expect(failureMessage(indexOnly)).toBe('');
    expect(
      (JSON.parse(indexOnly.outputs.signatures!) as Array<{ digest: string }>).map((s) => s.digest)
    ).toEqual([index]);
    expect(cosignVerify(`${REGISTRY}/${repo}@${amd}`).status).not.toBe(0);

    const all = await sign({ 'image-record': indexRecord, 'sign-platforms': 'true' });
    expect(failureMessage(all)).toBe('');
    expect(
      (
        JSON.parse(all.outputs.signatures!) as Array<{ digest: string; platform?: string; status: string }>
      ).map((s) => [s.digest, s.platform ?? '', s.status])
    ).toEqual([
      [index, '', 'already-signed'],
      [amd, 'linux/amd64', 'signed'],
      [arm, 'linux/arm64', 'signed']
    ]);
    for (const d of [index, amd, arm]) {
      expect(cosignVerify(`${REGISTRY}/${repo}@${d}`).status).toBe(0);
      expect(await signatureCount(d)).toBe(1);
    }
    // by reference: the registry says it is an index; everything is already signed
    const byRef = await sign({ images: `${REGISTRY}/${repo}@${index}`, 'sign-platforms': 'true' });
    expect(failureMessage(byRef)).toBe('');
    expect(
      (JSON.parse(byRef.outputs.signatures!) as Array<{ status: string; platform?: string }>).map((s) => [
        s.platform ?? '',
        s.status
      ])
    ).toEqual([
      ['', 'already-signed'],
      ['linux/amd64', 'already-signed'],
      ['linux/arm64', 'already-signed']
    ]);
  });
});
