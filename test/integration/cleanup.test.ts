/**
 * The bundled cleanup action against the REAL local registry: images built with docker buildx, a multi-arch index
 * made with `docker buildx imagetools create`, cosign signatures and attestations (key pair, no tlog), a moved tag
 * leaving an untagged index with its platforms, an orphaned signature, and deployments recorded in the GitHub fake,
 * whose packages endpoints are served from the registry's storage.
 *
 * Dry run → nothing deleted; a real run with an injected failure → partial deletion, non-zero exit, the same plan;
 * a re-run → converges. Then every kept tag resolves with every manifest it references (oras), and cosign verify
 * of every kept signed image passes. Bad inputs and a read-only token fail clearly and delete nothing.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addRepo, ensureAccount, startGitHubFake, type GitHubFake } from '../support/github-fake/index.js';
import {
  REGISTRY,
  attachRegistryPackages,
  recordDeployment,
  storedManifests,
  type RegistryPackages
} from '../support/registry-packages.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';

const ID = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const OWNER = `cleanup-it-${ID}`;
const REPO = `${OWNER}/app`;
const IMAGE = `${REGISTRY}/${REPO}`;
const SCRATCH = `${REGISTRY}/${OWNER}/scratch`;
const DAY = 86_400_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-cleanup-it-'));
const cosignEnv = { ...process.env, COSIGN_PASSWORD: '' };

let fake: GitHubFake;
let backend: RegistryPackages;
const digests: Record<string, string> = {};

function sh(cmd: string, args: string[], env = process.env): string {
  return execFileSync(cmd, args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** docker buildx build of a FROM-scratch image with unique content for one platform; returns the digest. */
function buildImage(ref: string, content: string, platform = 'linux/amd64'): string {
  const ctx = mkdtempSync(path.join(dir, 'ctx-'));
  writeFileSync(path.join(ctx, 'content.txt'), content);
  writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY content.txt /content.txt\n');
  const meta = path.join(ctx, 'meta.json');
  sh('docker', [
    'buildx',
    'build',
    '-q',
    '--network',
    'host',
    '--platform',
    platform,
    '--push',
    '-t',
    ref,
    '--metadata-file',
    meta,
    ctx
  ]);
  return (JSON.parse(readFileSync(meta, 'utf8')) as Record<string, string>)['containerimage.digest']!;
}

/** A two-platform index in the app repository, from platform images pushed to a scratch repository. */
function buildIndex(tag: string, seed: string): string {
  const amd = buildImage(`${SCRATCH}:${seed}-amd64`, `${seed} amd64`, 'linux/amd64');
  const arm = buildImage(`${SCRATCH}:${seed}-arm64`, `${seed} arm64`, 'linux/arm64');
  sh('docker', [
    'buildx',
    'imagetools',
    'create',
    '-t',
    `${IMAGE}:${tag}`,
    `${SCRATCH}@${amd}`,
    `${SCRATCH}@${arm}`
  ]);
  digests[`${seed}-amd64`] = amd;
  digests[`${seed}-arm64`] = arm;
  return JSON.parse(sh('oras', ['manifest', 'fetch', '--plain-http', '--descriptor', `${IMAGE}:${tag}`]))
    .digest as string;
}

const sign = (digest: string): string =>
  sh(
    'cosign',
    ['sign', '--yes', '--key', 'cosign.key', '--tlog-upload=false', `${IMAGE}@${digest}`],
    cosignEnv
  );
const attest = (digest: string): string =>
  sh(
    'cosign',
    [
      'attest',
      '--yes',
      '--key',
      'cosign.key',
      '--tlog-upload=false',
      '--type',
      'custom',
      '--predicate',
      'predicate.json',
      `${IMAGE}@${digest}`
    ],
    cosignEnv
  );
const verify = (digest: string): string =>
  sh(
    'cosign',
    ['verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true', `${IMAGE}@${digest}`],
    cosignEnv
  );
const fetchManifest = (ref: string): boolean => {
  try {
    sh('oras', ['manifest', 'fetch', '--plain-http', ref]);
    return true;
  } catch {
    return false;
  }
};

const old = (digest: string, days = 10): void =>
  backend.setCreatedAt(digest, new Date(Date.now() - days * DAY));

