/**
 * Trivy JSON report → findings → gate verdict. Pure. The report always holds every severity; what blocks is decided
 * here from the `severity` list, `ignore-unfixed` and the ignore file.
 */
import { ConfigurationError } from '../lib/errors.js';
import { type IgnoreEntry, matchIgnore } from './ignore.js';

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Verdict = 'clean' | 'vulnerable' | 'error';

export function parseSeverities(list: string[], inputName = 'severity'): Severity[] {
  if (list.length === 0) {
    throw new ConfigurationError(
      `Input '${inputName}' is empty: give one or more of ${SEVERITIES.join(', ')} (default CRITICAL,HIGH)`
    );
  }
  const result: Severity[] = [];
  for (const raw of list) {
    const value = raw.toUpperCase();
    if (!(SEVERITIES as readonly string[]).includes(value)) {
      throw new ConfigurationError(
        `Input '${inputName}': unknown severity '${raw}'; allowed values: ${SEVERITIES.join(', ')}`
      );
    }
    if (!result.includes(value as Severity)) result.push(value as Severity);
  }
  return result;
}

export type FindingKind = 'vulnerability' | 'misconfiguration' | 'secret';

export interface Finding {
  kind: FindingKind;
  id: string;
  /** trivy's Result.Target (image + OS, a lock file, a config file) */
  target: string;
  severity: Severity;
  title?: string;
  description?: string;
  url?: string;
  pkgName?: string;
  pkgPath?: string;
  purl?: string;
  installed?: string;
  /** empty/undefined: no fix released */
  fixed?: string;
  status?: string;
  /** highest CVSS v3 score across sources, when the DB has one */
  cvss?: number;
  /** a line in a file (misconfigurations, secrets) */
  startLine?: number;
  /** os/arch of the platform manifest it was found in, when a multi-platform image was scanned */
  platform?: string;
}

interface TrivyVuln {
  VulnerabilityID?: string;
  PkgName?: string;
  PkgPath?: string;
  PkgIdentifier?: { PURL?: string };
  InstalledVersion?: string;
  FixedVersion?: string;
  Status?: string;
  Severity?: string;
  Title?: string;
  Description?: string;
  PrimaryURL?: string;
  CVSS?: Record<string, { V3Score?: number }>;
}
interface TrivyMisconf {
  ID?: string;
  AVDID?: string;
  Title?: string;
  Description?: string;
  Message?: string;
  Severity?: string;
  Status?: string;
  PrimaryURL?: string;
  CauseMetadata?: { StartLine?: number };
}
interface TrivySecret {
  RuleID?: string;
  Title?: string;
  Severity?: string;
  StartLine?: number;
}
interface TrivyResult {
  Target?: string;
  Vulnerabilities?: TrivyVuln[] | null;
  Misconfigurations?: TrivyMisconf[] | null;
  Secrets?: TrivySecret[] | null;
}

export interface ParsedReport {
  artifactName: string;
  findings: Finding[];
}

function severityOf(raw: string | undefined): Severity {
  const value = (raw ?? 'UNKNOWN').toUpperCase();
  return (SEVERITIES as readonly string[]).includes(value) ? (value as Severity) : 'UNKNOWN';
}

