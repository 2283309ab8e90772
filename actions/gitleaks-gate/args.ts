/**
 * The gitleaks (8.16+ `detect`) command line from typed inputs, and what its exit code means. Pure: no I/O.
 *
 * The range goes to `--log-opts` as a plain `base..head`: no `--first-parent`/`--no-merges` and no `base^`
 * (gitleaks-action #199: `base^..head` fails with "ambiguous argument" on a merge into main / a root commit, and
 * `--first-parent` silently skips commits merged in through a second parent). gitleaks splits --log-opts on
 * spaces, so the shas are passed as one `--log-opts=<base>..<head>` argument.
 */
import { ConfigurationError } from '../lib/errors.js';

export const SCAN_MODES = ['auto', 'full', 'diff'] as const;
export type ScanMode = (typeof SCAN_MODES)[number];

/** The exit code gitleaks is told to use for "leaks found"; any other non-zero exit is an error. */
export const LEAK_EXIT_CODE = 2;

/** What gitleaks reads: commits of a range, the whole history, or a patch on stdin (diff mode). */
export type ScanTarget =
  | { kind: 'commits'; base: string; head: string }
  | { kind: 'history' }
  | { kind: 'patch'; base: string; head: string };

export interface DetectOptions {
  source: string;
  target: ScanTarget;
  reportPath: string;
  config?: string;
  baseline?: string;
  logLevel?: string;
}

const SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

export function parseScanMode(value: string): ScanMode {
  if (value === '') return 'auto';
  if (!(SCAN_MODES as readonly string[]).includes(value)) {
    throw new ConfigurationError(`Input 'scan-mode' must be one of ${SCAN_MODES.join(', ')}, got '${value}'`);
  }
  return value as ScanMode;
}

export function buildDetectArgs(options: DetectOptions): string[] {
  const args = ['detect', '--no-banner', '--redact', `--exit-code=${LEAK_EXIT_CODE}`, '--report-format=json'];
  args.push(`--report-path=${options.reportPath}`, `--log-level=${options.logLevel ?? 'info'}`);
  if (options.config) args.push(`--config=${options.config}`);
  if (options.baseline) args.push(`--baseline-path=${options.baseline}`);
  const { target } = options;
  if (target.kind === 'patch') {
    args.push('--pipe');
  } else {
    args.push(`--source=${options.source}`);
    if (target.kind === 'commits') {
      for (const sha of [target.base, target.head]) {
        // the shas come from git itself; anything else would be split into extra git-log options by gitleaks
        if (!SHA.test(sha)) throw new Error(`internal: not a full commit sha: '${sha}'`);
      }
      args.push(`--log-opts=${target.base}..${target.head}`);
    }
  }
  return args;
}

/** The git command whose output is piped into `gitleaks detect --pipe` in diff mode (only added lines matter). */
export function patchArgs(base: string, head: string): string[] {
  return ['diff', '--no-color', '--no-ext-diff', '--no-renames', '-U0', base, head];
}

export type ScanOutcome = 'clean' | 'leaks' | 'error';

/**
 * Fail closed: only exit 0 with no findings is clean, only the leak exit code with findings is leaks. gitleaks 8.16
 * exits 1 on a git error but still writes an empty report, and logs "partial scan" when git log failed midway.
 */
export function classifyExit(exitCode: number, findings: number, log: string): ScanOutcome {
  if (/partial scan|git error encountered|\bFTL\b/.test(stripAnsi(log))) return 'error';
  if (exitCode === 0 && findings === 0) return 'clean';
  if (exitCode === LEAK_EXIT_CODE && findings > 0) return 'leaks';
  return 'error';
}

/** gitleaks colours its log even when piped; strip the escapes before matching or printing it. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