beforeAll(async () => {
  fake = await startGitHubFake({ token: 'ghs_cleanup' });
  ensureAccount(fake.state, OWNER, 'Organization');
  addRepo(fake.state, OWNER, 'shop');
  backend = attachRegistryPackages(fake.state);
  sh('cosign', ['generate-key-pair'], cosignEnv);
  writeFileSync(path.join(dir, 'predicate.json'), JSON.stringify({ builder: 'slipway-test' }));

  // an old multi-arch `main`, then a new one: the tag moves, the old index and its platforms are leftovers
  digests.oldMain = buildIndex('main', 'old-main');
  for (const d of [digests.oldMain, digests['old-main-amd64']!, digests['old-main-arm64']!]) old(d);
  digests.main = buildIndex('main', 'main');
  sign(digests.main);
  attest(digests.main);
  // a release: multi-arch and signed, old but protected
  digests.release = buildIndex('v1.0.0', 'release');
  sign(digests.release);
  for (const d of [digests.release, digests['release-amd64']!, digests['release-arm64']!]) old(d, 30);
  // pull-request and sha images, old
  for (const t of ['pr-7', 'pr-3', 'pr-2', 'sha-abc']) {
    digests[t] = buildImage(`${IMAGE}:${t}`, t);
    old(digests[t]!);
  }
  sign(digests['pr-7']!);
  // an orphaned signature: its image is gone
  digests.gone = buildImage(`${IMAGE}:gone`, 'gone');
  sign(digests.gone);
  await fetch(`http://${REGISTRY}/v2/${REPO}/manifests/${digests.gone}`, { method: 'DELETE' });
  for (const m of storedManifests(REPO)!)
    if (
      m.tags.some((t) => t.endsWith('.sig') || t.endsWith('.att')) &&
      m.tags.every((t) => !t.includes(digests.main!.slice(7)))
    )
      old(m.digest);

  // deployments: production ran pr-2, then pr-3, then sha-abc (active); rollback window 1 keeps pr-3, not pr-2
  const record = (digest: string): { service: string; image: string; digest: string }[] => [
    { service: 'app', image: IMAGE, digest }
  ];
  recordDeployment(fake.state, `${OWNER}/shop`, 'production', record(digests['pr-2']!), 'success');
  recordDeployment(fake.state, `${OWNER}/shop`, 'production', record(digests['pr-3']!), 'success');
  recordDeployment(fake.state, `${OWNER}/shop`, 'production', record(digests['sha-abc']!), 'success');
}, 170_000);
afterAll(async () => fake.close());

const inputs = {
  packages: 'app',
  owner: OWNER,
  registry: REGISTRY,
  'delete-tags': 'pr-*, sha-*',
  'older-than': '1d',
  'rollback-window': 1,
  'github-token': 'ghs_cleanup'
};

function run(
  extra: Record<string, string | number> = {},
  apiUrl = fake.url,
  token = 'ghs_cleanup'
): Promise<ActionRun> {
  return runAction('cleanup', {
    repository: `${OWNER}/shop`,
    inputs: { ...inputs, 'github-token': token, ...extra },
    env: { GITHUB_API_URL: apiUrl }
  });
}

interface Plan {
  packages: {
    keep: { digest: string; tags: string[]; reason: string }[];
    delete: { id: number; digest: string; reason: string; status?: string }[];
  }[];
  result?: {
    deleted: { digest: string }[];
    notAttempted: { digest: string }[];
    failed: { digest: string; error: string }[];
    stopped?: { reason: string; detail: string };
  };
}

/** The plan without the per-entry status of a real run: what the dry run printed. */
const withoutStatus = (plan: Plan): Plan['packages'] =>
  plan.packages.map((p) => ({ ...p, delete: p.delete.map(({ status: _status, ...v }) => v) }));

const snapshot = (): string => JSON.stringify(storedManifests(REPO));

