/**
 * The gitleaks JSON report (8.x: an array of findings) into typed, redacted findings; the summary rows, the SARIF
 * report and, in diff mode, the mapping of a finding's line in the piped patch back to the file and line. Pure.
 */
import { ConfigurationError } from '../lib/errors.js';

export const REDACTED = 'REDACTED';

/** One gitleaks finding, as in its JSON report (fields Slipway reads; others are kept as they are). */
export interface Finding {
  RuleID: string;
  Description: string;
  File: string;
  StartLine: number;
  EndLine: number;
  StartColumn: number;
  EndColumn: number;
  Commit: string;
  Secret: string;
  Match: string;
  Fingerprint: string;
  [field: string]: unknown;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Parses the report text; an unreadable report is an error (never "no findings"). */
export function parseReport(text: string): Finding[] {
  let data: unknown;
  try {
    data = JSON.parse(text === '' ? 'null' : text);
  } catch (error) {
    throw new Error(`gitleaks report is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(data)) throw new Error('gitleaks report is not a JSON array of findings');
  return data.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null)
      throw new Error(`gitleaks report: finding ${i} is not an object`);
    const f = raw as Record<string, unknown>;
    return {
      ...f,
      RuleID: str(f.RuleID),
      Description: str(f.Description),
      File: str(f.File),
      StartLine: num(f.StartLine),
      EndLine: num(f.EndLine),
      StartColumn: num(f.StartColumn),
      EndColumn: num(f.EndColumn),
      Commit: str(f.Commit),
      Secret: str(f.Secret),
      Match: str(f.Match),
      Fingerprint: str(f.Fingerprint)
    };
  });
}

/**
 * Defence in depth on top of `--redact`: the secret and the matched text never leave this module, whatever the
 * gitleaks version did. (Match can hold the secret plus context; Line, in newer versions, the whole line.)
 */
export function redact(findings: Finding[]): Finding[] {
  return findings.map((f) => {
    const copy: Finding = { ...f, Secret: REDACTED, Match: REDACTED };
    if ('Line' in copy) copy.Line = REDACTED;
    return copy;
  });
}

/** One piped-patch line (0-based, as gitleaks reports StartLine for --pipe) → the file and its new line number. */
export interface PatchLine {
  file: string;
  line: number;
}

/** Indexes a `git diff -U0` patch: for each added line, which file and which line of the new version it is. */
export function indexPatch(patch: string): Map<number, PatchLine> {
  const index = new Map<number, PatchLine>();
  let file = '';
  let next = 0;
  patch.split('\n').forEach((text, i) => {
    if (text.startsWith('diff --git ')) {
      file = '';
      return;
    }
    if (text.startsWith('+++ ')) {
      const target = text.slice(4);
      file = target === '/dev/null' ? '' : target.replace(/^"?b\//, '').replace(/"$/, '');
      return;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      next = Number(hunk[1]);
      return;
    }
    if (text.startsWith('+') && file) index.set(i, { file, line: next++ });
    else if (text.startsWith(' ')) next++;
  });
  return index;
}

/** Diff mode: gitleaks saw one patch, so fill in each finding's file, line and commit (the range head). */
export function locatePatchFindings(
  findings: Finding[],
  patch: string,
  head: string,
  lineBase = 0
): Finding[] {
  const index = indexPatch(patch);
  return findings.map((f) => {
    const at = index.get(f.StartLine - lineBase);
    const start = at?.line ?? 0;
    return {
      ...f,
      File: at?.file ?? '(patch)',
      StartLine: start,
      EndLine: start + Math.max(0, f.EndLine - f.StartLine),
      Commit: head,
      Fingerprint: `${head}:${at?.file ?? '(patch)'}:${f.RuleID}:${start}`
    };
  });
}

export const SUMMARY_HEADER = ['File', 'Line', 'Commit', 'Rule'];

export function summaryRows(findings: Finding[]): string[][] {
  return findings.map((f) => [
    f.File || '(unknown)',
    String(f.StartLine),
    f.Commit ? f.Commit.slice(0, 7) : '',
    f.RuleID
  ]);
}

/** A SARIF 2.1.0 log of the (redacted) findings, for code scanning. */
export function toSarif(findings: Finding[], toolVersion = ''): Record<string, unknown> {
  const rules = [...new Map(findings.map((f) => [f.RuleID, f.Description || f.RuleID])).entries()];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gitleaks',
            informationUri: 'https://github.com/gitleaks/gitleaks',
            ...(toolVersion ? { semanticVersion: toolVersion } : {}),
            rules: rules.map(([id, description]) => ({
              id,
              name: id,
              shortDescription: { text: description }
            }))
          }
        },
        results: findings.map((f) => ({
          ruleId: f.RuleID,
          level: 'error',
          message: { text: `${f.RuleID} has detected a secret in ${f.File || 'the scanned input'}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.File || 'unknown' },
                region: {
                  startLine: Math.max(1, f.StartLine),
                  endLine: Math.max(1, f.EndLine, f.StartLine),
                  ...(f.StartColumn > 0 ? { startColumn: f.StartColumn } : {}),
                  ...(f.EndColumn > 0 ? { endColumn: f.EndColumn + 1 } : {})
                }
              }
            }
          ],
          partialFingerprints: { 'commitSha/file/rule/line': f.Fingerprint },
          ...(f.Commit ? { properties: { commitSha: f.Commit } } : {})
        }))
      }
    ]
  };
}

/** `config`/`baseline` inputs must name an existing file; a silent fallback to default rules would hide a typo. */
export function missingFileError(input: string, file: string): ConfigurationError {
  return new ConfigurationError(
    `Input '${input}': ${file} does not exist (paths are relative to working-directory; check it is committed and checked out)`
  );
}
