/**
 * The one duration syntax of every Slipway input that takes a time: whole numbers with a unit, largest unit first —
 * `500ms`, `30s`, `5m`, `1h30m`, `7d`, `2w`. Older spellings keep working with a deprecation warning that gives the
 * new spelling: Go durations with fractions or micro/nanoseconds (`1.5h`, `1m0.5s`, trivy's old `timeout` values),
 * units out of order (`2d1w`), and the retired `*-seconds` / `*-ms` inputs that took a bare number.
 */
import * as core from '@actions/core';
import { ConfigurationError } from './errors.js';

export const DURATION_HELP =
  'a whole number with a unit (ms, s, m, h, d, w), largest first: e.g. 30s, 5m, 1h30m, 7d';

const UNIT_MS: Record<string, number> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 1e-3,
  µs: 1e-3,
  ns: 1e-6
};
const ORDER = ['w', 'd', 'h', 'm', 's', 'ms'];
const CURRENT_RE = /^(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?(?:\d+ms)?$/;
const LEGACY_RE = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w))+$/;

/**
 * The current spelling of a duration, as a person writes it: one unit when a small count of one unit says it exactly
 * (`30d`, `90s`, `90m`), else the units largest first (`1d1h1m1s500ms`).
 */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms);
  if (rest <= 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit]!;
    if (rest % size === 0 && rest / size <= 99) return `${rest / size}${unit}`;
  }
  let text = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      text += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return text;
}

export interface ParsedDuration {
  ms: number;
  /** set when the value used an old spelling: the current spelling to suggest */
  deprecated?: string;
}

/** Parses a duration; pure. Errors name the input and show the syntax. */
export function parseDuration(
  raw: string,
  input: string,
  { min = 1 }: { min?: number } = {}
): ParsedDuration {
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    throw new ConfigurationError(
      `Input '${input}': '${raw}' has no unit; write ${DURATION_HELP} (e.g. ${text}s for seconds)`
    );
  }
  const current = text !== '' && CURRENT_RE.test(text);
  if (!current && !LEGACY_RE.test(text)) {
    throw new ConfigurationError(`Input '${input}': '${raw}' is not a duration; write ${DURATION_HELP}`);
  }
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/g))
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  ms = Math.round(ms);
  if (ms < min) {
    throw new ConfigurationError(
      `Input '${input}': '${raw}' must be at least ${formatDuration(min)}; write ${DURATION_HELP}`
    );
  }
  return current ? { ms } : { ms, deprecated: formatDuration(ms) };
}

export interface DurationInputOptions {
  /** smallest allowed value in ms (default 1) */
  min?: number;
  /** a retired input that took a bare number of `unit`s; still read, with a deprecation warning */
  legacy?: { input: string; unit: 's' | 'ms' };
}

/**
 * Reads a duration input (empty: `fallback`, in the same syntax). An old spelling, or the retired legacy input,
 * still works and logs a `core.warning` with the new spelling to write.
 */
export function durationInput(name: string, fallback: string, options: DurationInputOptions = {}): number {
  const raw = core.getInput(name);
  const legacyRaw = options.legacy ? core.getInput(options.legacy.input) : '';
  if (options.legacy && legacyRaw !== '') {
    const { input, unit } = options.legacy;
    if (raw !== '' && raw !== fallback) {
      throw new ConfigurationError(
        `Inputs '${input}' and '${name}' are both set; '${input}' is deprecated: keep only '${name}'`
      );
    }
    if (!/^\d+$/.test(legacyRaw)) {
      throw new ConfigurationError(
        `Input '${input}' must be a whole number of ${unit === 's' ? 'seconds' : 'milliseconds'}, got '${legacyRaw}' ` +
          `('${input}' is deprecated: use '${name}', ${DURATION_HELP})`
      );
    }
    const ms = Number(legacyRaw) * (unit === 's' ? 1000 : 1);
    const min = options.min ?? 1;
    if (ms < min) {
      throw new ConfigurationError(
        `Input '${input}': '${legacyRaw}' must be at least ${formatDuration(min)}`
      );
    }
    core.warning(`Input '${input}' is deprecated: write ${name}: ${formatDuration(ms)}`);
    return ms;
  }
  const parsed = parseDuration(raw === '' ? fallback : raw, name, { min: options.min });
  if (parsed.deprecated) {
    core.warning(
      `Input '${name}': '${raw}' is an old duration spelling and is deprecated: write ${name}: ${parsed.deprecated}`
    );
  }
  return parsed.ms;
}

/**
 * A duration as Go's time.ParseDuration reads it (trivy's and cosign's --timeout): Go has no d or w unit
 * (https://pkg.go.dev/time#ParseDuration: "ns", "us", "ms", "s", "m", "h"), so days become hours.
 */
export function goDuration(ms: number): string {
  const hours = Math.floor(ms / UNIT_MS.h!);
  const rest = formatDuration(ms - hours * UNIT_MS.h!);
  return `${hours > 0 ? `${hours}h` : ''}${rest === '0s' && hours > 0 ? '' : rest}`;
}
