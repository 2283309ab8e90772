/**
 * trivy-gate with trivy's own ignore files at the workspace root (found without 'ignore-file'): the bundled action,
 * the real trivy and the fixture DB. The ignored findings stay in the SARIF as suppressions (trivy itself is given an
 * empty ignore file, or it would drop them from the report) and an expired entry warns at its file:line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction, type ActionRun } from '../support/run-action.js';
import { trivyFixtures, type TrivyFixtures } from '../support/trivy-db.js';

let fx: TrivyFixtures;

beforeAll(async () => {
  fx = await trivyFixtures();
}, 120_000);

function sarifIds(run: ActionRun): string[] {
  const sarif = JSON.parse(readFileSync(run.outputs['sarif-path']!, 'utf8')) as {
    runs: Array<{ results: Array<{ ruleId: string; suppressions?: unknown[] }> }>;
  };
  return sarif.runs[0]!.results.map((r) => r.ruleId + (r.suppressions ? ' (suppressed)' : '')).sort();
}

function scanWith(file: string, content: string): Promise<ActionRun> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'slipway-trivyignore-'));
  writeFileSync(path.join(workspace, file), content);
  return runAction('trivy-gate', {
    workspace,
    inputs: {
      'trivy-path': fx.trivyPath,
      'db-repository': fx.dbRepository,
      'db-retries': '0',
      image: fx.vulnerableImage,
      'cache-dir': fx.seededCacheDir(),
      severity: 'CRITICAL,HIGH,MEDIUM,LOW'
    },
    timeoutMs: 120_000
  });
}

it('.trivyignore.yaml: statement, purls and expired_at as trivy documents them', async () => {
  const run = await scanWith(
    '.trivyignore.yaml',
    [
      'vulnerabilities:',
      '  - id: CVE-2099-1001',
      '    purls: ["pkg:deb/debian/libssl3"]',
      '    statement: fixed upstream, rebuild pending',
      '  - id: CVE-2099-1002',
      '    expired_at: 2020-02-01',
      '    statement: was accepted until February 2020',
      '  - id: CVE-2099-1003',
      '  - id: CVE-2099-1004',
      'misconfigurations:',
      '  - id: AVD-DS-0002',
      ''
    ].join('\n')
  );
  expect(run.stdout).toContain('Ignore file: .trivyignore.yaml (found at the workspace root)');
  expect(sarifIds(run)).toEqual([
    'CVE-2099-1001 (suppressed)',
    'CVE-2099-1002',
    'CVE-2099-1003 (suppressed)',
    'CVE-2099-1004 (suppressed)'
  ]);
  const warning = run.annotations.find((a) => a.level === 'warning' && /CVE-2099-1002/.test(a.message));
  expect(warning?.message).toMatch(/Ignore entry CVE-2099-1002 expired on 2020-01-31/);
  expect(warning?.properties).toMatchObject({ file: '.trivyignore.yaml', line: '5' });
  expect(run.outputs.blocking).toBe('1');
  expect(run.exitCode).not.toBe(0);
});

it('plain .trivyignore: IDs and exp: dates, the findings kept as suppressions', async () => {
  const run = await scanWith(
    '.trivyignore',
    '# accepted\nCVE-2099-1001\nCVE-2099-1002 exp:2999-01-01\nCVE-2099-1003\nCVE-2099-1004\n'
  );
  expect(sarifIds(run)).toEqual([
    'CVE-2099-1001 (suppressed)',
    'CVE-2099-1002 (suppressed)',
    'CVE-2099-1003 (suppressed)',
    'CVE-2099-1004 (suppressed)'
  ]);
  expect(run.outputs).toMatchObject({ result: 'clean', blocking: '0' });
  expect(run.exitCode).toBe(0);
});
