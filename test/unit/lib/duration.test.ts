import { jest } from '@jest/globals';
import { ConfigurationError } from '../../../actions/lib/errors.js';
import { durationInput, formatDuration, goDuration, parseDuration } from '../../../actions/lib/duration.js';

describe('parseDuration: one syntax for every time input', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['7d', 7 * 86_400_000],
    ['1w2d', 9 * 86_400_000],
    ['5m0s', 300_000]
  ])('%s', (raw, ms) => expect(parseDuration(raw, 'timeout')).toEqual({ ms }));

  it.each([
    ['1.5h', 5_400_000, '90m'],
    ['2d1w', 9 * 86_400_000, '9d'],
    ['1500000us', 1500, '1s500ms'],
    ['0.25h', 900_000, '15m']
  ])('accepts the old spelling %s and names the new one', (raw, ms, spelling) => {
    expect(parseDuration(raw, 'timeout')).toEqual({ ms, deprecated: spelling });
  });

  it.each([
    ['30', /'30' has no unit; write .*e\.g\. 30s/],
    ['5 minutes', /is not a duration/],
    ['d', /is not a duration/],
    ['-1d', /is not a duration/],
    ['', /is not a duration/],
    ['0s', /must be at least 1ms/]
  ])('refuses %p naming the input and the syntax', (raw, message) => {
    expect(() => parseDuration(raw, 'older-than')).toThrow(ConfigurationError);
    expect(() => parseDuration(raw, 'older-than')).toThrow(message);
    expect(() => parseDuration(raw, 'older-than')).toThrow(/Input 'older-than'/);
  });

  it('formats the current spelling and a Go duration (no d/w in Go)', () => {
    expect(formatDuration(90_061_500)).toBe('1d1h1m1s500ms');
    expect(goDuration(86_400_000 + 30_000)).toBe('24h30s');
    expect(formatDuration(30 * 86_400_000)).toBe('30d');
    expect(goDuration(300_000)).toBe('5m');
    expect(goDuration(7_200_000)).toBe('2h');
  });
});

describe('durationInput', () => {
  const saved = { ...process.env };
  // @actions/core writes workflow commands to stdout (an ESM namespace cannot be spied on)
  const captureWarnings = (): string[] => {
    const lines: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l.startsWith('::warning::'))
          .map((l) => l.slice(11))
      );
      return true;
    });
    return lines;
  };
  afterEach(() => {
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  it('reads the legacy input with a deprecation warning that gives the new spelling', () => {
    const warnings = captureWarnings();
    process.env.INPUT_TIMEOUT = '60s';
    process.env['INPUT_TIMEOUT-SECONDS'] = '90';
    expect(durationInput('timeout', '60s', { legacy: { input: 'timeout-seconds', unit: 's' } })).toBe(90_000);
    expect(warnings).toEqual(["Input 'timeout-seconds' is deprecated: write timeout: 90s"]);
  });

  it('refuses the legacy and the new input together', () => {
    process.env.INPUT_TIMEOUT = '2m';
    process.env['INPUT_TIMEOUT-SECONDS'] = '90';
    expect(() =>
      durationInput('timeout', '60s', { legacy: { input: 'timeout-seconds', unit: 's' } })
    ).toThrow(/Inputs 'timeout-seconds' and 'timeout' are both set/);
  });

  it('warns on an old spelling of the new input', () => {
    const warnings = captureWarnings();
    process.env.INPUT_TIMEOUT = '1.5m';
    expect(durationInput('timeout', '5m')).toBe(90_000);
    expect(warnings).toEqual([
      "Input 'timeout': '1.5m' is an old duration spelling and is deprecated: write timeout: 90s"
    ]);
  });
});
