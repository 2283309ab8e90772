/**
 * SARIF 2.1.0 for GitHub code scanning, built from the evaluated findings (every finding, every severity; findings
 * accepted by the ignore file carry a SARIF suppression with the reason). Pure.
 */
import type { EvaluatedFinding, Severity } from './report.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  UNKNOWN: 'note'
};
/** GitHub's security-severity when the DB has no CVSS score (the same scale trivy's own SARIF uses). */
const SECURITY_SEVERITY: Record<Severity, number> = {
  CRITICAL: 9.5,
  HIGH: 8.0,
  MEDIUM: 5.5,
  LOW: 2.0,
  UNKNOWN: 0
};

export interface SarifOptions {
  toolVersion?: string;
  /** the scanned artifact, e.g. the image ref */
  artifact: string;
}

/** A repository-relative-looking URI for a target such as `ghcr.io/acme/api@sha256:… (debian 12.5)`. */
export function locationUri(target: string): string {
  const bare = target.replace(/\s+\(.*\)$/, '').replace(/@sha256:[a-f0-9]+$/, '');
  return bare.replace(/^[a-z]+:\/\//, '').replace(/^\/+/, '') || 'unknown';
}

export function toSarif(evaluated: EvaluatedFinding[], options: SarifOptions): Record<string, unknown> {
  const rules = new Map<string, Record<string, unknown>>();
  const results = evaluated.map(({ finding: f, ignoredBy }) => {
    if (!rules.has(f.id)) {
      rules.set(f.id, {
        id: f.id,
        name:
          f.kind === 'vulnerability' ? 'Vulnerability' : f.kind === 'secret' ? 'Secret' : 'Misconfiguration',
        shortDescription: { text: f.title || f.id },
        fullDescription: { text: f.description || f.title || f.id },
        ...(f.url ? { helpUri: f.url } : {}),
        help: {
          text: `${f.id} (${f.severity})${f.pkgName ? ` in ${f.pkgName}` : ''}${f.fixed ? `, fixed in ${f.fixed}` : ''}`
        },
        defaultConfiguration: { level: LEVEL[f.severity] },
        properties: {
          tags: [f.kind, 'security', f.severity],
          precision: 'very-high',
          'security-severity': (f.cvss ?? SECURITY_SEVERITY[f.severity]).toFixed(1)
        }
      });
    }
    const what = f.pkgName
      ? `Package: ${f.pkgName}\nInstalled Version: ${f.installed ?? ''}\nFixed Version: ${f.fixed ?? 'none'}`
      : (f.title ?? f.id);
    const uri = locationUri(f.pkgPath ?? f.target);
    return {
      ruleId: f.id,
      ruleIndex: [...rules.keys()].indexOf(f.id),
      level: LEVEL[f.severity],
      message: { text: `${what}\nVulnerability ${f.id}\nSeverity: ${f.severity}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri, uriBaseId: 'ROOTPATH' },
            region: { startLine: f.startLine ?? 1, startColumn: 1, endLine: f.startLine ?? 1, endColumn: 1 }
          },
          message: {
            text: `${locationUri(f.target)}: ${f.pkgName ? `${f.pkgName}@${f.installed ?? ''}` : f.id}`
          }
        }
      ],
      ...(ignoredBy
        ? {
            suppressions: [
              {
                kind: 'external',
                status: 'accepted',
                justification: `${ignoredBy.reason}${ignoredBy.expires ? ` (until ${ignoredBy.expires})` : ''}`
              }
            ]
          }
        : {})
    };
  });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'Trivy',
            fullName: 'Trivy Vulnerability Scanner (Slipway trivy-gate)',
            informationUri: 'https://github.com/aquasecurity/trivy',
            ...(options.toolVersion ? { version: options.toolVersion } : {}),
            rules: [...rules.values()]
          }
        },
        results,
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { ROOTPATH: { uri: 'file:///' } },
        properties: { artifact: options.artifact }
      }
    ]
  };
}