describe('bad input and missing permission delete nothing', () => {
  it.each([
    [{ packages: 'nope' }, /Package 'nope' was not found/],
    [{ 'older-than': '30 days' }, /Input 'older-than': '30 days' is not a duration/],
    [{ 'exclude-tags': 'pr-*' }, /'delete-tags' and 'exclude-tags' both list 'pr-\*'/],
    [{ 'delete-tags': 'latest' }, /protect-release-tags: false/]
  ])('%p', async (extra, message) => {
    const before = snapshot();
    const r = await run(extra);
    expect(r.exitCode).not.toBe(0);
    expect(failureMessage(r)).toMatch(message);
    expect(snapshot()).toBe(before);
  });

  it('a token without packages: write gets a clear 403 error, and the plan, outputs and summary are still written', async () => {
    const readOnly = await startGitHubFake({ token: 'ghs_ro', tokenScopes: ['read:packages'] });
    try {
      ensureAccount(readOnly.state, OWNER, 'Organization');
      addRepo(readOnly.state, OWNER, 'shop');
      attachRegistryPackages(readOnly.state);
      const before = snapshot();
      // this fake dates every version now: no age rule, so the pr-* and sha-* images are planned for deletion
      const r = await run({ 'protect-deployments': 'false', 'older-than': '' }, readOnly.url, 'ghs_ro');
      expect(r.exitCode).not.toBe(0);
      expect(failureMessage(r)).toMatch(
        /may not delete versions of package 'app' \(HTTP 403.*packages: write.*Nothing was deleted/s
      );
      expect(snapshot()).toBe(before);
      const plan = JSON.parse(r.outputs.plan!) as Plan;
      const statuses = plan.packages[0]!.delete.map((v) => v.status);
      // the first DELETE goes alone: one failure, every other deletion not attempted
      expect(statuses.filter((x) => x === 'failed')).toHaveLength(1);
      expect(statuses.filter((x) => x === 'not attempted')).toHaveLength(statuses.length - 1);
      expect(readOnly.requests.filter((q) => q.method === 'DELETE')).toHaveLength(1);
      expect(r.outputs.deleted).toBe('0');
      expect(r.outputs.failed).toBe('1');
      expect(Number(r.outputs['not-attempted'])).toBe(statuses.length - 1);
      expect(JSON.parse(readFileSync(r.outputs['plan-path']!, 'utf8'))).toEqual(plan);
      expect(r.summary).toMatch(/failed 1.*not attempted/s);
      readOnly.assertNoViolations();
    } finally {
      await readOnly.close();
    }
  });
});

describe('fail safe on a registry that cannot show the graph (issue 17)', () => {
  let server: Server;
  let registry404: string;
  beforeAll(async () => {
    // a registry that answers the ping and 404 MANIFEST_UNKNOWN for every manifest
    server = createServer((req, res) => {
      if (req.url === '/v2/' || req.url === '/v2') {
        res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
        return;
      }
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registry404 = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('unreadable roots protect everything: nothing deleted, and the warning says why and what to check', async () => {
    const before = snapshot();
    const r = await run({ registry: registry404 });
    expect(r.exitCode).toBe(0);
    expect(snapshot()).toBe(before);
    expect(r.outputs.planned).toBe('0');
    expect(r.outputs.deleted).toBe('0');
    const warning = r.annotations.find((a) => a.level === 'warning' && /nothing deleted/.test(a.message));
    expect(warning?.message).toMatch(/could not be read from the registry.*404.*'registry' input/s);
    const plan = JSON.parse(r.outputs.plan!) as Plan;
    expect(plan.packages[0]!.keep.find((v) => v.digest === digests['release-arm64'])!.reason).toMatch(
      /cannot be proven unreachable/
    );
  });
});

describe('dry run, a failing real run, a converging re-run', () => {
  let planned: Plan;
  let stoppedEarly: Plan;

  it('dry run: the plan, nothing deleted', async () => {
    const before = snapshot();
    const r = await run({ 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    expect(snapshot()).toBe(before);
    planned = JSON.parse(r.outputs.plan!) as Plan;
    const del = new Set(planned.packages[0]!.delete.map((v) => v.digest));
    const keep = new Map(planned.packages[0]!.keep.map((v) => [v.digest, v.reason]));
    for (const d of [
      digests.oldMain,
      digests['old-main-amd64'],
      digests['old-main-arm64'],
      digests['pr-7'],
      digests['pr-2']
    ])
      expect(del.has(d!)).toBe(true);
    expect(keep.get(digests['sha-abc']!)).toMatch(/deployed: active in production/);
    expect(keep.get(digests['pr-3']!)).toMatch(/rollback window in production/);
    expect(keep.get(digests.release!)).toMatch(/release tag v1.0.0 is protected/);
    expect(keep.get(digests['release-arm64']!)).toMatch(/platform linux\/arm64/);
    expect(keep.get(digests.main!)).toMatch(/no delete-tags pattern/);
    const reasons = planned.packages[0]!.delete.map((v) => v.reason).join('\n');
    expect(reasons).toMatch(/orphaned signature/);
    expect(reasons).toMatch(/signature of deleted/);
    expect(r.outputs.deleted).toBe('0');
    expect(Number(r.outputs.planned)).toBe(del.size);
    expect(r.summary).toMatch(/dry run: nothing deleted/);
    expect(r.summary).toMatch(/would delete/);
  });

  it('a run whose GitHub request budget runs out stops early: success with a warning, every entry marked', async () => {
    // a GITHUB_TOKEN-like hour with 30 requests: the run reads, deletes a few and keeps the reserve (20)
    fake.setRateLimit({ limit: 30 });
    const r = await run();
    fake.setRateLimit(undefined);
    expect(r.exitCode).toBe(0);
    const warning = r.annotations.find((a) => a.level === 'warning' && /stopped early/.test(a.message));
    expect(warning?.message).toMatch(/request budget.*left for the next run/s);
    expect(fake.rateLimited).toEqual({ primary: 0, secondary: 0 }); // stopped before GitHub had to say no
    const plan = JSON.parse(r.outputs.plan!) as Plan;
    stoppedEarly = plan;
    expect(withoutStatus(plan)).toEqual(planned.packages); // what the dry run printed
    const deleted = plan.result!.deleted.length;
    expect(deleted).toBeGreaterThan(0);
    expect(plan.result!.notAttempted.length).toBeGreaterThan(0);
    expect(r.outputs.deleted).toBe(String(deleted));
    expect(r.outputs['not-attempted']).toBe(String(planned.packages[0]!.delete.length - deleted));
    const left = new Set(storedManifests(REPO)!.map((m) => m.digest));
    for (const v of plan.packages[0]!.delete)
      expect(`${v.digest} ${left.has(v.digest)}`).toBe(`${v.digest} ${v.status !== 'deleted'}`);
    for (const v of planned.packages[0]!.keep) expect(left.has(v.digest)).toBe(true);
    // no tag is broken in between: every tag still there resolves with every manifest it references
    for (const m of storedManifests(REPO)!)
      for (const tag of m.tags) expect(`${tag} ${fetchManifest(`${IMAGE}:${tag}`)}`).toBe(`${tag} true`);
  });

  it('a DELETE that keeps failing (HTTP 500 after retries) fails the step; the plan marks it failed', async () => {
    // one version that is still there answers 500 to its DELETE and to the client's three retries
    const victim = stoppedEarly.packages[0]!.delete.find((v) => v.status === 'not attempted')!;
    fake.failNext({
      method: 'DELETE',
      pathPattern: new RegExp(`/versions/${victim.id}$`),
      status: 500,
      count: 4
    });
    const r = await run();
    expect(r.exitCode).not.toBe(0);
    expect(failureMessage(r)).toMatch(
      /Cleanup stopped: deleting version \d+ .* failed: .*a re-run plans again/s
    );
    const plan = JSON.parse(r.outputs.plan!) as Plan;
    expect(plan.result!.failed.map((v) => v.digest)).toEqual([victim.digest]);
    expect(plan.packages[0]!.delete.filter((v) => v.status === 'failed').map((v) => v.id)).toEqual([
      victim.id
    ]);
    expect(storedManifests(REPO)!.some((m) => m.digest === victim.digest)).toBe(true);
    expect(r.outputs.failed).toBe('1');
  }, 60_000);

  it('a re-run deletes the rest and converges to the planned state', async () => {
    const r = await run();
    expect(r.exitCode).toBe(0);
    const left = new Set(storedManifests(REPO)!.map((m) => m.digest));
    for (const v of planned.packages[0]!.delete) expect(left.has(v.digest)).toBe(false);
    for (const v of planned.packages[0]!.keep) expect(left.has(v.digest)).toBe(true);
    const again = await run({ 'dry-run': 'true' });
    expect(again.outputs.planned).toBe('0');
    fake.assertNoViolations();
  });

  it('every kept tag and everything it references is still there; cosign verify passes', () => {
    for (const v of planned.packages[0]!.keep)
      for (const tag of v.tags) expect(`${tag} ${fetchManifest(`${IMAGE}:${tag}`)}`).toBe(`${tag} true`);
    for (const d of ['main-amd64', 'main-arm64', 'release-amd64', 'release-arm64'])
      expect(fetchManifest(`${IMAGE}@${digests[d]}`)).toBe(true);
    const sigOf = (d: string): string => `${IMAGE}:${d.replace(':', '-')}.sig`;
    expect(fetchManifest(sigOf(digests.main!))).toBe(true);
    expect(fetchManifest(`${IMAGE}:${digests.main!.replace(':', '-')}.att`)).toBe(true);
    expect(fetchManifest(sigOf(digests.release!))).toBe(true);
    expect(verify(digests.main!)).toContain(digests.main!);
    expect(verify(digests.release!)).toContain(digests.release!);
    sh(
      'cosign',
      [
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--insecure-ignore-tlog=true',
        '--type',
        'custom',
        `${IMAGE}@${digests.main}`
      ],
      cosignEnv
    );
    // and the garbage is gone
    expect(fetchManifest(`${IMAGE}@${digests.oldMain}`)).toBe(false);
    expect(fetchManifest(sigOf(digests['pr-7']!))).toBe(false);
    expect(fetchManifest(sigOf(digests.gone!))).toBe(false);
    expect(fetchManifest(`${IMAGE}:pr-2`)).toBe(false);
    expect(fetchManifest(`${IMAGE}:pr-3`)).toBe(true);
    expect(fetchManifest(`${IMAGE}:sha-abc`)).toBe(true);
  });
});

describe('GitHub answers 500, 429 and a secondary rate limit: the action retries and goes on', () => {
  it('dry run through the faults', async () => {
    fake.failNext({ method: 'GET', pathPattern: '/users/{username}', status: 500 });
    fake.failNext({
      method: 'GET',
      pathPattern: /\/versions$/,
      status: 429,
      headers: { 'retry-after': '1' }
    });
    fake.failNext({
      method: 'GET',
      pathPattern: /\/deployments$/,
      status: 403,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'
      }
    });
    const before = fake.requests.length;
    const r = await run({ 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    const statuses = fake.requests.slice(before).map((q) => q.status);
    expect(statuses).toEqual(expect.arrayContaining([500, 429, 403]));
    expect(r.stdout).toMatch(/secondary rate limit/);
    expect(r.stdout).toMatch(/429 with retry-after/);
    expect(JSON.parse(r.outputs.plan!)).toHaveProperty('packages');
    fake.assertNoViolations();
  }, 60_000);
});

it('with no packages input, the services of the manifest (and its registry) are cleaned', async () => {
  const workspace = mkdtempSync(path.join(dir, 'ws-'));
  execFileSync('mkdir', ['-p', path.join(workspace, '.slipway'), path.join(workspace, 'services/app')]);
  writeFileSync(path.join(workspace, 'services/app/Dockerfile'), 'FROM scratch\n');
  writeFileSync(
    path.join(workspace, '.slipway/services.yml'),
    `version: 1\nregistry: "${REGISTRY}"\nservices:\n  - name: app\n    context: services/app\n`
  );
  const r = await runAction('cleanup', {
    repository: `${OWNER}/shop`,
    workspace,
    inputs: { owner: OWNER, 'dry-run': 'true', 'github-token': 'ghs_cleanup' },
    env: { GITHUB_API_URL: fake.url }
  });
  expect(r.exitCode).toBe(0);
  const plan = JSON.parse(r.outputs.plan!) as {
    registry: string;
    packages: { image: string; keep: unknown[] }[];
  };
  expect(plan.registry).toBe(REGISTRY);
  expect(plan.packages.map((p) => p.image)).toEqual([IMAGE]);
  expect(plan.packages[0]!.keep.length).toBeGreaterThan(0);
});
