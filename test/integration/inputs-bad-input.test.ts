/**
 * One bad input at a time, fed to the BUNDLED actions: each case asserts a non-zero exit, an `::error::` that names
 * the input (and the bad value or file) and says what to do, no stack trace, and that nothing changed — no write to
 * the API fake, no signature/attestation in the registry, the workspace as it was, no outputs but `result: error`.
 * Fixtures are built once: one image in the local registry, one API fake, one git checkout, one key pair.
 * Also: sign refuses a digest its repository lacks (no `.sig` pushed, even for the digest that exists), sbom checks
 * `release-tag` before anything is pushed, gitleaks names an invalid config/baseline, trivy-gate a file as cache-dir.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectCleanFailure } from '../support/bad-input.js';
import { addRepo, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import { pushTestImage } from '../support/images.js';
import { REPO_ROOT, runAction, type RunActionOptions } from '../support/run-action.js';
import { TRIVY_PATH } from '../support/trivy-db.js';

const TOKEN = 'ghs_inputs_bad_input';
const repo = `127.0.0.1:5000/inputs-bad-input-${process.pid}-${Date.now()}/api`;
const MISSING = `sha256:${'d'.repeat(64)}`;
let digest: string;
let fake: GitHubFake;
let work: string;
let checkout: string;
let example: string;
let privateKey: string;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }).trim();
}

/** Whether the registry holds `repo:tag` (a signature or attestation tag, say). */
async function hasTag(tag: string): Promise<boolean> {
  const [host, ...rest] = repo.split('/');
  const res = await fetch(`http://${host}/v2/${rest.join('/')}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' }
  });
  return res.status === 200;
}

/** Files under `dir` (names relative to it; git's own folder aside), to compare before and after a run. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('.git'))
    .sort();
}

beforeAll(async () => {
  digest = pushTestImage(`${repo}:1`, { version: `inputs ${process.pid}` });
  fake = await startGitHubFake({ token: TOKEN });
  addRepo(fake.state, 'acme', 'monorepo');
  work = mkdtempSync(path.join(os.tmpdir(), 'slipway-inputs-bad-'));
  execFileSync('cosign', ['generate-key-pair', '--output-key-prefix', path.join(work, 'cosign')], {
    env: { ...process.env, COSIGN_PASSWORD: 'inputs' },
    stdio: 'pipe'
  });
  privateKey = readFileSync(path.join(work, 'cosign.key'), 'utf8');
  checkout = path.join(work, 'checkout');
  mkdirSync(checkout);
  git(checkout, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(checkout, 'README.md'), '# svc\n');
  writeFileSync(path.join(checkout, 'bad.toml'), '[extend\nuseDefault = tru\n');
  writeFileSync(path.join(checkout, 'not-json.json'), 'not json\n');
  writeFileSync(path.join(checkout, 'object.json'), '{"RuleID": "x"}\n');
  writeFileSync(path.join(checkout, 'a-file'), 'not a directory\n');
  git(checkout, 'add', '-A');
  git(checkout, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'init');
  // the example monorepo as a checkout (plan, release), with its manifest
  example = path.join(work, 'example');
  cpSync(path.join(REPO_ROOT, 'examples', 'monorepo'), example, { recursive: true });
  git(example, 'init', '-q', '-b', 'main');
  git(example, 'add', '-A');
  git(example, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'feat: init');
}, 120_000);

afterAll(async () => fake.close());

const sig = (d: string) => `${d.replace(':', '-')}.sig`;
const att = (d: string) => `${d.replace(':', '-')}.att`;
const signing = () => ({
  'private-key': privateKey,
  'private-key-password': 'inputs',
  'transparency-log': 'false'
});
const record = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: 'slipway.image-record/v1',
    service: 'api',
    image: repo,
    digest,
    tags: [],
    platforms: [],
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    compressedSize: 1,
    createdAt: '2026-01-01T00:00:00Z',
    ...extra
  });

/** [action, inputs (after beforeAll), texts the ::error:: must contain, extra run options] */
type Case = [string, () => Record<string, string>, () => string[], Partial<RunActionOptions>?];

const cases: Record<string, Case[]> = {
  sign: [
    [
      'sign',
      () => ({ images: `${repo}@${MISSING}`, ...signing() }),
      () => [`Input 'images': digest ${MISSING} does not exist in repository ${repo}`, 'Nothing was signed']
    ],
    [
      'sign',
      () => ({ images: `${repo}@${digest}\n${repo}@${MISSING}`, ...signing() }),
      () => [`digest ${MISSING} does not exist`, 'Nothing was signed']
    ],
    [
      'sign',
      () => ({ 'image-record': record({ digest: MISSING }), ...signing() }),
      () => [`Input 'image-record': digest ${MISSING} does not exist in repository ${repo}`]
    ],
    [
      'sign',
      () => ({ images: `${repo}:1`, ...signing() }),
      () => ["Input 'images'", 'is a tag, not a digest']
    ],
    [
      'sign',
      () => ({ images: `${repo}@${digest}`, ...signing(), mode: 'magic' }),
      () => ["Input 'mode'", 'magic']
    ],
    [
      'sign',
      () => ({ images: `${repo}@${digest}`, ...signing(), 'transparency-log': 'nope' }),
      () => ["Input 'transparency-log' must be true or false, got 'nope'"]
    ],
    [
      'sign',
      () => ({ images: `${repo}@${digest}`, ...signing(), 'sign-platforms': 'maybe' }),
      () => ["Input 'sign-platforms' must be true or false"]
    ],
    [
      'sign',
      () => ({ images: `${repo}@${digest}`, ...signing(), 'private-key': path.join(work, 'cosign.key') }),
      () => ["Input 'private-key' is not a PEM private key", 'not its path']
    ],
    ['sign', () => ({ 'image-record': '{"schema": 1', ...signing() }), () => ["Input 'image-record'"]],
    [
      'sign',
      () => ({ 'image-record': record({ platforms: [null] }), ...signing() }),
      () => ['platforms[0] must be an object']
    ]
  ],
  sbom: [
    [
      'sbom',
      () => ({ images: `${repo}@${digest}`, 'release-tag': 'v9.9.9', 'github-token': TOKEN, ...signing() }),
      () => ["Input 'release-tag'", "no published release for tag 'v9.9.9'", 'release-create: true']
    ],
    [
      'sbom',
      () => ({ images: `${repo}@${digest}`, 'release-tag': 'v1..2', 'github-token': TOKEN, ...signing() }),
      () => ["Input 'release-tag': 'v1..2' is not a valid git tag name"]
    ],
    [
      'sbom',
      () => ({ images: `${repo}@${digest}`, 'release-tag': 'v1 2', 'github-token': TOKEN, ...signing() }),
      () => ["Input 'release-tag': 'v1 2' is not a valid git tag name"]
    ],
    [
      'sbom',
      () => ({ images: `${repo}@${digest}`, 'release-tag': '-v1', 'github-token': TOKEN, ...signing() }),
      () => ["Input 'release-tag': '-v1' is not a valid git tag name"]
    ],
    [
      'sbom',
      () => ({ images: `${repo}@${MISSING}`, ...signing() }),
      () => [`digest ${MISSING} does not exist in repository ${repo}`, 'no SBOM was written']
    ],
    [
      'sbom',
      () => ({ images: `${repo}@${digest}`, format: 'xml', ...signing() }),
      () => ["Input 'format'", 'xml']
    ],
    [
      'sbom',
      () => ({ images: `${repo}@${digest}`, generator: 'grype', ...signing() }),
      () => ["Input 'generator'", 'grype']
    ],
    [
      'sbom',
      () => ({ images: `${repo}@${digest}`, attest: 'sometimes', ...signing() }),
      () => ["Input 'attest' must be true or false"]
    ],
    [
      'sbom',
      () => ({ images: `${repo}@${digest}`, 'output-dir': path.join(checkout, 'a-file'), ...signing() }),
      () => ["Input 'output-dir'", 'exists and is not a directory']
    ],
    [
      'sbom',
      () => ({ 'release-files': 'nowhere', 'release-tag': 'v1.0.0', 'github-token': TOKEN }),
      () => ["Input 'release-files': 'nowhere' does not exist"]
    ],
    [
      'sbom',
      () => ({ 'release-files': 'README.md', 'release-tag': 'v1..0', 'github-token': TOKEN }),
      () => ["Input 'release-tag': 'v1..0' is not a valid git tag name"]
    ]
  ],
  'gitleaks-gate': [
    [
      'gitleaks-gate',
      () => ({ config: 'bad.toml', 'scan-mode': 'full' }),
      () => ['The gitleaks config', 'bad.toml', 'is not valid', 'Fix the TOML'],
      { workspace: '<checkout>' }
    ],
    [
      'gitleaks-gate',
      () => ({ baseline: 'not-json.json', 'scan-mode': 'full' }),
      () => ["Input 'baseline'", 'not-json.json is not JSON', "the gate's 'report-path' output"],
      { workspace: '<checkout>' }
    ],
    [
      'gitleaks-gate',
      () => ({ baseline: 'object.json', 'scan-mode': 'full' }),
      () => ["Input 'baseline'", 'object.json is not a gitleaks report'],
      { workspace: '<checkout>' }
    ],
    [
      'gitleaks-gate',
      () => ({ baseline: 'missing.json', 'scan-mode': 'full' }),
      () => ["Input 'baseline'", 'missing.json does not exist'],
      { workspace: '<checkout>' }
    ],
    [
      'gitleaks-gate',
      () => ({ config: 'missing.toml', 'scan-mode': 'full' }),
      () => ["Input 'config'", 'missing.toml does not exist'],
      { workspace: '<checkout>' }
    ],
    [
      'gitleaks-gate',
      () => ({ 'scan-mode': 'partial' }),
      () => ["Input 'scan-mode' must be one of auto, full, diff, got 'partial'"],
      { workspace: '<checkout>' }
    ],
    [
      'gitleaks-gate',
      () => ({ 'scan-mode': 'full', 'fail-on-leak': 'si' }),
      () => ["Input 'fail-on-leak' must be true or false, got 'si'"],
      { workspace: '<checkout>' }
    ]
  ],
  'trivy-gate': [
    [
      'trivy-gate',
      () => ({
        image: `${repo}@${digest}`,
        'trivy-path': TRIVY_PATH,
        'cache-dir': path.join(checkout, 'a-file')
      }),
      () => ["Input 'cache-dir'", 'a-file exists and is not a directory', 'Nothing was downloaded or scanned']
    ],
    [
      'trivy-gate',
      () => ({
        image: `${repo}@${digest}`,
        'trivy-path': TRIVY_PATH,
        'cache-dir': checkout.replace(/$/, '')
      }),
      () => ["Input 'cache-dir'", 'db exists and is not a directory'],
      { workspace: '<cachedir-with-db-file>' }
    ],
    [
      'trivy-gate',
      () => ({ image: `${repo}:1`, 'trivy-path': TRIVY_PATH }),
      () => ["Input 'image'", 'has no digest']
    ],
    [
      'trivy-gate',
      () => ({ image: `${repo}@${digest}`, 'trivy-path': TRIVY_PATH, severity: 'SEVERE' }),
      () => ["Input 'severity': unknown severity 'SEVERE'"]
    ],
    [
      'trivy-gate',
      () => ({ image: `${repo}@${digest}`, 'trivy-path': TRIVY_PATH, 'db-repository': 'https://ghcr.io/x' }),
      () => ["Input 'db-repository'", 'without scheme, tag or digest']
    ],
    [
      'trivy-gate',
      () => ({ image: `${repo}@${digest}`, 'trivy-path': TRIVY_PATH, 'ignore-unfixed': 'perhaps' }),
      () => ["Input 'ignore-unfixed' must be true or false"]
    ],
    [
      'trivy-gate',
      () => ({ image: `${repo}@${digest}`, 'trivy-path': TRIVY_PATH, 'scan-type': 'vm' }),
      () => ["Input 'scan-type'", 'vm']
    ]
  ],
  'health-check': [
    [
      'health-check',
      () => ({ urls: 'not a url' }),
      () => ["Input 'urls': 'not a url' is not an http(s) URL"]
    ],
    ['health-check', () => ({ urls: 'ftp://host/health' }), () => ["Input 'urls'", 'ftp://host/health']],
    [
      'health-check',
      () => ({ urls: 'http://127.0.0.1:9/health', timeout: '0s' }),
      () => ["Input 'timeout': '0s' must be at least", 'e.g. 30s, 5m']
    ],
    [
      'health-check',
      () => ({ urls: 'http://127.0.0.1:9/health', 'interval-ms': 'fast' }),
      () => ["Input 'interval-ms' must be a whole number"]
    ],
    [
      'health-check',
      () => ({ urls: 'http://127.0.0.1:9/health', degraded: 'maybe' }),
      () => ["Input 'degraded' must be one of", 'maybe']
    ],
    [
      'health-check',
      () => ({ urls: 'http://127.0.0.1:9/health', retries: '-2' }),
      () => ["Input 'retries' must be a whole number"]
    ],
    [
      'health-check',
      () => ({ urls: 'http://127.0.0.1:9/health', 'fail-on-unhealthy': 'y' }),
      () => ["Input 'fail-on-unhealthy' must be true or false"]
    ]
  ],
  promote: [
    [
      'promote',
      () => ({ 'image-record': record(), tags: `${repo}` }),
      () => ["Input 'tags'", 'is not a tag reference']
    ],
    [
      'promote',
      () => ({ 'image-record': record(), tags: `${repo}-other:latest` }),
      () => ["Input 'tags'", 'is not in', 'the repository of the image record']
    ],
    [
      'promote',
      () => ({ 'image-record': record({ digest: MISSING }), tags: `${repo}:latest` }),
      () => [MISSING, 'manifest unknown', 'check the repository name']
    ],
    [
      'promote',
      () => ({ 'image-record': 'nope', tags: `${repo}:latest` }),
      () => ["Input 'image-record' is not JSON"]
    ]
  ],
  release: [
    [
      'release',
      () => ({ 'github-token': TOKEN, 'tag-format': 'v${version}${process.exit(1)}' }),
      () => ["Input 'tag-format' may only use the placeholder"],
      { workspace: '<example>' }
    ],
    [
      'release',
      () => ({ 'github-token': TOKEN, 'tag-format': 'release' }),
      () => ["Input 'tag-format' must contain ${version} exactly once"],
      { workspace: '<example>' }
    ],
    [
      'release',
      () => ({ 'github-token': TOKEN, 'tag-format': '${service}-v${version}' }),
      () => ["Input 'tag-format': ${service} only exists with mode per-service"],
      { workspace: '<example>' }
    ],
    [
      'release',
      () => ({ 'github-token': TOKEN, branches: '["main"' }),
      () => ["Input 'branches' starts with '[' but is not valid JSON"],
      { workspace: '<example>' }
    ],
    [
      'release',
      () => ({ 'github-token': TOKEN, branches: '[1]' }),
      () => ["Input 'branches': the JSON array must hold branch names"],
      { workspace: '<example>' }
    ],
    [
      'release',
      () => ({ 'github-token': TOKEN, 'dry-run': 'perhaps' }),
      () => ["Input 'dry-run' must be true or false"],
      { workspace: '<example>' }
    ]
  ],
  plan: [
    [
      'plan',
      () => ({ services: 'nosuch' }),
      () => ["Input 'services': unknown service(s) nosuch"],
      { workspace: '<example>' }
    ],
    ['plan', () => ({ manifest: 'missing.yml' }), () => ['missing.yml'], { workspace: '<example>' }],
    [
      'plan',
      () => ({ 'default-branch': 'main..x' }),
      () => ["input 'default-branch' is not a valid branch name"],
      { workspace: '<example>' }
    ]
  ],
  tags: [
    [
      'tags',
      () => ({ context: 'git', images: 'ghcr.io/acme/api' }),
      () => ["Input 'context': 'git' is not supported"]
    ],
    [
      'tags',
      () => ({ images: 'ghcr.io/acme/api', service: 'api' }),
      () => ["Inputs 'images' and 'service' are exclusive"]
    ],
    [
      'tags',
      () => ({ images: 'ghcr.io/acme/api', tags: 'type=raw,value=x', version: '1.0.0' }),
      () => ["Inputs 'tags' and 'version' are exclusive"]
    ],
    [
      'tags',
      () => ({ images: 'ghcr.io/acme/api', labels: 'no-equals-sign' }),
      () => ["Input 'labels', line 1: 'no-equals-sign' is not KEY=VALUE"]
    ],
    [
      'tags',
      () => ({ images: 'ghcr.io/acme/api', annotations: 'broken' }),
      () => ["Input 'annotations', line 1: 'broken' is not KEY=VALUE"]
    ]
  ]
};

const table = Object.values(cases)
  .flat()
  .map((c, i) => [`${c[0]} #${i + 1}`, ...c] as const);

describe('one bad input per run: our error, nothing changed', () => {
  it.concurrent.each(table)(
    '%s',
    async (_name, action, inputs, expected, extra) => {
      let workspace = work;
      if (extra?.workspace === '<checkout>') workspace = checkout;
      if (extra?.workspace === '<example>') workspace = example;
      if (extra?.workspace === '<cachedir-with-db-file>') {
        workspace = mkdtempSync(path.join(work, 'cachedir-'));
        writeFileSync(path.join(workspace, 'db'), 'a file where trivy keeps its db folder\n');
      }
      const given = inputs();
      if (extra?.workspace === '<cachedir-with-db-file>') given['cache-dir'] = workspace;
      const before = { files: listing(checkout), requests: fake.requests.length };
      const run = await runAction(action, {
        workspace,
        repository: 'acme/monorepo',
        inputs: given,
        env: { GITHUB_API_URL: fake.url },
        timeoutMs: 120_000
      });
      const message = expectCleanFailure(run);
      for (const text of expected()) expect(message).toContain(text);
      // nothing changed: outputs (a gate says result=error only), the checkout, the API fake, the registry
      expect(Object.keys(run.outputs).filter((k) => k !== 'result')).toEqual([]);
      expect(listing(checkout)).toEqual(before.files);
      expect(fake.requests.slice(before.requests).filter((r) => r.method !== 'GET')).toEqual([]);
      expect(await hasTag(sig(digest))).toBe(false);
      expect(await hasTag(att(digest))).toBe(false);
      expect(await hasTag(sig(MISSING))).toBe(false);
      expect(await hasTag('latest')).toBe(false);
    },
    150_000
  );
});
