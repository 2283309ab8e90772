/** trivy command lines. Pure: no I/O. One scan run produces JSON with every severity; the gate is computed later. */
import { ConfigurationError } from '../lib/errors.js';

export type ScanType = 'image' | 'fs' | 'config';
export const SCAN_TYPES: readonly ScanType[] = ['image', 'fs', 'config'];

/**
 * The exit code asked of trivy when it finds something. This trivy build exits 1 silently on any fatal error, so
 * findings must use another code: 0 and FINDINGS_EXIT_CODE mean "the scan completed", anything else is a failure.
 */
export const FINDINGS_EXIT_CODE = 5;

/** trivy DB schema this action's trivy versions read; the OCI tag of the DB artifact and part of the cache key. */
export const DB_SCHEMA_VERSION = 2;

/** DB mirrors, tried in order; each is an OCI repository without tag (trivy appends :<schema version>). */
export function parseDbRepositories(list: string[], inputName = 'db-repository'): string[] {
  if (list.length === 0) {
    throw new ConfigurationError(
      `Input '${inputName}' is empty: give at least one OCI repository of trivy-db`
    );
  }
  for (const repo of list) {
    const path = repo.includes('/') ? repo.slice(repo.indexOf('/') + 1) : repo;
    if (repo.includes('://') || /\s/.test(repo) || repo.includes('@') || path.includes(':')) {
      throw new ConfigurationError(
        `Input '${inputName}': '${repo}' must be an OCI repository without scheme, tag or digest, e.g. ghcr.io/aquasecurity/trivy-db`
      );
    }
  }
  return list;
}

/** Loopback hosts are plain http, as docker treats them. */
export function isLoopback(ref: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/.test(ref);
}

export interface DbDownloadOptions {
  cacheDir: string;
  repository: string;
  timeout: string;
}

export function dbDownloadArgs(o: DbDownloadOptions): string[] {
  return [
    'image',
    '--download-db-only',
    '--cache-dir',
    o.cacheDir,
    '--db-repository',
    o.repository,
    '--timeout',
    o.timeout,
    '--no-progress',
    ...(isLoopback(o.repository) ? ['--insecure'] : [])
  ];
}

export interface ScanOptions {
  scanType: ScanType;
  /** image reference (by digest) or a path */
  target: string;
  cacheDir: string;
  jsonPath: string;
  timeout: string;
  /** trivy --scanners; empty: trivy's default for the scan type */
  scanners: string[];
  platform?: string;
}

export function scanArgs(o: ScanOptions): string[] {
  const args = [
    o.scanType,
    '--cache-dir',
    o.cacheDir,
    '--format',
    'json',
    '--output',
    o.jsonPath,
    // every severity, never thinned: the gate, ignores and ignore-unfixed are applied by report.ts
    '--exit-code',
    String(FINDINGS_EXIT_CODE),
    '--timeout',
    o.timeout
  ];
  if (o.scanType === 'config') {
    // the checks embedded in the pinned trivy: no bundle download (ghcr rate limits), same checks every run.
    // (`trivy config` of this build rejects --no-progress as an unknown flag: usage and a silent exit 1)
    args.push('--skip-policy-update');
  } else {
    args.push('--no-progress');
    // the DB was downloaded (or found fresh) once before the scan
    args.push('--skip-db-update');
    if (o.scanners.length) args.push('--scanners', o.scanners.join(','));
  }
  if (o.scanType === 'image') {
    if (isLoopback(o.target)) args.push('--insecure');
    if (o.platform) args.push('--platform', o.platform);
  }
  args.push(o.target);
  return args;
}

/** The scan completed (with or without findings) — anything else is a trivy failure, never a verdict. */
export function scanCompleted(exitCode: number): boolean {
  return exitCode === 0 || exitCode === FINDINGS_EXIT_CODE;
}

export const SCANNERS = ['vuln', 'misconfig', 'secret', 'license'] as const;

/** Validates the `scanners` input; an unknown scanner is an error naming the input and the allowed values. */
export function parseScanners(values: string[]): string[] {
  const unknown = values.filter((v) => !(SCANNERS as readonly string[]).includes(v));
  if (unknown.length) {
    throw new ConfigurationError(
      `Input 'scanners': unknown scanner(s) ${unknown.join(', ')}; allowed: ${SCANNERS.join(', ')}`
    );
  }
  return values;
}
