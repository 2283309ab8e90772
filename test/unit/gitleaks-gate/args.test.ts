import {
  buildDetectArgs,
  classifyExit,
  parseScanMode,
  patchArgs,
  stripAnsi
} from '../../../actions/gitleaks-gate/args.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('gitleaks-gate args', () => {
  it('scans a range as one --log-opts=base..head, redacted, with a distinct leak exit code', () => {
    expect(
      buildDetectArgs({
        source: '/ws',
        target: { kind: 'commits', base: A, head: B },
        reportPath: '/t/r.json'
      })
    ).toEqual([
      'detect',
      '--no-banner',
      '--redact',
      '--exit-code=2',
      '--report-format=json',
      '--report-path=/t/r.json',
      '--log-level=info',
      '--source=/ws',
      `--log-opts=${A}..${B}`
    ]);
  });

  it('never uses --first-parent, --no-merges or base^ (gitleaks-action #199/#236)', () => {
    const args = buildDetectArgs({
      source: '.',
      target: { kind: 'commits', base: A, head: B },
      reportPath: 'r'
    });
    expect(args.join(' ')).not.toMatch(/first-parent|no-merges|\^/);
  });

  it('passes config and baseline; full history has no --log-opts; diff mode reads a patch on stdin', () => {
    const history = buildDetectArgs({
      source: '/ws',
      target: { kind: 'history' },
      reportPath: 'r',
      config: '/ws/.gitleaks.toml',
      baseline: '/ws/baseline.json'
    });
    expect(history).toEqual(
      expect.arrayContaining(['--config=/ws/.gitleaks.toml', '--baseline-path=/ws/baseline.json'])
    );
    expect(history.some((a) => a.startsWith('--log-opts'))).toBe(false);
    const patch = buildDetectArgs({
      source: '/ws',
      target: { kind: 'patch', base: A, head: B },
      reportPath: 'r'
    });
    expect(patch).toContain('--pipe');
    expect(patch.some((a) => a.startsWith('--source') || a.startsWith('--log-opts'))).toBe(false);
    expect(patchArgs(A, B)).toEqual(['diff', '--no-color', '--no-ext-diff', '--no-renames', '-U0', A, B]);
  });

  it('refuses anything but full shas in --log-opts (gitleaks splits it on spaces into git-log options)', () => {
    expect(() =>
      buildDetectArgs({ source: '.', target: { kind: 'commits', base: '--all', head: B }, reportPath: 'r' })
    ).toThrow(/not a full commit sha/);
  });

  it('parses scan-mode, naming the allowed values', () => {
    expect(parseScanMode('')).toBe('auto');
    expect(parseScanMode('diff')).toBe('diff');
    expect(() => parseScanMode('fast')).toThrow(ConfigurationError);
    expect(() => parseScanMode('fast')).toThrow(
      "Input 'scan-mode' must be one of auto, full, diff, got 'fast'"
    );
  });

  it.each([
    [0, 0, 'INF no leaks found', 'clean'],
    [2, 3, 'WRN leaks found: 3', 'leaks'],
    [1, 0, 'ERR [git] fatal: Invalid revision range', 'error'],
    [0, 0, 'WRN partial scan completed', 'error'],
    [2, 0, 'leaks found', 'error'],
    [0, 1, '', 'error'],
    [126, 0, '', 'error'],
    [1, 0, '\u001b[31mFTL\u001b[0m unable to load gitleaks config', 'error']
  ])('exit %i with %i finding(s) and log %j is %s (fail closed)', (exit, count, log, outcome) => {
    expect(classifyExit(exit, count, log)).toBe(outcome);
  });

  it('strips ANSI colours', () => {
    expect(stripAnsi('\u001b[90m4:29PM\u001b[0m \u001b[32mINF\u001b[0m done')).toBe('4:29PM INF done');
  });
});