/** Parses trivy's JSON report; an unreadable report is a failure (never "clean"). */
export function parseTrivyReport(text: string, file: string): ParsedReport {
  let data: { SchemaVersion?: number; ArtifactName?: string; Results?: TrivyResult[] | null };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (error) {
    throw new Error(`trivy wrote an unreadable JSON report ${file}: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || data.SchemaVersion !== 2) {
    throw new Error(`${file} is not a trivy JSON report (SchemaVersion 2 expected)`);
  }
  const findings: Finding[] = [];
  for (const result of data.Results ?? []) {
    const target = result.Target ?? data.ArtifactName ?? '';
    for (const v of result.Vulnerabilities ?? []) {
      const scores = Object.values(v.CVSS ?? {})
        .map((c) => c.V3Score)
        .filter((s): s is number => typeof s === 'number');
      findings.push({
        kind: 'vulnerability',
        id: v.VulnerabilityID ?? 'UNKNOWN',
        target,
        severity: severityOf(v.Severity),
        title: v.Title,
        description: v.Description,
        url: v.PrimaryURL,
        pkgName: v.PkgName,
        pkgPath: v.PkgPath,
        purl: v.PkgIdentifier?.PURL,
        installed: v.InstalledVersion,
        fixed: v.FixedVersion || undefined,
        status: v.Status,
        cvss: scores.length ? Math.max(...scores) : undefined
      });
    }
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status && m.Status !== 'FAIL') continue;
      findings.push({
        kind: 'misconfiguration',
        id: m.AVDID || m.ID || 'UNKNOWN',
        target,
        severity: severityOf(m.Severity),
        title: m.Title,
        description: m.Message || m.Description,
        url: m.PrimaryURL,
        startLine: m.CauseMetadata?.StartLine
      });
    }
    for (const s of result.Secrets ?? []) {
      findings.push({
        kind: 'secret',
        id: s.RuleID ?? 'secret',
        target,
        severity: severityOf(s.Severity),
        title: s.Title,
        startLine: s.StartLine
      });
    }
  }
  return { artifactName: data.ArtifactName ?? '', findings };
}

export interface GateOptions {
  severities: Severity[];
  ignoreUnfixed: boolean;
  /** active (unexpired) ignore entries */
  ignores: IgnoreEntry[];
}

export interface EvaluatedFinding {
  finding: Finding;
  /** the ignore-file entry that accepted it */
  ignoredBy?: IgnoreEntry;
  /** left out by ignore-unfixed: no fixed version exists */
  unfixed: boolean;
  /** counts toward the gate */
  blocking: boolean;
}

export type Counts = Record<Severity, number>;

export interface GateResult {
  verdict: Exclude<Verdict, 'error'>;
  evaluated: EvaluatedFinding[];
  /** effective findings (not ignored, not left out as unfixed) by severity */
  counts: Counts;
  blocking: EvaluatedFinding[];
  ignored: EvaluatedFinding[];
  unfixedSkipped: number;
}

export function emptyCounts(): Counts {
  return { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
}

/** A vulnerability without a released fix; misconfigurations and secrets are always "fixable". */
export function isUnfixed(f: Finding): boolean {
  return f.kind === 'vulnerability' && !f.fixed;
}

const RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, UNKNOWN: 4 };

export function evaluateGate(findings: Finding[], options: GateOptions): GateResult {
  const counts = emptyCounts();
  const evaluated = findings.map((finding): EvaluatedFinding => {
    const ignoredBy = matchIgnore(finding, options.ignores);
    const unfixed = options.ignoreUnfixed && isUnfixed(finding);
    const effective = !ignoredBy && !unfixed;
    if (effective) counts[finding.severity] += 1;
    return {
      finding,
      ignoredBy,
      unfixed,
      blocking: effective && options.severities.includes(finding.severity)
    };
  });
  const blocking = evaluated
    .filter((e) => e.blocking)
    .sort(
      (a, b) =>
        RANK[a.finding.severity] - RANK[b.finding.severity] || a.finding.id.localeCompare(b.finding.id)
    );
  return {
    verdict: blocking.length > 0 ? 'vulnerable' : 'clean',
    evaluated,
    counts,
    blocking,
    ignored: evaluated.filter((e) => e.ignoredBy),
    unfixedSkipped: evaluated.filter((e) => e.unfixed).length
  };
}

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ') || '—';
}

const MAX_ROWS = 100;

/** Markdown job summary: counts by severity, then the blocking findings. */
export function summaryMarkdown(
  title: string,
  target: string,
  gate: GateResult,
  severities: Severity[]
): string {
  const lines = [
    `### ${title}`,
    '',
    `Target: \`${target}\` — result: **${gate.verdict}** (gate: ${severities.join(', ')}; ${gate.blocking.length} blocking)`,
    '',
    `| ${SEVERITIES.join(' | ')} |`,
    `| ${SEVERITIES.map(() => '---:').join(' | ')} |`,
    `| ${SEVERITIES.map((s) => String(gate.counts[s])).join(' | ')} |`,
    ''
  ];
  const notes: string[] = [];
  if (gate.ignored.length) notes.push(`${gate.ignored.length} accepted by the ignore file`);
  if (gate.unfixedSkipped) notes.push(`${gate.unfixedSkipped} without a fix left out (ignore-unfixed)`);
  if (notes.length) lines.push(`Not counted: ${notes.join('; ')}.`, '');
  if (gate.blocking.length) {
    lines.push(
      '#### Blocking findings',
      '',
      '| ID | Package | Installed | Fixed | Severity |',
      '| --- | --- | --- | --- | --- |'
    );
    for (const { finding: f } of gate.blocking.slice(0, MAX_ROWS)) {
      const id = f.url ? `[${cell(f.id)}](${f.url})` : cell(f.id);
      lines.push(
        `| ${id} | ${cell(f.pkgName ?? f.target)} | ${cell(f.installed)} | ${cell(f.fixed)} | ${f.severity} |`
      );
    }
    if (gate.blocking.length > MAX_ROWS)
      lines.push('', `… and ${gate.blocking.length - MAX_ROWS} more (see the JSON report).`);
    lines.push('');
  }
  return lines.join('\n');
}
