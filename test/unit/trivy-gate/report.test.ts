import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  evaluateGate,
  parseSeverities,
  parseTrivyReport,
  summaryMarkdown
} from '../../../actions/trivy-gate/report.js';
import { toSarif } from '../../../actions/trivy-gate/sarif.js';
import { REPO_ROOT } from '../../support/run-action.js';

// a real report of this trivy build on the fixture image (test/fixtures/trivy-db)
const file = path.join(REPO_ROOT, 'test/fixtures/trivy-db/report-vulnerable.json');
const report = parseTrivyReport(readFileSync(file, 'utf8'), file);
const gate = (opts: Partial<Parameters<typeof evaluateGate>[1]> = {}) =>
  evaluateGate(report.findings, {
    severities: ['CRITICAL', 'HIGH'],
    ignoreUnfixed: false,
    ignores: [],
    ...opts
  });

describe('parseSeverities', () => {
  it('accepts any case, dedupes, and names the input and allowed values otherwise', () => {
    expect(parseSeverities(['critical', 'HIGH', 'high'])).toEqual(['CRITICAL', 'HIGH']);
    expect(() => parseSeverities(['CRITICAL', 'SEVERE'])).toThrow(
      "Input 'severity': unknown severity 'SEVERE'; allowed values: CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN"
    );
    expect(() => parseSeverities([])).toThrow("Input 'severity' is empty");
  });
});

describe('parseTrivyReport', () => {
  it('reads every finding of every severity', () => {
    expect(report.findings.map((f) => [f.id, f.pkgName, f.severity, f.fixed ?? null])).toEqual([
      ['CVE-2099-1002', 'bash', 'HIGH', '5.2.15-2+deb12u1'],
      ['CVE-2099-1001', 'libssl3', 'CRITICAL', '3.0.15-1~deb12u1'],
      ['CVE-2099-1003', 'zlib1g', 'MEDIUM', null],
      ['CVE-2099-1004', 'zlib1g', 'LOW', null]
    ]);
  });

  it('refuses what is not a trivy report (never "no findings")', () => {
    expect(() => parseTrivyReport('', 'r.json')).toThrow('unreadable JSON report r.json');
    expect(() => parseTrivyReport('{"Results":[]}', 'r.json')).toThrow('is not a trivy JSON report');
  });

  it('reads misconfigurations (FAIL only) and secrets', () => {
    const parsed = parseTrivyReport(
      JSON.stringify({
        SchemaVersion: 2,
        ArtifactName: '.',
        Results: [
          {
            Target: 'Dockerfile',
            Misconfigurations: [
              {
                AVDID: 'AVD-DS-0002',
                Severity: 'HIGH',
                Status: 'FAIL',
                Title: 'root user',
                CauseMetadata: { StartLine: 3 }
              },
              { AVDID: 'AVD-DS-0001', Severity: 'LOW', Status: 'PASS' }
            ]
          },
          {
            Target: 'app/.env',
            Secrets: [{ RuleID: 'aws-access-key-id', Severity: 'CRITICAL', StartLine: 1 }]
          }
        ]
      }),
      'r.json'
    );
    expect(parsed.findings.map((f) => [f.kind, f.id, f.severity, f.startLine])).toEqual([
      ['misconfiguration', 'AVD-DS-0002', 'HIGH', 3],
      ['secret', 'aws-access-key-id', 'CRITICAL', 1]
    ]);
  });
});

describe('evaluateGate', () => {
  it('blocks on the severity list only while counting every severity', () => {
    const g = gate();
    expect(g.verdict).toBe('vulnerable');
    expect(g.counts).toEqual({ CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 1, UNKNOWN: 0 });
    expect(g.blocking.map((b) => b.finding.id)).toEqual(['CVE-2099-1001', 'CVE-2099-1002']);
  });

  it('ignore-unfixed leaves out findings without a fix', () => {
    const g = gate({ severities: ['MEDIUM', 'LOW'], ignoreUnfixed: true });
    expect(g.verdict).toBe('clean');
    expect(g.unfixedSkipped).toBe(2);
    expect(g.counts).toEqual({ CRITICAL: 1, HIGH: 1, MEDIUM: 0, LOW: 0, UNKNOWN: 0 });
  });

  it('an ignore entry accepts a finding', () => {
    const g = gate({ severities: ['CRITICAL'], ignores: [{ id: 'CVE-2099-1001', reason: 'accepted' }] });
    expect(g.verdict).toBe('clean');
    expect(g.ignored.map((e) => e.finding.id)).toEqual(['CVE-2099-1001']);
    expect(g.counts.CRITICAL).toBe(0);
  });

  it('UNKNOWN in the list blocks unknown-severity findings', () => {
    const findings = [{ ...report.findings[0]!, severity: 'UNKNOWN' as const }];
    expect(
      evaluateGate(findings, { severities: ['CRITICAL'], ignoreUnfixed: false, ignores: [] }).verdict
    ).toBe('clean');
    expect(
      evaluateGate(findings, { severities: ['UNKNOWN'], ignoreUnfixed: false, ignores: [] }).verdict
    ).toBe('vulnerable');
  });
});

describe('summary and SARIF', () => {
  it('summarises counts and the blocking findings', () => {
    const md = summaryMarkdown('Slipway trivy-gate: api', 'img@sha256:x', gate(), ['CRITICAL', 'HIGH']);
    expect(md).toContain('| 1 | 1 | 1 | 1 | 0 |');
    expect(md).toContain('| ID | Package | Installed | Fixed | Severity |');
    expect(md).toContain('| libssl3 | 3.0.11-1~deb12u2 | 3.0.15-1~deb12u1 | CRITICAL |');
    expect(md).not.toContain('zlib1g');
  });

  it('SARIF holds every finding; ignored ones carry a suppression with the reason', () => {
    const g = gate({ ignores: [{ id: 'CVE-2099-1004', reason: 'never loaded', expires: '2099-01-01' }] });
    const sarif = toSarif(g.evaluated, { artifact: 'img' }) as {
      runs: Array<{
        results: Array<{
          ruleId: string;
          level: string;
          suppressions?: Array<{ justification: string }>;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
        }>;
        tool: { driver: { rules: unknown[] } };
      }>;
    };
    const results = sarif.runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['CVE-2099-1002', 'error'],
      ['CVE-2099-1001', 'error'],
      ['CVE-2099-1003', 'warning'],
      ['CVE-2099-1004', 'note']
    ]);
    expect(results[3]!.suppressions?.[0]?.justification).toBe('never loaded (until 2099-01-01)');
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('localhost:5000/tgexp/vuln');
    expect(sarif.runs[0]!.tool.driver.rules).toHaveLength(4);
  });
});
